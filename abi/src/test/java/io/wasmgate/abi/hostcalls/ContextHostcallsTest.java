package io.wasmgate.abi.hostcalls;

import static io.wasmgate.abi.testing.Probe.RET_PTR;
import static io.wasmgate.abi.testing.Probe.RET_SIZE;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_ADD_HEADER_MAP_VALUE;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_DONE;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_GET_HEADER_MAP_VALUE;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_SET_EFFECTIVE_CONTEXT;
import static io.wasmgate.abi.wire.WasmResult.BAD_ARGUMENT;
import static io.wasmgate.abi.wire.WasmResult.NOT_FOUND;
import static io.wasmgate.abi.wire.WasmResult.OK;
import static org.assertj.core.api.Assertions.assertThat;

import io.wasmgate.abi.config.Engine;
import io.wasmgate.abi.plugin.StreamContext;
import io.wasmgate.abi.spi.Headers;
import io.wasmgate.abi.testing.Probe;
import io.wasmgate.abi.testing.ProbeProgram;
import io.wasmgate.abi.testing.ProbeProgram.Data;
import io.wasmgate.abi.testing.RecordingExchange;
import io.wasmgate.abi.vm.Callback;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code proxy_set_effective_context} and {@code proxy_done}. Context ids are
 * deterministic: the root is 1 and the first stream 2 (each test checks that before relying on it).
 */
class ContextHostcallsTest {
    private static final int ROOT = 1;
    private static final int STREAM = 2;
    private static final int HTTP_REQUEST_HEADERS = 0;

    @ParameterizedTest
    @EnumSource(Engine.class)
    void anyLiveContextIdIsOkAndAnythingElseIsBadArgument(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        program.on(Callback.ON_REQUEST_HEADERS)
                .call(PROXY_SET_EFFECTIVE_CONTEXT, ROOT)
                .call(PROXY_SET_EFFECTIVE_CONTEXT, STREAM)
                .call(PROXY_SET_EFFECTIVE_CONTEXT, 0)
                .call(PROXY_SET_EFFECTIVE_CONTEXT, 3)
                .call(PROXY_SET_EFFECTIVE_CONTEXT, -1);
        program.on(Callback.ON_CONFIGURE)
                .call(PROXY_SET_EFFECTIVE_CONTEXT, ROOT)
                .call(PROXY_SET_EFFECTIVE_CONTEXT, STREAM);
        try (Probe probe = Probe.start(engine, program)) {
            assertThat(probe.statuses()).as("a stream that does not exist yet").containsExactly(OK, BAD_ARGUMENT);

            StreamContext stream = probe.newStream(new RecordingExchange());
            assertThat(stream.id()).isEqualTo(STREAM);
            stream.onRequestHeaders(new Headers(), true);
            assertThat(probe.statuses()).containsExactly(OK, OK, BAD_ARGUMENT, BAD_ARGUMENT, BAD_ARGUMENT);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void hostcallsActOnTheEffectiveContextUntilTheCallbackReturns(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Data key = program.blob("x-key");
        program.on(Callback.ON_REQUEST_HEADERS)
                .call(PROXY_SET_EFFECTIVE_CONTEXT, ROOT)
                .call(PROXY_GET_HEADER_MAP_VALUE, HTTP_REQUEST_HEADERS, key.ptr(), key.len(), RET_PTR, RET_SIZE)
                .call(PROXY_SET_EFFECTIVE_CONTEXT, STREAM)
                .call(PROXY_GET_HEADER_MAP_VALUE, HTTP_REQUEST_HEADERS, key.ptr(), key.len(), RET_PTR, RET_SIZE)
                .call(PROXY_SET_EFFECTIVE_CONTEXT, ROOT);
        program.on(Callback.ON_REQUEST_BODY)
                .call(PROXY_GET_HEADER_MAP_VALUE, HTTP_REQUEST_HEADERS, key.ptr(), key.len(), RET_PTR, RET_SIZE);
        try (Probe probe = Probe.start(engine, program)) {
            StreamContext stream = probe.newStream(new RecordingExchange());
            assertThat(stream.id()).isEqualTo(STREAM);

            stream.onRequestHeaders(new Headers().add("x-key", "v"), false);
            assertThat(probe.statuses()).as("the root has no request headers")
                    .containsExactly(OK, BAD_ARGUMENT, OK, OK, OK);
            assertThat(probe.returned()).asString().isEqualTo("v");

            stream.onRequestBody(new byte[0], true);
            assertThat(probe.statuses()).as("the next callback starts on its own context again").containsExactly(OK);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void theRootCanChangeAPausedStreamsHeadersAfterSwitchingToIt(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Data name = program.blob("x-from-root");
        Data value = program.blob("yes");
        program.on(Callback.ON_REQUEST_HEADERS).returns(1);
        program.on(Callback.ON_DONE)
                .call(PROXY_ADD_HEADER_MAP_VALUE, HTTP_REQUEST_HEADERS, name.ptr(), name.len(), value.ptr(), value.len())
                .call(PROXY_SET_EFFECTIVE_CONTEXT, STREAM)
                .call(PROXY_ADD_HEADER_MAP_VALUE, HTTP_REQUEST_HEADERS, name.ptr(), name.len(), value.ptr(), value.len());
        Probe probe = Probe.start(engine, program);
        StreamContext stream = probe.newStream(new RecordingExchange());
        assertThat(stream.id()).isEqualTo(STREAM);
        Headers request = new Headers().add(":path", "/");
        stream.onRequestHeaders(request, false);

        probe.close();

        assertThat(probe.statuses()).containsExactly(BAD_ARGUMENT, OK, OK);
        assertThat(request.values("x-from-root")).containsExactly("yes");
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void doneIsNotFoundWhenNoContextIsPending(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        program.on(Callback.ON_CONFIGURE).call(PROXY_DONE);
        program.on(Callback.ON_REQUEST_HEADERS).call(PROXY_DONE);
        program.on(Callback.ON_DONE).call(PROXY_DONE);
        try (Probe probe = Probe.start(engine, program)) {
            assertThat(probe.statuses()).containsExactly(NOT_FOUND);
            StreamContext stream = probe.newStream(new RecordingExchange());
            stream.onRequestHeaders(new Headers(), true);
            stream.onDone();
            assertThat(probe.statuses()).as("streams never wait for proxy_done").containsExactly(NOT_FOUND, NOT_FOUND);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aRootThatDefersItsDoneIsDeletedAfterProxyDoneFromALaterCallback(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        program.on(Callback.ON_DONE).returns(0);
        program.on(Callback.ON_DELETE).recordsArgs();
        program.on(Callback.ON_REQUEST_BODY)
                .call(PROXY_DONE)
                .call(PROXY_SET_EFFECTIVE_CONTEXT, ROOT)
                .call(PROXY_DONE)
                .call(PROXY_DONE);
        program.on(Callback.ON_RESPONSE_HEADERS).call(PROXY_SET_EFFECTIVE_CONTEXT, ROOT);
        Probe probe = Probe.start(engine, program);
        StreamContext stream = probe.newStream(new RecordingExchange());
        stream.onRequestHeaders(new Headers(), false);

        probe.close();
        assertThat(probe.vm().root().pendingDone()).isTrue();
        assertThat(probe.results()).as("proxy_on_delete waits for proxy_done").isEmpty();

        stream.onRequestBody(new byte[0], true);
        assertThat(probe.results()).as("proxy_done from the stream itself, then from the root; "
                        + "proxy_on_delete(root) runs only after the callback returned")
                .containsExactly(NOT_FOUND.code(), OK.code(), OK.code(), NOT_FOUND.code(), ROOT);
        assertThat(probe.vm().root().pendingDone()).isFalse();

        stream.onResponseHeaders(new Headers().add(":status", "200"), true);
        assertThat(probe.statuses()).as("the deleted root is no longer a live context").containsExactly(BAD_ARGUMENT);
    }
}
