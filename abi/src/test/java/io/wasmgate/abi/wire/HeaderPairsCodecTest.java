package io.wasmgate.abi.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeaderPairsCodecTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void encodesTheReferenceExampleByteForByte() {
        byte[] encoded = HeaderPairsCodec.encode(List.of(new HeaderField("a", "1"), new HeaderField("b", "22")));

        assertThat(HEX.formatHex(encoded))
                .isEqualTo("02000000" + "0100000001000000" + "0100000002000000" + "61003100" + "6200323200");
        // 4 + (8 + 2 + 2) + (8 + 2 + 3): the reference's "(28 bytes)" caption miscounts its own bytes.
        assertThat(encoded).hasSize(29);
    }

    @Test
    void emptyListEncodesToNoBytes() {
        assertThat(HeaderPairsCodec.encode(List.of())).isEmpty();
    }

    @Test
    void decodeInvertsEncodeKeepingOrderDuplicatesAndRawBytes() {
        List<HeaderField> fields = List.of(
                new HeaderField(":path", "/a?b=c"),
                new HeaderField("set-cookie", "x=1"),
                new HeaderField("set-cookie", "y=2"),
                new HeaderField("x-bin", "\u00ff\u0000\u0080"),
                new HeaderField("empty", ""));

        assertThat(HeaderPairsCodec.decode(HeaderPairsCodec.encode(fields))).isEqualTo(fields);
    }

    @Test
    void acceptsEveryEmptyEncodingAGuestMaySend() {
        assertThat(HeaderPairsCodec.decode(new byte[0])).isEmpty();
        assertThat(HeaderPairsCodec.decode(new byte[] {0})).isEmpty();
        assertThat(HeaderPairsCodec.decode(new byte[] {0, 0, 0, 0})).isEmpty();
    }

    @Test
    void malformedInputDecodesToAnEmptyList() {
        byte[] good = HeaderPairsCodec.encode(List.of(new HeaderField("a", "1")));

        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 1);
        byte[] trailingGarbage = java.util.Arrays.copyOf(good, good.length + 1);
        byte[] missingTerminator = good.clone();
        missingTerminator[missingTerminator.length - 1] = 'x';
        byte[] lengthOverrun = good.clone();
        lengthOverrun[4] = (byte) 0xff;
        byte[] hugeCount = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff};

        for (byte[] bad : List.of(truncated, trailingGarbage, missingTerminator, lengthOverrun, hugeCount)) {
            assertThat(HeaderPairsCodec.decode(bad)).as(HEX.formatHex(bad)).isEmpty();
        }
    }

    @Test
    void moreThan1024PairsAreRejectedAsCppHostDoes() {
        List<HeaderField> fields = new ArrayList<>();
        for (int i = 0; i <= HeaderPairsCodec.MAX_PAIRS; i++) {
            fields.add(new HeaderField("h" + i, "v"));
        }

        assertThat(HeaderPairsCodec.decode(HeaderPairsCodec.encode(fields))).isEmpty();
        assertThat(HeaderPairsCodec.decode(HeaderPairsCodec.encode(fields.subList(0, HeaderPairsCodec.MAX_PAIRS))))
                .hasSize(HeaderPairsCodec.MAX_PAIRS);
    }
}
