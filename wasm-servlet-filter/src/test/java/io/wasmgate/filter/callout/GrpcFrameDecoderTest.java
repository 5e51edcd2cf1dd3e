package io.wasmgate.filter.callout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GrpcFrameDecoderTest {
    private final GrpcFrameDecoder decoder = new GrpcFrameDecoder();

    private static byte[] framed(String... messages) {
        ByteBuffer all = ByteBuffer.allocate(1 << 16);
        for (String message : messages) {
            all.put(GrpcFrameDecoder.frame(message.getBytes(StandardCharsets.UTF_8)));
        }
        byte[] bytes = new byte[all.flip().remaining()];
        all.get(bytes);
        return bytes;
    }

    private static List<String> texts(List<byte[]> messages) {
        return messages.stream().map(bytes -> new String(bytes, StandardCharsets.UTF_8)).toList();
    }

    @Test
    void aFrameIsTheFlagTheBigEndianLengthAndTheBytes() {
        assertThat(GrpcFrameDecoder.frame(new byte[] {7, 8}).array()).containsExactly(0, 0, 0, 0, 2, 7, 8);
    }

    @Test
    void severalMessagesInOneChunkComeOutInOrder() throws Exception {
        assertThat(texts(decoder.decode(ByteBuffer.wrap(framed("one", "", "three"))))).containsExactly("one", "", "three");
        assertThat(decoder.inFrame()).isFalse();
    }

    @Test
    void aMessageSplitAcrossChunksAtEveryByteComesOutWhole() throws Exception {
        byte[] bytes = framed("hello", "world");
        List<String> messages = new ArrayList<>();
        for (byte b : bytes) {
            messages.addAll(texts(decoder.decode(ByteBuffer.wrap(new byte[] {b}))));
        }

        assertThat(messages).containsExactly("hello", "world");
    }

    @Test
    void bytesEndingInsideAFrameLeaveItOpen() throws Exception {
        byte[] bytes = framed("hello");

        assertThat(decoder.decode(ByteBuffer.wrap(bytes, 0, 3))).isEmpty();
        assertThat(decoder.inFrame()).isTrue();
        assertThat(decoder.decode(ByteBuffer.wrap(bytes, 3, 4))).isEmpty();
        assertThat(decoder.inFrame()).isTrue();
        assertThat(texts(decoder.decode(ByteBuffer.wrap(bytes, 7, bytes.length - 7)))).containsExactly("hello");
        assertThat(decoder.inFrame()).isFalse();
    }

    @Test
    void aCompressedMessageIsInternalBecauseNoCompressionWasNegotiated() {
        assertThatThrownBy(() -> decoder.decode(ByteBuffer.wrap(new byte[] {1, 0, 0, 0, 1, 42})))
                .isInstanceOfSatisfying(GrpcProtocolException.class, e -> assertThat(e.status().code()).isEqualTo(GrpcStatus.INTERNAL));
    }

    @Test
    void aMessageOverTheLimitIsResourceExhausted() {
        ByteBuffer prefix = ByteBuffer.allocate(5).put((byte) 0).putInt(GrpcFrameDecoder.MAX_MESSAGE + 1).flip();

        assertThatThrownBy(() -> decoder.decode(prefix)).isInstanceOfSatisfying(GrpcProtocolException.class,
                e -> assertThat(e.status().code()).isEqualTo(GrpcStatus.RESOURCE_EXHAUSTED));
    }
}
