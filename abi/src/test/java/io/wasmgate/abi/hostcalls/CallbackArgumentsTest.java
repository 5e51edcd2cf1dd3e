package io.wasmgate.abi.hostcalls;

import static org.assertj.core.api.Assertions.assertThat;

import io.wasmgate.abi.config.Engine;
import io.wasmgate.abi.plugin.StreamContext;
import io.wasmgate.abi.spi.Headers;
import io.wasmgate.abi.spi.LocalReply;
import io.wasmgate.abi.testing.Probe;
import io.wasmgate.abi.testing.ProbeProgram;
import io.wasmgate.abi.testing.RecordingExchange;
import io.wasmgate.abi.vm.Callback;
import io.wasmgate.abi.wire.FilterDataStatus;
import io.wasmgate.abi.wire.FilterHeadersStatus;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The arguments the host passes to each callback, as the probe records them: context
 * ids, counts, sizes and end_of_stream. The order of callbacks is StreamLifecycleTest's and StartupTest's.
 */
class CallbackArgumentsTest {
    private static final int ROOT = 1;
    private static final int STREAM = 2;

    private static ProbeProgram recordingEveryCallback() {
        ProbeProgram program = new ProbeProgram();
        for (Callback callback : new Callback[] {Callback.ON_CONTEXT_CREATE, Callback.ON_VM_START, Callback.ON_CONFIGURE,
                Callback.ON_REQUEST_HEADERS, Callback.ON_REQUEST_BODY, Callback.ON_REQUEST_TRAILERS,
                Callback.ON_RESPONSE_HEADERS, Callback.ON_RESPONSE_BODY, Callback.ON_RESPONSE_TRAILERS,
                Callback.ON_LOG, Callback.ON_DONE, Callback.ON_DELETE}) {
            program.on(callback).recordsArgs();
        }
        return program;
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void streamCallbacksGetTheirContextIdEntryCountsBodySizesAndEndOfStream(Engine engine) {
        try (Probe probe = Probe.start(engine, recordingEveryCallback())) {
            assertThat(probe.results()).as("proxy_on_configure(root, size)").hasSize(2).startsWith(ROOT);
            StreamContext stream = probe.newStream(new RecordingExchange());

            stream.onRequestHeaders(new Headers().add(":method", "GET").add(":path", "/").add("a", "1").add("a", "2"), false);
            assertThat(probe.results()).as("proxy_on_context_create(stream, root), proxy_on_request_headers")
                    .containsExactly(STREAM, ROOT, STREAM, 4, 0);
            stream.onRequestBody(bytes("abc"), false);
            assertThat(probe.results()).containsExactly(STREAM, 3, 0);
            stream.onRequestBody(bytes("de"), true);
            assertThat(probe.results()).containsExactly(STREAM, 2, 1);
            stream.onRequestTrailers(new Headers().add("t1", "x").add("t2", "y"));
            assertThat(probe.results()).containsExactly(STREAM, 2);
            stream.onResponseHeaders(new Headers().add(":status", "200"), false);
            assertThat(probe.results()).containsExactly(STREAM, 1, 0);
            stream.onResponseBody(bytes("hello"), true);
            assertThat(probe.results()).containsExactly(STREAM, 5, 1);
            stream.onResponseTrailers(new Headers());
            assertThat(probe.results()).containsExactly(STREAM, 0);
            stream.onLog();
            assertThat(probe.results()).containsExactly(STREAM);
            stream.onDone();
            assertThat(probe.results()).as("proxy_on_done, proxy_on_delete").containsExactly(STREAM, STREAM);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void headersWithEndOfStreamSayOne(Engine engine) {
        try (Probe probe = Probe.start(engine, recordingEveryCallback())) {
            probe.results();
            StreamContext stream = probe.newStream(new RecordingExchange());
            stream.onRequestHeaders(new Headers().add(":method", "GET"), true);
            assertThat(probe.results()).containsExactly(STREAM, ROOT, STREAM, 1, 1);
            stream.onResponseHeaders(new Headers().add(":status", "204").add("server", "x"), true);
            assertThat(probe.results()).containsExactly(STREAM, 2, 1);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aHeldBodyIsPassedWithItsBufferedTotalSize(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        program.on(Callback.ON_REQUEST_BODY).recordsArgs().returns(1);
        try (Probe probe = Probe.start(engine, program)) {
            StreamContext stream = probe.newStream(new RecordingExchange());
            stream.onRequestHeaders(new Headers(), false);
            assertThat(stream.onRequestBody(bytes("abc"), false)).isEqualTo(FilterDataStatus.STOP_ITERATION_AND_BUFFER);
            assertThat(stream.onRequestBody(bytes("de"), true)).isEqualTo(FilterDataStatus.STOP_ITERATION_AND_BUFFER);
            assertThat(probe.results()).containsExactly(STREAM, 3, 0, STREAM, 5, 1);
            assertThat(stream.requestBody().bytes()).asString().isEqualTo("abcde");
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void rootCallbacksGetTheRootIdAndConfigurationSizes(Engine engine) {
        ProbeProgram program = recordingEveryCallback();
        byte[] code = program.toBytes();
        Probe probe = Probe.start(engine, program,
                config -> config.withVmConfiguration(code).withConfiguration("twelve bytes"));
        assertThat(probe.u32(Probe.ROOT_CONTEXT_CREATE)).isEqualTo(ROOT);
        assertThat(probe.u32(Probe.ROOT_CONTEXT_CREATE + 4)).as("parent of a root context").isZero();
        assertThat(probe.results()).as("proxy_on_vm_start, proxy_on_configure")
                .containsExactly(ROOT, code.length, ROOT, 12);

        probe.close();
        assertThat(probe.results()).as("proxy_on_done, proxy_on_delete").containsExactly(ROOT, ROOT);
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aTrappingStepFailsTheStreamClosedAndTheVm(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        program.on(Callback.ON_REQUEST_HEADERS).recordsArgs().traps();
        try (Probe probe = Probe.start(engine, program)) {
            RecordingExchange exchange = new RecordingExchange();
            StreamContext stream = probe.newStream(exchange);
            assertThat(stream.onRequestHeaders(new Headers(), true)).isEqualTo(FilterHeadersStatus.STOP_ALL_ITERATION_AND_WATERMARK);
            assertThat(probe.results()).containsExactly(STREAM, 0, 1);
            assertThat(stream.failed()).isTrue();
            assertThat(probe.vm().failed()).isTrue();
            assertThat(exchange.onlyLocalReply().details()).isEqualTo(LocalReply.FAIL_STREAM_DETAILS);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
