package io.wasmgate.filter.internal;

import io.wasmgate.abi.spi.Headers;
import io.wasmgate.abi.spi.LocalReply;
import io.wasmgate.abi.wire.HeaderField;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The response Envoy builds for a local reply: status, the plugin's headers, a {@code text/plain} body;
 * for gRPC requests a trailers-only answer instead ({@code :status 200}, {@code grpc-status} from the
 * reply or mapped from the HTTP status, {@code grpc-message} from the body).
 */
final class LocalReplies {
    private LocalReplies() {}

    /** {@code true} for a gRPC request ({@code content-type: application/grpc...}). */
    static boolean isGrpc(Headers requestHeaders) {
        Optional<String> type = requestHeaders.first("content-type");
        return type.isPresent() && type.get().startsWith("application/grpc");
    }

    static Headers headers(LocalReply reply, boolean grpc) {
        Headers headers = new Headers();
        if (grpc) {
            headers.add(":status", "200");
            headers.add("content-type", "application/grpc");
            headers.add("grpc-status", Integer.toString(reply.grpcStatus().orElse(grpcStatus(reply.status()))));
            if (reply.body().length > 0) {
                headers.add("grpc-message", percentEncode(reply.body()));
            }
        } else {
            headers.add(":status", Integer.toString(reply.status()));
            if (reply.body().length > 0) {
                headers.add("content-type", "text/plain");
            }
            headers.add("content-length", Integer.toString(reply.body().length));
        }
        for (HeaderField field : reply.headers()) {
            headers.set(field.name(), field.value());
        }
        return headers;
    }

    static byte[] body(LocalReply reply, boolean grpc) {
        return grpc ? new byte[0] : reply.body();
    }

    /** Envoy's {@code Grpc::Utility::httpToGrpcStatus}. */
    private static int grpcStatus(int httpStatus) {
        return switch (httpStatus) {
            case 400 -> 13;
            case 401 -> 16;
            case 403 -> 7;
            case 404 -> 12;
            case 429, 502, 503, 504 -> 14;
            default -> 2;
        };
    }

    /** gRPC's percent-encoding of {@code grpc-message}: printable ASCII except {@code %} stays. */
    private static String percentEncode(byte[] message) {
        StringBuilder out = new StringBuilder(message.length);
        for (byte b : message) {
            int c = b & 0xFF;
            if (c >= 0x20 && c <= 0x7E && c != '%') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return out.toString();
    }

    /** The reply for a plugin that did not continue within its pause deadline. */
    static LocalReply pauseDeadline() {
        return new LocalReply(504, "wasm_pause_deadline", new byte[0], List.of(), OptionalInt.empty());
    }

    /** The reply when body waiting behind held headers outgrows {@code max_buffered_body}: 413 / 502, as the host answers for held bodies. */
    static LocalReply bufferLimit(Direction direction) {
        return new LocalReply(direction == Direction.REQUEST ? 413 : 502, "wasm_buffer_limit", new byte[0], List.of(),
                OptionalInt.empty());
    }
}
