package io.wasmgate.filter.callout;

import io.wasmgate.abi.spi.HttpCallListener;
import io.wasmgate.abi.spi.HttpCallResponse;
import io.wasmgate.abi.wire.HeaderField;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Records what one HTTP call reported: a response or a failure reason, and how many reports came. */
final class HttpOutcome implements HttpCallListener {
    private final CompletableFuture<Object> outcome = new CompletableFuture<>();
    private final AtomicInteger reports = new AtomicInteger();

    @Override
    public void onResponse(HttpCallResponse response) {
        reports.incrementAndGet();
        outcome.complete(response);
    }

    @Override
    public void onFailure(String reason) {
        reports.incrementAndGet();
        outcome.complete(reason);
    }

    /** The response, waiting for it; fails if the call failed instead. */
    HttpCallResponse response() {
        Object result = await();
        if (result instanceof HttpCallResponse response) {
            return response;
        }
        throw new AssertionError("the call failed: " + result);
    }

    /** The failure reason, waiting for it; fails if a response came instead. */
    String failure() {
        Object result = await();
        if (result instanceof String reason) {
            return reason;
        }
        throw new AssertionError("the call got a response: " + ((HttpCallResponse) result).headers());
    }

    int reports() {
        return reports.get();
    }

    private Object await() {
        try {
            return outcome.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("no outcome within 10 s", e);
        }
    }

    /** The first value of {@code name} in {@code fields}. */
    static Optional<String> value(List<HeaderField> fields, String name) {
        return fields.stream().filter(field -> field.name().equals(name)).map(HeaderField::value).findFirst();
    }
}
