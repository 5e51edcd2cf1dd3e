package io.wasmgate.abi.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PropertyPathTest {

    @Test
    void splitsSegmentsOnNul() {
        assertThat(PropertyPath.parse(bytes("request\0headers\0user-agent"))).containsExactly("request", "headers", "user-agent");
    }

    @Test
    void toleratesOneTrailingNulAsEnvoyDoes() {
        assertThat(PropertyPath.parse(bytes("plugin_name\0"))).containsExactly("plugin_name");
    }

    @Test
    void keepsEmptyInnerSegments() {
        assertThat(PropertyPath.parse(bytes("a\0\0b"))).containsExactly("a", "", "b");
    }

    @Test
    void emptyPathHasNoSegments() {
        assertThat(PropertyPath.parse(new byte[0])).isEmpty();
    }

    @Test
    void encodeJoinsWithoutATrailingNul() {
        assertThat(PropertyPath.encode("request", "path")).isEqualTo(bytes("request\0path"));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
