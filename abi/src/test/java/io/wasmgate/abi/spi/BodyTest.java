package io.wasmgate.abi.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The buffer conventions the SDKs rely on (reference §2.3, sdk-quirks "Arguments are unsigned"). */
class BodyTest {

    private static Body body(String content) {
        Body body = new Body();
        body.append(content.getBytes(StandardCharsets.UTF_8));
        return body;
    }

    private static String text(Body body) {
        return new String(body.bytes(), StandardCharsets.UTF_8);
    }

    @Test
    void appendedChunksAccumulate() {
        Body body = body("hello");
        body.append(" world".getBytes(StandardCharsets.UTF_8));
        assertThat(text(body)).isEqualTo("hello world");
        assertThat(body.length()).isEqualTo(11);
    }

    @Test
    void sliceClampsUnsignedStartAndMax() {
        Body body = body("abcdef");
        assertThat(body.slice(0, 0xFFFFFFFFL)).asString().isEqualTo("abcdef");
        assertThat(body.slice(2, 3)).asString().isEqualTo("cde");
        assertThat(body.slice(4, 100)).asString().isEqualTo("ef");
        assertThat(body.slice(6, 1)).isEmpty();
        assertThat(body.slice(0xFFFFFFFFL, 0xFFFFFFFFL)).isEmpty();
    }

    @Test
    void spliceAtZeroWithZeroSizePrepends() {
        Body body = body("world");
        body.splice(0, 0, "hello ".getBytes(StandardCharsets.UTF_8));
        assertThat(text(body)).isEqualTo("hello world");
    }

    @Test
    void spliceAtZeroCoveringEverythingReplaces() {
        Body body = body("old body");
        body.splice(0, 0xFFFFFFFFL, "new".getBytes(StandardCharsets.UTF_8));
        assertThat(text(body)).isEqualTo("new");
    }

    @Test
    void spliceAtOrPastTheEndAppendsAsTheGoSdkExpects() {
        Body body = body("a");
        body.splice(0x7FFFFFFFL, 0, "b".getBytes(StandardCharsets.UTF_8));
        body.splice(2, 0, "c".getBytes(StandardCharsets.UTF_8));
        assertThat(text(body)).isEqualTo("abc");
    }

    @Test
    void spliceInTheMiddleReplacesTheRange() {
        Body body = body("abcdef");
        body.splice(2, 2, "XYZ".getBytes(StandardCharsets.UTF_8));
        assertThat(text(body)).isEqualTo("abXYZef");
    }

    @Test
    void clearEmptiesAndReplaceSets() {
        Body body = body("abc");
        body.clear();
        assertThat(body.length()).isZero();
        body.replace("xyz".getBytes(StandardCharsets.UTF_8));
        assertThat(text(body)).isEqualTo("xyz");
    }
}
