package io.wasmgate.abi.context;

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
 * the calls in flight and the context that made each, what the guest may read while a response callback
 * runs, and what {@code proxy_get_status} reports.
 *
 * <p>Events are delivered in order through the VM's serial executor, under the VM lock, to the root
 * context. A call whose originating stream ended is cancelled and its events dropped, so no callback
 * ever reaches a deleted context.
 */
final class Callouts {
    private static final int HTTP = 0;
    private static final int GRPC_UNARY = 1;
    private static final int GRPC_STREAM = 2;

    private static final class Pending {
        final int origin;
        final Cancellable cancellable;
        byte[] unaryResponse = new byte[0];

        Pending(int origin, Cancellable cancellable) {
            this.origin = origin;
            this.cancellable = cancellable;
        }
    }

    private final ProxyWasmVm vm;
    private final Map<Integer, Pending> pending = new HashMap<>();
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
        int token = nextToken(HTTP);
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
        pending.put(token, new Pending(origin.id(), call));
        return token;
    }

    /** Opens a gRPC call for {@code origin}; a unary call sends {@code unaryMessage} and half-closes. */
    int grpcCall(GrpcCallRequest request, ContextBase origin, byte[] unaryMessage) {
        boolean unary = unaryMessage != null;
        int token = nextToken(unary ? GRPC_UNARY : GRPC_STREAM);
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
        pending.put(token, new Pending(origin.id(), stream));
        if (unary) {
            stream.send(unaryMessage, true);
        }
        return token;
    }

    /** {@code proxy_grpc_send}: BAD_ARGUMENT for a token that is not a stream, NOT_FOUND for an unknown one. */
    WasmResult grpcSend(int token, byte[] message, boolean endOfStream) {
        if ((token & 3) != GRPC_STREAM) {
            return WasmResult.BAD_ARGUMENT;
        }
        Pending call = pending.get(token);
        if (call == null) {
            return WasmResult.NOT_FOUND;
        }
        ((GrpcStream) call.cancellable).send(message, endOfStream);
        return WasmResult.OK;
    }

    /** {@code proxy_grpc_cancel}: no further callbacks for the call. */
    WasmResult grpcCancel(int token) {
        if (!isGrpc(token)) {
            return WasmResult.BAD_ARGUMENT;
        }
        Pending call = pending.remove(token);
        if (call == null) {
            return WasmResult.NOT_FOUND;
        }
        call.cancellable.cancel();
        return WasmResult.OK;
    }

    /** {@code proxy_grpc_close}: cancels a unary call; half-closes a stream, whose remote close is still reported. */
    WasmResult grpcClose(int token) {
        if (!isGrpc(token)) {
            return WasmResult.BAD_ARGUMENT;
        }
        if ((token & 3) == GRPC_UNARY) {
            return grpcCancel(token);
        }
        Pending call = pending.get(token);
        if (call == null) {
            return WasmResult.NOT_FOUND;
        }
        ((GrpcStream) call.cancellable).halfClose();
        return WasmResult.OK;
    }

    private static boolean isGrpc(int token) {
        int kind = token & 3;
        return kind == GRPC_UNARY || kind == GRPC_STREAM;
    }

    private int nextToken(int kind) {
        int token;
        do {
            sequence = sequence >= (Integer.MAX_VALUE >> 2) ? 1 : sequence + 1;
            token = sequence << 2 | kind;
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
        if ((token & 3) != GRPC_STREAM || !pending.containsKey(token)) {
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
        Pending call = pending.get(token);
        if (call == null) {
            return;
        }
        if ((token & 3) == GRPC_UNARY) {
            call.unaryResponse = message;
            return;
        }
        receive(token, message);
    }

    /**
     * A stream's close goes to {@code proxy_on_grpc_close}. A unary call that closed OK delivers its one
     * message with {@code proxy_on_grpc_receive} and nothing else; one that failed gets the close.
     */
    private void deliverClose(int token, int grpcStatus, String message) {
        Pending call = pending.remove(token);
        if (call == null) {
            return;
        }
        status(grpcStatus, message);
        if ((token & 3) == GRPC_UNARY && grpcStatus == 0) {
            receive(token, call.unaryResponse);
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
        Iterator<Pending> calls = pending.values().iterator();
        while (calls.hasNext()) {
            Pending call = calls.next();
            if (call.origin == contextId) {
                call.cancellable.cancel();
                calls.remove();
            }
        }
    }

    /** Cancels every call in flight. */
    void cancelAll() {
        pending.values().forEach(call -> call.cancellable.cancel());
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
