package io.wasmgate.abi.context;

import io.wasmgate.abi.context.Callout.GrpcCall;
import io.wasmgate.abi.context.Callout.GrpcStreamCall;
import io.wasmgate.abi.context.Callout.GrpcUnaryCall;
import io.wasmgate.abi.context.Callout.HttpCall;
import io.wasmgate.abi.spi.Body;
import io.wasmgate.abi.spi.Cancellable;
import io.wasmgate.abi.spi.GrpcCallRequest;
import io.wasmgate.abi.spi.GrpcListener;
import io.wasmgate.abi.spi.GrpcStream;
import io.wasmgate.abi.spi.Headers;
import io.wasmgate.abi.spi.HttpCallListener;
import io.wasmgate.abi.spi.HttpCallRequest;
import io.wasmgate.abi.spi.HttpCallResponse;
import io.wasmgate.abi.vm.Callback;
import io.wasmgate.abi.wire.HeaderField;
import io.wasmgate.abi.wire.WasmResult;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The callouts of one root context: tokens unique per VM with the kind in
 * their low two bits (HTTP calls {@code 4k}, gRPC unary calls {@code 4k+1}, gRPC streams {@code 4k+2}),
 * the {@link Callout calls} in flight, what the guest may read while a response callback runs, and what
 * {@code proxy_get_status} reports.
 *
 * <p>Events are delivered in order through the VM's serial executor, under the VM lock, to the root
 * context. A call whose originating stream ended is cancelled and its events dropped, so no callback
 * ever reaches a deleted context.
 */
final class Callouts {
    /**
     * The kind a token names: its low two bits are the kind's position here, so the order is what the
     * guest sees. The guest may pass any number, and one of the wrong kind is a bad argument even when no
     * call has it, so the kind is read from the token itself.
     */
    private enum Kind {
        HTTP,
        GRPC_UNARY,
        GRPC_STREAM;

        int token(int sequence) {
            return sequence << 2 | ordinal();
        }

        boolean names(int token) {
            return (token & 3) == ordinal();
        }
    }

    private final ProxyWasmVm vm;
    private final Map<Integer, Callout> pending = new HashMap<>();
    private int sequence;
    private Headers responseHeaders;
    private Headers responseTrailers;
    private Body responseBody;
    private Headers grpcMetadata;
    private boolean grpcMetadataIsTrailing;
    private Body grpcMessage;
    private int statusCode;
    private byte[] statusMessage = new byte[0];

    Callouts(ProxyWasmVm vm) {
        this.vm = vm;
    }

    /** Sends an HTTP call for {@code origin} and returns its token. */
    int httpCall(HttpCallRequest request, ContextBase origin) {
        int token = nextToken(Kind.HTTP);
        Cancellable call = vm.services().calloutClient().httpCall(request, new HttpCallListener() {
            @Override
            public void onResponse(HttpCallResponse response) {
                vm.deliver(() -> deliverHttp(token, response, null));
            }

            @Override
            public void onFailure(String reason) {
                vm.deliver(() -> deliverHttp(token, null, reason));
            }
        });
        pending.put(token, new HttpCall(origin.id(), call));
        return token;
    }

    /** Opens a gRPC call for {@code origin}; a unary call sends {@code unaryMessage} and half-closes. */
    int grpcCall(GrpcCallRequest request, ContextBase origin, byte[] unaryMessage) {
        boolean unary = unaryMessage != null;
        int token = nextToken(unary ? Kind.GRPC_UNARY : Kind.GRPC_STREAM);
        GrpcStream stream = vm.services().calloutClient().grpcCall(request, new GrpcListener() {
            @Override
            public void onInitialMetadata(List<HeaderField> metadata) {
                vm.deliver(() -> deliverMetadata(token, metadata, false));
            }

            @Override
            public void onMessage(byte[] message) {
                vm.deliver(() -> deliverMessage(token, message));
            }

            @Override
            public void onTrailingMetadata(List<HeaderField> metadata) {
                vm.deliver(() -> deliverMetadata(token, metadata, true));
            }

            @Override
            public void onClose(int grpcStatus, String message) {
                vm.deliver(() -> deliverClose(token, grpcStatus, message));
            }
        });
        pending.put(token, unary ? new GrpcUnaryCall(origin.id(), stream, new byte[0]) : new GrpcStreamCall(origin.id(), stream));
        if (unary) {
            stream.send(unaryMessage, true);
        }
        return token;
    }

    /** {@code proxy_grpc_send}: BAD_ARGUMENT for a token that is not a stream, NOT_FOUND for an unknown one. */
    WasmResult grpcSend(int token, byte[] message, boolean endOfStream) {
        if (pending.get(token) instanceof GrpcStreamCall call) {
            call.stream().send(message, endOfStream);
            return WasmResult.OK;
        }
        return notPending(token, Kind.GRPC_STREAM);
    }

    /** {@code proxy_grpc_cancel}: no further callbacks for the call. */
    WasmResult grpcCancel(int token) {
        if (pending.get(token) instanceof GrpcCall call) {
            pending.remove(token);
            call.cancel();
            return WasmResult.OK;
        }
        return notPending(token, Kind.GRPC_UNARY, Kind.GRPC_STREAM);
    }

    /** {@code proxy_grpc_close}: cancels a unary call; half-closes a stream, whose remote close is still reported. */
    WasmResult grpcClose(int token) {
        Callout call = pending.get(token);
        if (call instanceof GrpcUnaryCall) {
            return grpcCancel(token);
        }
        if (call instanceof GrpcStreamCall stream) {
            stream.stream().halfClose();
            return WasmResult.OK;
        }
        return notPending(token, Kind.GRPC_UNARY, Kind.GRPC_STREAM);
    }

    /**
     * The answer for a token with no call of {@code accepted} kinds: NOT_FOUND if it names one of them
     * (the call ended or never was), BAD_ARGUMENT if it names another kind, in flight or not.
     */
    private static WasmResult notPending(int token, Kind... accepted) {
        for (Kind kind : accepted) {
            if (kind.names(token)) {
                return WasmResult.NOT_FOUND;
            }
        }
        return WasmResult.BAD_ARGUMENT;
    }

    private int nextToken(Kind kind) {
        int token;
        do {
            sequence = sequence >= (Integer.MAX_VALUE >> 2) ? 1 : sequence + 1;
            token = kind.token(sequence);
        } while (pending.containsKey(token));
        return token;
    }

    private void deliverHttp(int token, HttpCallResponse response, String failure) {
        if (pending.remove(token) == null) {
            return;
        }
        if (response != null) {
            responseHeaders = Headers.of(response.headers());
            responseTrailers = Headers.of(response.trailers());
            responseBody = body(response.body());
            status(WasmResult.OK.code(), "");
        } else {
            responseHeaders = new Headers();
            responseTrailers = new Headers();
            responseBody = new Body();
            status(WasmResult.BROKEN_CONNECTION.code(), failure);
        }
        try {
            callRoot(Callback.ON_HTTP_CALL_RESPONSE, token, responseHeaders.size(), responseBody.length(), responseTrailers.size());
        } finally {
            responseHeaders = null;
            responseTrailers = null;
            responseBody = null;
        }
    }

    /** Streams see their metadata; Envoy delivers none for unary calls, only the message or the close. */
    private void deliverMetadata(int token, List<HeaderField> metadata, boolean trailing) {
        if (!(pending.get(token) instanceof GrpcStreamCall)) {
            return;
        }
        grpcMetadata = Headers.of(metadata);
        grpcMetadataIsTrailing = trailing;
        try {
            callRoot(trailing ? Callback.ON_GRPC_RECEIVE_TRAILING_METADATA : Callback.ON_GRPC_RECEIVE_INITIAL_METADATA,
                    token, grpcMetadata.size());
        } finally {
            grpcMetadata = null;
        }
    }

    private void deliverMessage(int token, byte[] message) {
        Callout call = pending.get(token);
        if (call instanceof GrpcUnaryCall unary) {
            pending.put(token, unary.withResponse(message));
        } else if (call instanceof GrpcStreamCall) {
            receive(token, message);
        }
    }

    /**
     * A stream's close goes to {@code proxy_on_grpc_close}. A unary call that closed OK delivers its one
     * message with {@code proxy_on_grpc_receive} and nothing else; one that failed gets the close.
     */
    private void deliverClose(int token, int grpcStatus, String message) {
        Callout call = pending.remove(token);
        if (call == null) {
            return;
        }
        status(grpcStatus, message);
        if (call instanceof GrpcUnaryCall unary && grpcStatus == 0) {
            receive(token, unary.response());
        } else {
            callRoot(Callback.ON_GRPC_CLOSE, token, grpcStatus);
        }
    }

    private void receive(int token, byte[] message) {
        grpcMessage = body(message);
        try {
            callRoot(Callback.ON_GRPC_RECEIVE, token, message.length);
        } finally {
            grpcMessage = null;
        }
    }

    private void callRoot(Callback callback, long... args) {
        long[] withRoot = new long[args.length + 1];
        withRoot[0] = vm.root().id();
        System.arraycopy(args, 0, withRoot, 1, args.length);
        vm.call(vm.root(), callback, withRoot);
    }

    private void status(int code, String message) {
        statusCode = code;
        statusMessage = message.getBytes(StandardCharsets.UTF_8);
    }

    /** The integration hands each response body or message over ({@link GrpcListener#onMessage}): kept, not copied. */
    private static Body body(byte[] bytes) {
        Body body = new Body();
        body.wrap(bytes);
        return body;
    }

    /** Cancels the calls {@code contextId} made; their events will never be delivered. */
    void cancelFrom(int contextId) {
        if (pending.isEmpty()) {
            return;
        }
        Iterator<Callout> calls = pending.values().iterator();
        while (calls.hasNext()) {
            Callout call = calls.next();
            if (call.origin() == contextId) {
                call.cancel();
                calls.remove();
            }
        }
    }

    /** Cancels every call in flight. */
    void cancelAll() {
        pending.values().forEach(Callout::cancel);
        pending.clear();
    }

    /** {@code HTTP_CALL_RESPONSE_HEADERS} / {@code _TRAILERS}: only while the response callback runs. */
    Optional<Headers> responseMap(boolean trailers) {
        return Optional.ofNullable(trailers ? responseTrailers : responseHeaders);
    }

    /** {@code HTTP_CALL_RESPONSE_BODY}: only while the response callback runs. */
    Optional<Body> responseBody() {
        return Optional.ofNullable(responseBody);
    }

    /** {@code GRPC_RECEIVE_INITIAL_METADATA} / {@code _TRAILING_METADATA}: only in the matching callback. */
    Optional<Headers> grpcMetadata(boolean trailing) {
        return grpcMetadata != null && grpcMetadataIsTrailing == trailing ? Optional.of(grpcMetadata) : Optional.empty();
    }

    /** {@code GRPC_RECEIVE_BUFFER}: the message while {@code proxy_on_grpc_receive} runs. */
    Optional<Body> grpcMessage() {
        return Optional.ofNullable(grpcMessage);
    }

    int statusCode() {
        return statusCode;
    }

    byte[] statusMessage() {
        return statusMessage.clone();
    }
}
