package io.wasmgate.filter.callout;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a gRPC response body into messages. Each message is framed as one compressed-flag byte, a u32
 * big-endian length and the bytes; frames arrive in whatever pieces HTTP/2 DATA frames make of them (one
 * message split over many, many messages in one). Not thread-safe: one decoder per call, fed in order.
 */
final class GrpcFrameDecoder {
    /** Largest message accepted, as grpc-java's default inbound limit. */
    static final int MAX_MESSAGE = 4 * 1024 * 1024;
    private static final int PREFIX = 5;

    private final ByteBuffer prefix = ByteBuffer.allocate(PREFIX);
    private ByteBuffer message;

    /** Frames {@code message} for sending: flag 0 (not compressed), its length, its bytes. */
    static ByteBuffer frame(byte[] message) {
        return ByteBuffer.allocate(PREFIX + message.length).put((byte) 0).putInt(message.length).put(message).flip();
    }

    /**
     * Consumes {@code data} and returns the messages it completed, in order.
     *
     * @throws GrpcProtocolException for a compressed message (the client asks for no compression) or one
     *     over {@link #MAX_MESSAGE}
     */
    List<byte[]> decode(ByteBuffer data) throws GrpcProtocolException {
        List<byte[]> messages = new ArrayList<>();
        while (data.hasRemaining()) {
            if (message == null) {
                transfer(data, prefix);
                if (prefix.hasRemaining()) {
                    break;
                }
                message = ByteBuffer.allocate(length(prefix.flip()));
                prefix.clear();
            }
            transfer(data, message);
            if (!message.hasRemaining()) {
                messages.add(message.array());
                message = null;
            }
        }
        return messages;
    }

    /** {@code true} if the bytes seen so far end inside a frame: the body was cut short. */
    boolean inFrame() {
        return message != null || prefix.position() > 0;
    }

    private static int length(ByteBuffer prefix) throws GrpcProtocolException {
        byte flag = prefix.get();
        if (flag != 0) {
            throw new GrpcProtocolException(new GrpcStatus(GrpcStatus.INTERNAL,
                    flag == 1 ? "compressed message, but no compression was negotiated" : "invalid message flag " + flag));
        }
        long length = Integer.toUnsignedLong(prefix.getInt());
        if (length > MAX_MESSAGE) {
            throw new GrpcProtocolException(new GrpcStatus(GrpcStatus.RESOURCE_EXHAUSTED,
                    "message of " + length + " bytes is larger than " + MAX_MESSAGE));
        }
        return (int) length;
    }

    private static void transfer(ByteBuffer from, ByteBuffer to) {
        int n = Math.min(from.remaining(), to.remaining());
        to.put(to.position(), from, from.position(), n);
        to.position(to.position() + n);
        from.position(from.position() + n);
    }
}
