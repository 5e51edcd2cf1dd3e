package io.wasmgate.abi.services;

/**
 * What the VM instances of one plugin share: the host's services, the metrics the plugin defines and the
 * host's meters about it.
 */
public record PluginScope(HostServices services, GuestMetrics guestMetrics, HostMetrics hostMetrics) {
    /** The scope of plugin {@code name} on {@code services}. */
    public static PluginScope create(HostServices services, String name) {
        return new PluginScope(services, new GuestMetrics(services.meterRegistry(), name),
                new HostMetrics(services.meterRegistry(), name));
    }
}
