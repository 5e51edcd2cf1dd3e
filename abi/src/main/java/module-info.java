/**
 * Wasmgate's proxy-wasm host core. The exported packages are the API integrations program against:
 * {@code plugin} (start a plugin, drive its streams), {@code config}, {@code spi} (what an integration
 * implements), {@code services} (shared data, queues, metrics), {@code wire} (the ABI's enums and codecs)
 * and the exceptions in {@code io.wasmgate.abi}. The Chicory-facing {@code vm}, the {@code hostcalls}
 * and the proxy-wasm {@code context} machinery they act on are internal.
 */
// Micrometer (MeterRegistry in HostServices' API) has no module descriptor, only an Automatic-Module-Name.
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module io.wasmgate.abi {
    requires com.dylibso.chicory.compiler;
    requires com.dylibso.chicory.runtime;
    requires com.dylibso.chicory.wasi;
    requires com.dylibso.chicory.wasm;
    requires static com.dylibso.chicory.annotations;
    requires java.management;
    requires jdk.management;
    requires transitive micrometer.core;
    requires org.objectweb.asm;
    requires org.slf4j;

    exports io.wasmgate.abi;
    exports io.wasmgate.abi.config;
    exports io.wasmgate.abi.plugin;
    exports io.wasmgate.abi.services;
    exports io.wasmgate.abi.spi;
    exports io.wasmgate.abi.wire;
}
