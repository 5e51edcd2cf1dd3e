package io.wasmgate.abi.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The buffer conventions the SDKs rely on: offsets and sizes are unsigned. */
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

    /** What {@link Body#readSlice} hands over, as text. */
    private static String slice(Body body, long start, long max) {
        String[] read = new String[1];
        body.readSlice(start, max, (array, offset, length) -> read[0] = new String(array, offset, length, StandardCharsets.UTF_8));
        return read[0];
    }

    @Test
    void sliceClampsUnsignedStartAndMax() {
        Body body = body("abcdef");
        assertThat(slice(body, 0, 0xFFFFFFFFL)).isEqualTo("abcdef");
        assertThat(slice(body, 2, 3)).isEqualTo("cde");
        assertThat(slice(body, 4, 100)).isEqualTo("ef");
        assertThat(slice(body, 6, 1)).isEmpty();
        assertThat(slice(body, 0xFFFFFFFFL, 0xFFFFFFFFL)).isEmpty();
    }

    @Test
    void aSliceNeverReachesPastTheContentIntoALargerBackingArray() {
        Body body = body("abcdefgh");
        body.splice(3, 0xFFFFFFFFL, new byte[0]);
        assertThat(body.length()).isEqualTo(3);
        assertThat(slice(body, 0, 0xFFFFFFFFL)).isEqualTo("abc");
        assertThat(slice(body, 1, 100)).isEqualTo("bc");
        assertThat(slice(body, 3, 5)).isEmpty();
        assertThat(text(body)).isEqualTo("abc");
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
    void editsInPlaceKeepTheBytesPastTheContentOutOfIt() {
        Body body = body("abcdefgh");
        body.splice(2, 4, "X".getBytes(StandardCharsets.UTF_8));
        assertThat(text(body)).isEqualTo("abXgh");
        body.splice(0, 0, "<".getBytes(StandardCharsets.UTF_8));
        body.splice(0x7FFFFFFFL, 0, ">".getBytes(StandardCharsets.UTF_8));
        assertThat(text(body)).as("both fit the array the body already has").isEqualTo("<abXgh>");
        body.append("!!".getBytes(StandardCharsets.UTF_8));
        assertThat(text(body)).isEqualTo("<abXgh>!!");
    }

    @Test
    void aWrappedChunkIsTheContentAndIsNeverWrittenInto() {
        byte[] chunk = "hello world".getBytes(StandardCharsets.UTF_8);
        Body body = new Body();
        body.wrap(chunk);
        assertThat(text(body)).isEqualTo("hello world");

        body.splice(6, 5, "there".getBytes(StandardCharsets.UTF_8));
        body.splice(0, 0, "<".getBytes(StandardCharsets.UTF_8));
        assertThat(text(body)).isEqualTo("<hello there");
        assertThat(chunk).asString().isEqualTo("hello world");

        body.wrap(chunk);
        body.append("!".getBytes(StandardCharsets.UTF_8));
        assertThat(text(body)).isEqualTo("hello world!");
        assertThat(chunk).asString().isEqualTo("hello world");

        body.wrap(chunk);
        body.clear();
        body.append("x".getBytes(StandardCharsets.UTF_8));
        assertThat(text(body)).isEqualTo("x");
        assertThat(chunk).asString().isEqualTo("hello world");
    }

    @Test
    void anEmptyChunkLeavesAWrappedChunkAsItIs() {
        Body body = new Body();
        body.wrap("abc".getBytes(StandardCharsets.UTF_8));
        body.append(new byte[0]);
        assertThat(text(body)).isEqualTo("abc");
    }

    @Test
    void spliceReplacingEverythingTakesTheReplacementAsTheContent() {
        Body body = body("old body");
        byte[] replacement = "new".getBytes(StandardCharsets.UTF_8);
        body.splice(0, 8, replacement);
        assertThat(text(body)).isEqualTo("new");
        body.splice(1, 1, "E".getBytes(StandardCharsets.UTF_8));
        assertThat(text(body)).isEqualTo("nEw");
        assertThat(replacement).as("handed over: the body edits it in place").asString().isEqualTo("nEw");
    }

    @Test
    void aChunkLetThroughIsSharedNotCopied() {
        byte[] chunk = "passing through".getBytes(StandardCharsets.UTF_8);
        Body body = new Body();
        body.wrap(chunk);
        assertThat(body.share()).isSameAs(chunk);
    }

    @Test
    void anEditAfterSharingLeavesTheSharedArrayAlone() {
        Body body = body("abc");
        body.splice(0, 3, "xyz".getBytes(StandardCharsets.UTF_8));
        byte[] shared = body.share();
        assertThat(shared).asString().isEqualTo("xyz");

        body.splice(1, 1, "Y".getBytes(StandardCharsets.UTF_8));
        body.append("!".getBytes(StandardCharsets.UTF_8));
        assertThat(text(body)).isEqualTo("xYz!");
        assertThat(shared).as("the receiver keeps what it was given").asString().isEqualTo("xyz");
    }

    @Test
    void aBackingArrayLargerThanTheContentIsSharedAsACopy() {
        Body body = body("abcdef");
        body.splice(2, 4, new byte[0]);
        byte[] shared = body.share();
        assertThat(shared).asString().isEqualTo("ab");
        body.splice(0, 1, "A".getBytes(StandardCharsets.UTF_8));
        assertThat(shared).asString().isEqualTo("ab");
        assertThat(text(body)).isEqualTo("Ab");
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
