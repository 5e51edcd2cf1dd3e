package io.wasmgate.abi.hostcalls;

import static io.wasmgate.abi.testing.ProbeProgram.Op.EMSCRIPTEN_NOTIFY_MEMORY_GROWTH;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PTHREAD_EQUAL;
import static org.assertj.core.api.Assertions.assertThat;

import io.wasmgate.abi.config.Engine;
import io.wasmgate.abi.testing.Probe;
import io.wasmgate.abi.testing.ProbeProgram;
import io.wasmgate.abi.vm.Callback;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The two Emscripten helpers cpp-host registers in {@code env}. */
class EmscriptenHostcallsTest {

    @ParameterizedTest
    @EnumSource(Engine.class)
    void pthreadEqualComparesItsArgumentsAndMemoryGrowthNotificationsAreIgnored(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        program.on(Callback.ON_CONFIGURE)
                .call(PTHREAD_EQUAL, 7, 7)
                .call(PTHREAD_EQUAL, 7, 8)
                .call(PTHREAD_EQUAL, -1, -1)
                .call(EMSCRIPTEN_NOTIFY_MEMORY_GROWTH, 0)
                .call(EMSCRIPTEN_NOTIFY_MEMORY_GROWTH, -1);
        try (Probe probe = Probe.start(engine, program)) {
            assertThat(probe.results()).containsExactly(1, 0, 1, 0, 0);
            assertThat(probe.memorySize()).isEqualTo(Probe.MEMORY_END);
            assertThat(probe.vm().failed()).isFalse();
        }
    }
}
