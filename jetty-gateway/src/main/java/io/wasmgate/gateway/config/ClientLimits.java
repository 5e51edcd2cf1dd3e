package io.wasmgate.gateway.config;

import java.time.Duration;

/**
 * The validated limits of {@code listen} that bound what slow clients can hold on the proxy.
 *
 * @param maxThreads the proxy's platform thread pool (with virtual threads it still runs the selectors and
 *     the upstream clients)
 * @param virtualThreads {@code true}: requests run on virtual threads where the JDK has them (21+)
 * @param requestBodyTimeout how long a request's body may take beyond what {@code minRequestDataRate} earns
 *     it; {@link Duration#ZERO}: no limit
 * @param minRequestDataRate bytes per second of body that extend {@code requestBodyTimeout}; 0: none, the
 *     whole body must arrive within {@code requestBodyTimeout}
 */
public record ClientLimits(int maxThreads, boolean virtualThreads, Duration requestBodyTimeout, long minRequestDataRate) {}
