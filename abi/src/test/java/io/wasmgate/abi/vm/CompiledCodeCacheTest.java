package io.wasmgate.abi.vm;

import static org.assertj.core.api.Assertions.assertThat;

import io.wasmgate.abi.config.Engine;
import io.wasmgate.abi.testing.Modules;
import org.junit.jupiter.api.Test;

/** A module is parsed and compiled once per origin and engine while it is in use. */
class CompiledCodeCacheTest {

    @Test
    void theSameBytesFromTheSameOriginReuseTheCompiledCode() {
        byte[] bytes = Modules.policy("add-header").read("");

        WasmCode first = WasmCode.load("a", "policies/add-header.wasm", bytes, Engine.COMPILER);
        WasmCode second = WasmCode.load("b", "policies/add-header.wasm", bytes.clone(), Engine.COMPILER);

        assertThat(second).isSameAs(first);
    }

    @Test
    void anotherEngineOrOriginOrContentIsLoadedAfresh() {
        byte[] bytes = Modules.policy("add-header").read("");
        WasmCode compiled = WasmCode.load("a", "x.wasm", bytes, Engine.COMPILER);

        assertThat(WasmCode.load("a", "x.wasm", bytes, Engine.INTERPRETER)).isNotSameAs(compiled);
        assertThat(WasmCode.load("a", "y.wasm", bytes, Engine.COMPILER)).isNotSameAs(compiled);
        assertThat(WasmCode.load("a", "x.wasm", Modules.policy("request-counter").read(""), Engine.COMPILER).sha256())
                .isNotEqualTo(compiled.sha256());
    }
}
