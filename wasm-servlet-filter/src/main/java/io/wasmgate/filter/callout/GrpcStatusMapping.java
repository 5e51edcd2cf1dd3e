package io.wasmgate.filter.callout;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;

/**
 * Where a gRPC call's final status comes from: {@code grpc-status} and {@code grpc-message} in the trailers
 * (or in the headers of a trailers-only response); the gRPC HTTP-to-status mapping for a non-200 answer
 * without them; and transport failures (refused, reset: UNAVAILABLE; deadline: DEADLINE_EXCEEDED).
 */
final class GrpcStatusMapping {
    private GrpcStatusMapping() {}

    /** The status for an HTTP answer that is not a gRPC response ("HTTP to gRPC status code mapping"). */
    static GrpcStatus fromHttpStatus(int httpStatus) {
        int code = switch (httpStatus) {
            case 400 -> GrpcStatus.INTERNAL;
            case 401 -> GrpcStatus.UNAUTHENTICATED;
            case 403 -> GrpcStatus.PERMISSION_DENIED;
            case 404 -> GrpcStatus.UNIMPLEMENTED;
            case 429, 502, 503, 504 -> GrpcStatus.UNAVAILABLE;
            default -> GrpcStatus.UNKNOWN;
        };
        return new GrpcStatus(code, "HTTP status code " + httpStatus);
    }

    /** The status for a call that failed before its trailers arrived. */
    static GrpcStatus fromFailure(Throwable failure) {
        Throwable cause = failure;
        for (int depth = 0; cause != null && depth < UpstreamFailure.MAX_CAUSES; depth++, cause = cause.getCause()) {
            if (cause instanceof GrpcProtocolException protocol) {
                return protocol.status();
            }
        }
        UpstreamFailure kind = UpstreamFailure.of(failure);
        if (kind == UpstreamFailure.TIMEOUT) {
            return new GrpcStatus(GrpcStatus.DEADLINE_EXCEEDED, "deadline exceeded");
        }
        return new GrpcStatus(GrpcStatus.UNAVAILABLE, kind.reason());
    }

    /** The status {@code trailers} carry; UNKNOWN if they carry none, or a code that is not a number. */
    static GrpcStatus fromTrailers(HttpFields trailers) {
        String code = trailers == null ? null : trailers.get("grpc-status");
        if (code == null) {
            return new GrpcStatus(GrpcStatus.UNKNOWN, "missing grpc-status in the response");
        }
        String message = trailers.get("grpc-message");
        try {
            return new GrpcStatus(Integer.parseInt(code.trim()), message == null ? "" : percentDecode(message));
        } catch (NumberFormatException e) {
            return new GrpcStatus(GrpcStatus.UNKNOWN, "invalid grpc-status '" + code + "'");
        }
    }

    /**
     * Undoes the percent-encoding of {@code grpc-message} (UTF-8 bytes as {@code %XX}); a {@code %} that
     * does not start a valid escape is kept as it is.
     */
    static String percentDecode(String encoded) {
        if (encoded.indexOf('%') < 0) {
            return encoded;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(encoded.length());
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '%' && i + 2 < encoded.length() && hex(encoded.charAt(i + 1)) >= 0 && hex(encoded.charAt(i + 2)) >= 0) {
                bytes.write(hex(encoded.charAt(i + 1)) << 4 | hex(encoded.charAt(i + 2)));
                i += 2;
            } else {
                bytes.write(c);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
            return (c | 0x20) - 'a' + 10;
        }
        return -1;
    }
}
