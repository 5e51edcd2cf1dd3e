package io.wasmgate.abi.hostcalls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wasmgate.abi.PluginStartException;
import io.wasmgate.abi.config.Engine;
import io.wasmgate.abi.config.PluginConfig;
import io.wasmgate.abi.plugin.Plugin;
import io.wasmgate.abi.testing.CapturingLog;
import io.wasmgate.abi.testing.Modules;
import io.wasmgate.abi.wire.LogLevel;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * WASI preview1 as plugins see it: the {@code wasi} fixture runs each call once through
 * {@code wasi_snapshot_preview1} and once through {@code wasi_unstable} from {@code proxy_on_configure}
 * and logs the results as {@code "<module> <call> errno=<n> ..."}.
 */
class WasiTest {
    private static final String PREVIEW1 = "wasi_snapshot_preview1";
    private static final String UNSTABLE = "wasi_unstable";

    private final CapturingLog log = new CapturingLog();

    static Stream<Arguments> enginesAndModules() {
        return Stream.of(Engine.values()).flatMap(engine -> Stream.of(Arguments.of(engine, PREVIEW1), Arguments.of(engine, UNSTABLE)));
    }

    private PluginConfig.Builder wasi(Engine engine) {
        return PluginConfig.builder("wasi")
                .withModule(Modules.fixture("wasi"))
                .withEngine(engine)
                .withInstances(1)
                .withLog(log);
    }

    /** Starts the plugin (which runs the suite) with {@code environment}; returns the lines of {@code module}'s run. */
    private List<String> run(Engine engine, Map<String, String> environment, String module) {
        try (Plugin plugin = Plugin.start(wasi(engine).withEnvironment(environment).build())) {
            return lines(module);
        }
    }

    private List<String> lines(String module) {
        return log.messages().stream().filter(line -> line.startsWith(module + " ")).toList();
    }

    private LogLevel levelOf(String message) {
        return log.lines.stream().filter(line -> line.message().endsWith(": " + message)).map(CapturingLog.Line::level)
                .reduce((a, b) -> {
                    throw new AssertionError("logged twice: " + message);
                })
                .orElseThrow(() -> new AssertionError("not logged: " + message));
    }

    private static long number(List<String> lines, String prefix, String field) {
        String line = lines.stream().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow();
        String value = line.substring(line.indexOf(field + "=") + field.length() + 1).split(" ")[0];
        return Long.parseUnsignedLong(value);
    }

    @ParameterizedTest
    @MethodSource("enginesAndModules")
    void fdWriteToStdoutAndStderrBecomesOneLogLinePerCallWithoutTheTrailingNewline(Engine engine, String module) {
        List<String> lines = run(engine, Map.of(), module);

        int written = module.length() + " stdout\n".length();
        assertThat(levelOf(module + " stdout")).isEqualTo(LogLevel.INFO);
        assertThat(levelOf(module + " stderr")).isEqualTo(LogLevel.ERROR);
        assertThat(lines).containsSubsequence(
                module + " stdout",
                module + " fd_write(1) errno=0 nwritten=" + written,
                module + " stderr",
                module + " fd_write(2) errno=0 nwritten=" + written);
    }

    @ParameterizedTest
    @MethodSource("enginesAndModules")
    void fdWriteToAnyOtherFdIsBadfAndABadIovecIsFault(Engine engine, String module) {
        assertThat(run(engine, Map.of(), module)).contains(
                module + " fd_write(3) errno=8",
                module + " fd_write(bad iovec) errno=21");
    }

    @ParameterizedTest
    @MethodSource("enginesAndModules")
    void fdPrestatGetAnswersBadfSoThereAreNoPreopenedDirectories(Engine engine, String module) {
        assertThat(run(engine, Map.of(), module)).contains(module + " fd_prestat_get(3) errno=8");
    }

    @ParameterizedTest
    @MethodSource("enginesAndModules")
    void clockTimeGetReadsTheWallClockAndAMonotonicClockAndRefusesCpuTime(Engine engine, String module) {
        Instant before = Instant.now();
        List<String> lines = run(engine, Map.of(), module);
        Instant after = Instant.now();

        long realtime = number(lines, module + " clock_time_get(realtime) errno=0", "t");
        assertThat(realtime).isBetween(nanos(before) - 1_000_000_000L, nanos(after) + 1_000_000_000L);
        List<Long> monotonic = lines.stream().filter(line -> line.startsWith(module + " clock_time_get(monotonic) errno=0"))
                .map(line -> Long.parseUnsignedLong(line.substring(line.indexOf("t=") + 2))).toList();
        assertThat(monotonic).hasSize(2).isSorted().allMatch(t -> t > 0);
        assertThat(lines).contains(module + " clock_time_get(cputime) errno=58 t=0");
    }

    private static long nanos(Instant instant) {
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }

    @ParameterizedTest
    @MethodSource("enginesAndModules")
    void randomGetFillsUpTo64KibAndRefusesMoreWithInval(Engine engine, String module) {
        assertThat(run(engine, Map.of(), module)).contains(
                module + " random_get(16) errno=0 nonzero=1",
                module + " random_get(0) errno=0",
                module + " random_get(65536) errno=0",
                module + " random_get(65537) errno=28");
    }

    @ParameterizedTest
    @MethodSource("enginesAndModules")
    void theEnvironmentIsExactlyThePluginsConfiguredOneAndNotTheProcessEnvironment(Engine engine, String module) {
        List<String> lines = run(engine, Map.of("GREETING", "hello", "MODE", "test"), module);

        assertThat(lines).contains(module + " environ_sizes_get errno=0 count=2 size="
                + ("GREETING=hello\0".length() + "MODE=test\0".length()), module + " environ_get errno=0");
        assertThat(lines).filteredOn(line -> line.startsWith(module + " environ "))
                .containsExactlyInAnyOrder(module + " environ GREETING=hello", module + " environ MODE=test");
        assertThat(System.getenv()).as("the process has an environment the plugin must not see").isNotEmpty();
    }

    @ParameterizedTest
    @MethodSource("enginesAndModules")
    void anEmptyEnvironmentHasNoVariables(Engine engine, String module) {
        List<String> lines = run(engine, Map.of(), module);

        assertThat(lines).contains(module + " environ_sizes_get errno=0 count=0 size=0", module + " environ_get errno=0");
        assertThat(lines).noneMatch(line -> line.startsWith(module + " environ "));
    }

    @ParameterizedTest
    @MethodSource("enginesAndModules")
    void argsAreEmpty(Engine engine, String module) {
        assertThat(run(engine, Map.of(), module)).contains(module + " args_sizes_get errno=0 argc=0 size=0");
    }

    /** Go's runtime sleeps with a clock subscription and aborts unless poll_oneoff succeeds. */
    @ParameterizedTest
    @MethodSource("enginesAndModules")
    void pollOneoffWithAClockSubscriptionSucceeds(Engine engine, String module) {
        assertThat(run(engine, Map.of(), module)).anyMatch(line -> line.startsWith(module + " poll_oneoff(clock) errno=0 "));
    }

    @ParameterizedTest
    @MethodSource("enginesAndModules")
    void schedYieldSucceeds(Engine engine, String module) {
        assertThat(run(engine, Map.of(), module)).endsWith(module + " sched_yield errno=0");
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void procExitIsATrapNamingTheExitCodeUnderBothModuleNames(Engine engine) {
        for (String exit : List.of("x", "X")) {
            assertThatThrownBy(() -> Plugin.start(wasi(engine).withConfiguration(exit).build()))
                    .isInstanceOf(PluginStartException.class)
                    .hasMessage("plugin 'wasi' (module classpath:wasmgate/fixtures/wasi.wasm): trap in proxy_on_configure: "
                            + "proc_exit(7) called by the plugin");
        }
        assertThat(log.messages()).noneMatch(line -> line.contains("fd_write"));
    }
}
