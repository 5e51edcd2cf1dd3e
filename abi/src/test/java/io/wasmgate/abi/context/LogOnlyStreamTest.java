package io.wasmgate.abi.context;

import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_ADD_HEADER_MAP_VALUE;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_GET_HEADER_MAP_VALUE;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_GET_PROPERTY;
import static io.wasmgate.abi.wire.WasmResult.BAD_ARGUMENT;
import static io.wasmgate.abi.wire.WasmResult.OK;
import static org.assertj.core.api.Assertions.assertThat;

import io.wasmgate.abi.config.Engine;
import io.wasmgate.abi.plugin.StreamContext;
import io.wasmgate.abi.spi.Headers;
import io.wasmgate.abi.testing.Probe;
import io.wasmgate.abi.testing.ProbeProgram.Data;
import io.wasmgate.abi.testing.ProbeProgram;
import io.wasmgate.abi.testing.RecordingExchange;
import io.wasmgate.abi.vm.Callback;
import io.wasmgate.abi.wire.PropertyPath;
import io.wasmgate.abi.wire.PropertyValue;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A log-only plugin sees the final request and response of a stream it took no part in. */
class LogOnlyStreamTest {

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aLogOnlyPluginReadsTheFinalHeadersAndPropertiesButCannotChangeThem(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Data path = program.blob(":path");
        Data code = program.blob(PropertyPath.encode("response", "code"));
        Data name = program.blob("x-late");
        program.on(Callback.ON_LOG)
                .call(PROXY_GET_HEADER_MAP_VALUE, 0, path.ptr(), path.len(), Probe.slot(0), Probe.slot(0) + 4)
                .call(PROXY_GET_PROPERTY, code.ptr(), code.len(), Probe.slot(1), Probe.slot(1) + 4)
                .call(PROXY_ADD_HEADER_MAP_VALUE, 2, name.ptr(), name.len(), name.ptr(), name.len());
        try (Probe probe = Probe.start(engine, program)) {
            StreamContext stream = probe.newStream(new RecordingExchange());
            Headers response = new Headers().add(":status", "404");

            stream.onLog(new Headers().add(":method", "GET").add(":path", "/missing"), response);
            stream.onDone();

            assertThat(probe.statuses()).containsExactly(OK, OK, BAD_ARGUMENT);
            assertThat(probe.returned(Probe.slot(0))).asString().isEqualTo("/missing");
            assertThat(probe.returned(Probe.slot(1))).isEqualTo(PropertyValue.ofInt(404).encode());
            assertThat(response.fields()).hasSize(1);
        }
    }
}
