package io.wasmgate.abi.hostcalls;

import static io.wasmgate.abi.hostcalls.HostcallTable.i32;

import io.wasmgate.abi.context.ProxyWasmVm;
import io.wasmgate.abi.wire.LogLevel;
import io.wasmgate.abi.wire.WasmResult;
import java.time.Instant;
import java.util.Optional;

/** Logging and clocks: {@code proxy_log}, {@code proxy_get_log_level}, {@code proxy_get_current_time_nanoseconds}. */
final class LogHostcalls {
    private final ProxyWasmVm vm;

    LogHostcalls(ProxyWasmVm vm) {
        this.vm = vm;
    }

    void register(HostcallTable table) {
        table.env("proxy_log", 3, a -> proxyLog(i32(a[0]), i32(a[1]), i32(a[2])));
        table.env("proxy_get_log_level", 1, a -> proxyGetLogLevel(i32(a[0])));
        table.env("proxy_get_current_time_nanoseconds", 1, a -> proxyGetCurrentTimeNanoseconds(i32(a[0])));
    }

    WasmResult proxyLog(int level, int messagePtr, int messageLen) {
        Optional<LogLevel> logLevel = LogLevel.ofGuest(level);
        if (logLevel.isEmpty()) {
            return WasmResult.BAD_ARGUMENT;
        }
        vm.memory().check(messagePtr, messageLen);
        vm.guestLog(logLevel.get(), () -> vm.memory().readUtf8(messagePtr, messageLen));
        return WasmResult.OK;
    }

    WasmResult proxyGetLogLevel(int returnLevel) {
        vm.memory().writeU32(returnLevel, vm.config().log().level().ordinal());
        return WasmResult.OK;
    }

    WasmResult proxyGetCurrentTimeNanoseconds(int returnTime) {
        Instant now = Instant.now();
        vm.memory().writeU64(returnTime, now.getEpochSecond() * 1_000_000_000L + now.getNano());
        return WasmResult.OK;
    }
}
