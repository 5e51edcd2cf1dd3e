package io.wasmgate.abi.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PropertyValueTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void stringsAreRawUtf8WithoutNul() {
        assertThat(PropertyValue.ofString("héllo").encode()).isEqualTo("héllo".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void integersAreEightBytesLittleEndianTwosComplement() {
        assertThat(HEX.formatHex(PropertyValue.ofInt(200).encode())).isEqualTo("c800000000000000");
        assertThat(HEX.formatHex(PropertyValue.ofInt(-1).encode())).isEqualTo("ffffffffffffffff");
    }

    @Test
    void booleansAreOneByte() {
        assertThat(PropertyValue.ofBool(true).encode()).containsExactly(1);
        assertThat(PropertyValue.ofBool(false).encode()).containsExactly(0);
    }

    @Test
    void timestampsAndDurationsAreNanoseconds() {
        Instant instant = Instant.ofEpochSecond(1, 5);
        assertThat(PropertyValue.ofTimestamp(instant).encode()).isEqualTo(PropertyValue.ofInt(1_000_000_005L).encode());
        assertThat(PropertyValue.ofDuration(Duration.ofMillis(3)).encode()).isEqualTo(PropertyValue.ofInt(3_000_000L).encode());
    }

    @Test
    void mapsArePairsWhoseValuesAreThemselvesEncoded() {
        Map<String, PropertyValue> entries = new LinkedHashMap<>();
        entries.put("code", PropertyValue.ofInt(1));
        entries.put("name", PropertyValue.ofString("x"));

        List<HeaderField> pairs = HeaderPairsCodec.decode(PropertyValue.ofMap(entries).encode());

        assertThat(pairs).extracting(HeaderField::name).containsExactly("code", "name");
        assertThat(pairs.get(0).value()).isEqualTo("\u0001\0\0\0\0\0\0\0");
        assertThat(pairs.get(1).value()).isEqualTo("x");
    }

    @Test
    void mapChildrenAreReachableBySegment() {
        PropertyValue headers = PropertyValue.ofStringMap(Map.of("user-agent", "curl"));

        assertThat(headers.child("user-agent")).map(PropertyValue::encode).contains("curl".getBytes());
        assertThat(headers.child("missing")).isEmpty();
        assertThat(PropertyValue.ofString("leaf").child("x")).isEmpty();
    }
}
