package io.wasmgate.abi.hostcalls;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.TrapException;
import com.dylibso.chicory.runtime.WasmFunctionHandle;
import com.dylibso.chicory.wasi.WasiOptions;
import com.dylibso.chicory.wasi.WasiPreview1;
import io.wasmgate.abi.context.ProxyWasmVm;
import io.wasmgate.abi.vm.MemoryAccessException;
import io.wasmgate.abi.wire.LogLevel;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;

/**
 * WASI preview1 for plugins, on Chicory's {@link WasiPreview1}: every function linked
 * with its exact type under both {@code wasi_snapshot_preview1} and {@code wasi_unstable}; no filesystem
 * (so {@code fd_prestat_get} answers EBADF), no arguments, the plugin's configured environment only.
 * Where proxy hosts differ from a general WASI runtime the behaviour follows cpp-host:
 * {@code fd_write} to stdout/stderr becomes one plugin log line per call (INFO/ERROR),
 * {@code random_get} refuses more than 64 KiB, and {@code proc_exit} traps with the exit code.
 */
final class WasiHostcalls {
    static final String PREVIEW1 = "wasi_snapshot_preview1";
    static final String UNSTABLE = "wasi_unstable";
    private static final int ERRNO_SUCCESS = 0;
    private static final int ERRNO_BADF = 8;
    private static final int ERRNO_FAULT = 21;
    private static final int ERRNO_INVAL = 28;
    private static final int MAX_RANDOM_BYTES = 65_536;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ProxyWasmVm vm;

    WasiHostcalls(ProxyWasmVm vm) {
        this.vm = vm;
    }

    void register(HostcallTable table) {
        WasiPreview1 wasi = WasiPreview1.builder().withOptions(options(vm.config().environment())).build();
        for (HostFunction function : wasi.toHostFunctions()) {
            WasmFunctionHandle handle = override(function.name(), function.handle());
            table.add(new HostFunction(PREVIEW1, function.name(), function.functionType(), handle));
            table.add(new HostFunction(UNSTABLE, function.name(), function.functionType(), handle));
        }
    }

    private static WasiOptions options(Map<String, String> environment) {
        WasiOptions.Builder options = WasiOptions.builder()
                .withArguments(List.of())
                .withRandom(RANDOM)
                .withStdin(InputStream.nullInputStream())
                .withStdout(OutputStream.nullOutputStream())
                .withStderr(OutputStream.nullOutputStream());
        environment.forEach(options::withEnvironment);
        return options.build();
    }

    private WasmFunctionHandle override(String name, WasmFunctionHandle chicory) {
        return switch (name) {
            case "fd_write" -> (instance, args) -> new long[] {fdWrite((int) args[0], (int) args[1], (int) args[2], (int) args[3])};
            case "random_get" -> (instance, args) -> Integer.toUnsignedLong((int) args[1]) > MAX_RANDOM_BYTES
                    ? new long[] {ERRNO_INVAL}
                    : chicory.apply(instance, args);
            case "proc_exit" -> WasiHostcalls::procExit;
            default -> chicory;
        };
    }

    /** One log line per call, as cpp-host does: stdout at INFO, stderr at ERROR, one trailing newline dropped. */
    int fdWrite(int fd, int iovs, int iovsLen, int returnWritten) {
        if (fd != 1 && fd != 2) {
            return ERRNO_BADF;
        }
        try {
            StringBuilder text = new StringBuilder();
            long written = 0;
            for (int i = 0; i < iovsLen; i++) {
                int buf = vm.memory().readU32(iovs + 8 * i);
                int len = vm.memory().readU32(iovs + 8 * i + 4);
                text.append(new String(vm.memory().read(buf, len), StandardCharsets.UTF_8));
                written += Integer.toUnsignedLong(len);
            }
            vm.memory().writeU32(returnWritten, (int) written);
            int end = text.length() > 0 && text.charAt(text.length() - 1) == '\n' ? text.length() - 1 : text.length();
            vm.log(fd == 1 ? LogLevel.INFO : LogLevel.ERROR, text.substring(0, end));
            return ERRNO_SUCCESS;
        } catch (MemoryAccessException e) {
            return ERRNO_FAULT;
        }
    }

    private static long[] procExit(Instance instance, long... args) {
        throw new TrapException("proc_exit(" + (int) args[0] + ") called by the plugin");
    }
}
