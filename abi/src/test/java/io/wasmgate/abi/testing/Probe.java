package io.wasmgate.abi.testing;

import io.wasmgate.abi.config.Engine;
import io.wasmgate.abi.config.PluginConfig;
import io.wasmgate.abi.context.ProxyWasmVm;
import io.wasmgate.abi.hostcalls.Hostcalls;
import io.wasmgate.abi.plugin.StreamContext;
import io.wasmgate.abi.services.HostServices;
import io.wasmgate.abi.services.PluginScope;
import io.wasmgate.abi.spi.HttpExchange;
import io.wasmgate.abi.vm.GuestMemory;
import io.wasmgate.abi.vm.WasmCode;
import io.wasmgate.abi.wire.WasmResult;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * One VM of the {@code probe} fixture running a {@link ProbeProgram}, and what the tests read back: the
 * statuses the steps recorded, the scratch slots and the bytes the host handed to the guest. The memory
 * layout is documented at the top of {@code sample-policies/fixtures/probe.wat}.
 */
public final class Probe implements AutoCloseable {
    /** Scratch slot for a returned buffer's pointer ({@code ret_data_ptr_ptr}). */
    public static final int RET_PTR = 0x00;
    /** Scratch slot for a returned buffer's size ({@code ret_size_ptr}). */
    public static final int RET_SIZE = 0x04;
    /** Scratch slot for a returned u32 (sizes, levels, ids). */
    public static final int RET_U32 = 0x08;
    /** Scratch slot for a second returned u32 (buffer flags). */
    public static final int RET_FLAGS = 0x0C;
    /** Scratch slot for a returned u64 (time), 8 bytes. */
    public static final int RET_U64 = 0x10;
    /** Initial size of linear memory (4 pages); it grows only when the heap needs more. */
    public static final int MEMORY_END = 0x40000;
    /** What {@link #fillScratch()} writes into every scratch byte, read as a u32. */
    public static final int UNTOUCHED = 0xA5A5A5A5;
    /** Where the root's {@code proxy_on_context_create} arguments are recorded (context id, then parent id). */
    public static final int ROOT_CONTEXT_CREATE = 0x0F10;
    /** The probe allocator's next block address (u32); point it past memory to make allocations fail. */
    public static final int HEAP_TOP = 0x0F00;
    /** Where the first block the host allocates after start lands. */
    public static final int HEAP = 0x10000;
    private static final int SLOTS = 0x20;
    private static final int SCRATCH_END = 0x100;
    private static final int RESULT_COUNT = 0x0100;
    private static final int RESULTS = 0x0104;
    private static final int MAX_RESULTS = 959;
    private static final int ALLOCATIONS = 0x0F04;
    private static final Map<Engine, WasmCode> CODE = new ConcurrentHashMap<>();

    private final ProxyWasmVm vm;
    private final HostServices services;
    private final boolean ownsServices;
    private boolean closed;

    private Probe(ProxyWasmVm vm, HostServices services, boolean ownsServices) {
        this.vm = vm;
        this.services = services;
        this.ownsServices = ownsServices;
    }

    /** Starts a probe VM running {@code program}, given as the plugin configuration. */
    public static Probe start(Engine engine, ProbeProgram program) {
        return start(engine, program, UnaryOperator.identity());
    }

    /**
     * Starts a probe VM; {@code customize} may change the defaults: plugin {@code probe}, root id
     * {@code probe_root}, vm id {@code probe_vm}, a TRACE {@link CapturingLog}, and the program as the plugin
     * configuration (or as the VM configuration, which the probe loads in {@code proxy_on_vm_start}).
     *
     * @throws io.wasmgate.abi.PluginStartException if a step traps or returns false during start-up
     */
    public static Probe start(Engine engine, ProbeProgram program, UnaryOperator<PluginConfig.Builder> customize) {
        HostServices services = HostServices.create();
        try {
            return start(engine, program, services, true, customize);
        } catch (RuntimeException e) {
            services.close();
            throw e;
        }
    }

    /**
     * Starts a probe VM on {@code services}, shared with other probes or plugins (same vm_id, same shared
     * data and queues, same meter registry); closing the probe leaves the services running.
     */
    public static Probe start(Engine engine, ProbeProgram program, HostServices services,
            UnaryOperator<PluginConfig.Builder> customize) {
        return start(engine, program, services, false, customize);
    }

    private static Probe start(Engine engine, ProbeProgram program, HostServices services, boolean ownsServices,
            UnaryOperator<PluginConfig.Builder> customize) {
        PluginConfig config = customize.apply(config(engine, program)).build();
        WasmCode code = CODE.computeIfAbsent(engine, e -> WasmCode.load("probe", Modules.fixture("probe"), e));
        return new Probe(ProxyWasmVm.start(config, code, PluginScope.create(services, config.name()), Hostcalls::link),
                services, ownsServices);
    }

    /**
     * The defaults {@link #start} uses, for running the probe as a {@link io.wasmgate.abi.plugin.Plugin}:
     * plugin {@code probe}, root id {@code probe_root}, vm id {@code probe_vm}, one instance, a TRACE
     * {@link CapturingLog}, and the program as the plugin configuration.
     */
    public static PluginConfig.Builder config(Engine engine, ProbeProgram program) {
        return PluginConfig.builder("probe")
                .withModule(Modules.fixture("probe"))
                .withRootId("probe_root")
                .withVmId("probe_vm")
                .withEngine(engine)
                .withInstances(1)
                .withLog(new CapturingLog())
                .withConfiguration(program.toBytes());
    }

    /** The host services of this probe: shared data, queues, the meter registry. */
    public HostServices services() {
        return services;
    }

    public ProxyWasmVm vm() {
        return vm;
    }

    /** The plugin log (the default {@link CapturingLog} unless the test replaced it). */
    public CapturingLog log() {
        return (CapturingLog) vm.config().log();
    }

    /** A new stream context; the guest hears of it with its first callback. */
    public StreamContext newStream(HttpExchange exchange) {
        return vm.newStream(exchange);
    }

    /**
     * Every value recorded since the last call (statuses and recorded arguments), then forgets them. Holds the
     * VM lock, so ticks and queue notifications running on host threads are never read half-written.
     */
    public List<Integer> results() {
        vm.lock().lock();
        try {
            int count = u32(RESULT_COUNT);
            if (count >= MAX_RESULTS) {
                throw new IllegalStateException("the probe recorded " + count + " results and dropped the rest");
            }
            List<Integer> results = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                results.add(u32(RESULTS + 4 * i));
            }
            memory().writeU32(RESULT_COUNT, 0);
            return results;
        } finally {
            vm.lock().unlock();
        }
    }

    /**
     * Collects {@link #results()} until at least {@code count} values arrived, for what host threads record
     * (ticks, queue notifications); fails after {@link Poll#TIMEOUT}. Later values stay for the next call.
     */
    public List<Integer> awaitResults(int count) {
        List<Integer> collected = new ArrayList<>();
        try {
            Poll.until(count + " probe results", () -> {
                collected.addAll(results());
                return collected.size() >= count;
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; got only " + collected, e);
        }
        return collected;
    }

    /** {@link #results()} as statuses; fails if a value is not an ABI status code. */
    public List<WasmResult> statuses() {
        return results().stream().map(Probe::status).toList();
    }

    /** The status with ABI value {@code code}. */
    public static WasmResult status(int code) {
        for (WasmResult result : WasmResult.values()) {
            if (result.code() == code) {
                return result;
            }
        }
        throw new AssertionError("not a proxy-wasm status: " + Integer.toUnsignedString(code));
    }

    /**
     * Scratch slot pair {@code i} (0..27) for one more returned buffer: pointer at {@code slot(i)}, size at
     * {@code slot(i) + 4}.
     */
    public static int slot(int i) {
        if (i < 0 || SLOTS + 8 * i + 8 > SCRATCH_END) {
            throw new IllegalArgumentException("no scratch slot " + i);
        }
        return SLOTS + 8 * i;
    }

    /** The buffer the host returned through {@link #RET_PTR} and {@link #RET_SIZE}. */
    public byte[] returned() {
        return bytes(u32(RET_PTR), u32(RET_SIZE));
    }

    /** The buffer the host returned through slot pair {@code slot} (see {@link #slot(int)}). */
    public byte[] returned(int slot) {
        return bytes(u32(slot), u32(slot + 4));
    }

    /** Fills the scratch area with {@code 0xA5} bytes, so a slot the host did not write reads {@link #UNTOUCHED}. */
    public void fillScratch() {
        byte[] marker = new byte[SCRATCH_END];
        Arrays.fill(marker, (byte) 0xA5);
        write(0, marker);
    }

    /** The number of blocks the host has allocated since the program was loaded. */
    public int allocations() {
        return u32(ALLOCATIONS);
    }

    public int u32(int ptr) {
        return memory().readU32(ptr);
    }

    public long u64(int ptr) {
        return ByteBuffer.wrap(bytes(ptr, 8)).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    public byte[] bytes(int ptr, int len) {
        return memory().read(ptr, len);
    }

    /** Writes guest memory, e.g. to pre-fill scratch slots with a marker. */
    public void write(int ptr, byte[] data) {
        memory().write(ptr, data);
    }

    /** Writes a u32 into guest memory. */
    public void writeU32(int ptr, int value) {
        memory().writeU32(ptr, value);
    }

    /** Current size of linear memory in bytes. */
    public long memorySize() {
        return memory().size();
    }

    private GuestMemory memory() {
        return vm.memory();
    }

    /**
     * Shuts the root context down once ({@code proxy_on_done}, then {@code proxy_on_delete} unless
     * deferred); later calls do nothing.
     */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            vm.close();
            if (ownsServices) {
                services.close();
            }
        }
    }
}
