package io.wasmgate.abi.services;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wasmgate.abi.spi.CalloutClient;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every plugin of one host shares: shared data and queues (keyed by vm_id), foreign functions, the
 * meter registry, and the threads that deliver ticks, queue notifications and deadline interrupts.
 * Create one per host (a filter instance, a gateway) and close it after its plugins.
 */
public final class HostServices implements AutoCloseable {
    private final MeterRegistry meterRegistry;
    private final ForeignFunctionRegistry foreignFunctions;
    private final CalloutClient calloutClient;
    private final ScheduledExecutorService scheduler;
    private final SharedDataStore sharedData;
    private final SharedQueueRegistry sharedQueues;
    private final CallWatchdog watchdog;

    private HostServices(Builder builder) {
        this.meterRegistry = builder.meterRegistry;
        this.foreignFunctions = builder.foreignFunctions;
        this.calloutClient = builder.calloutClient;
        this.scheduler = Executors.newScheduledThreadPool(builder.threads, daemonThreads());
        this.sharedData = new SharedDataStore(meterRegistry);
        this.sharedQueues = new SharedQueueRegistry(scheduler, meterRegistry, builder.sharedQueueMaxBytes);
        this.watchdog = new CallWatchdog(scheduler);
    }

    /** Services with a {@link SimpleMeterRegistry}, no foreign functions and no callout clusters. */
    public static HostServices create() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "wasmgate-host-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    public MeterRegistry meterRegistry() {
        return meterRegistry;
    }

    public ForeignFunctionRegistry foreignFunctions() {
        return foreignFunctions;
    }

    /** Where {@code proxy_http_call} goes; {@link CalloutClient#NONE} unless an integration provides clusters. */
    public CalloutClient calloutClient() {
        return calloutClient;
    }

    public SharedDataStore sharedData() {
        return sharedData;
    }

    public SharedQueueRegistry sharedQueues() {
        return sharedQueues;
    }

    public CallWatchdog watchdog() {
        return watchdog;
    }

    /** Runs ticks and other host-initiated events. */
    public ScheduledExecutorService scheduler() {
        return scheduler;
    }

    /** Stops the host threads; plugins using these services must be closed first. */
    @Override
    public void close() {
        watchdog.close();
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Builder for {@link HostServices}. */
    public static final class Builder {
        private MeterRegistry meterRegistry = new SimpleMeterRegistry();
        private ForeignFunctionRegistry foreignFunctions = new ForeignFunctionRegistry();
        private CalloutClient calloutClient = CalloutClient.NONE;
        private int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
        private long sharedQueueMaxBytes = SharedQueueRegistry.DEFAULT_MAX_BYTES;

        private Builder() {}

        public Builder withMeterRegistry(MeterRegistry meterRegistry) {
            this.meterRegistry = Objects.requireNonNull(meterRegistry, "meterRegistry");
            return this;
        }

        public Builder withForeignFunctions(ForeignFunctionRegistry foreignFunctions) {
            this.foreignFunctions = Objects.requireNonNull(foreignFunctions, "foreignFunctions");
            return this;
        }

        public Builder withCalloutClient(CalloutClient calloutClient) {
            this.calloutClient = Objects.requireNonNull(calloutClient, "calloutClient");
            return this;
        }

        /** Threads delivering ticks, queue notifications and callout responses. */
        public Builder withThreads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1, got " + threads);
            }
            this.threads = threads;
            return this;
        }

        /** The most each shared queue holds ({@link SharedQueueRegistry#maxBytes()}); by default 64 MiB. */
        public Builder withSharedQueueMaxBytes(long maxBytes) {
            this.sharedQueueMaxBytes = SharedQueueRegistry.checkedMaxBytes(maxBytes);
            return this;
        }

        public HostServices build() {
            return new HostServices(this);
        }
    }
}
