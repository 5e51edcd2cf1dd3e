package io.wasmgate.filter.callout;

import io.wasmgate.abi.spi.GrpcListener;
import io.wasmgate.abi.wire.HeaderField;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** Records the events of one gRPC call in order, and its close. */
final class GrpcEvents implements GrpcListener {
    /** {@code initial}, {@code message}, {@code trailing} and {@code close:<code>}, in arrival order. */
    final List<String> events = new CopyOnWriteArrayList<>();
    final List<byte[]> messages = new CopyOnWriteArrayList<>();
    volatile List<HeaderField> initialMetadata = List.of();
    volatile List<HeaderField> trailingMetadata = List.of();
    private final CompletableFuture<GrpcStatus> close = new CompletableFuture<>();

    @Override
    public void onInitialMetadata(List<HeaderField> metadata) {
        initialMetadata = metadata;
        events.add("initial");
    }

    @Override
    public void onMessage(byte[] message) {
        messages.add(message);
        events.add("message");
    }

    @Override
    public void onTrailingMetadata(List<HeaderField> metadata) {
        trailingMetadata = metadata;
        events.add("trailing");
    }

    @Override
    public void onClose(int grpcStatus, String message) {
        events.add("close:" + grpcStatus);
        close.complete(new GrpcStatus(grpcStatus, message));
    }

    /** The close, waiting for it. */
    GrpcStatus awaitClose() {
        try {
            return close.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("no close within 10 s; events " + events, e);
        }
    }

    List<String> texts() {
        return messages.stream().map(bytes -> new String(bytes, StandardCharsets.UTF_8)).toList();
    }
}
