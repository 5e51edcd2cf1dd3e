package io.wasmgate.abi.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.OpCode;
import io.wasmgate.abi.testing.Modules;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CodeBodiesTest {
    private static final byte[] ADD_HEADER = Modules.policy("add-header").read("");

    @Test
    void everyBodyBecomesUnreachableAndEverythingElseStaysAsItWas() {
        WasmModule whole = Parser.parse(ADD_HEADER);
        WasmModule lean = Parser.parse(CodeBodies.withoutBodies(ADD_HEADER));

        assertThat(lean.codeSection().functionBodyCount()).isEqualTo(whole.codeSection().functionBodyCount());
        for (int i = 0; i < lean.codeSection().functionBodyCount(); i++) {
            assertThat(lean.codeSection().getFunctionBody(i).instructions())
                    .extracting(instruction -> instruction.opcode()).containsExactly(OpCode.UNREACHABLE, OpCode.END);
        }
        assertThat(lean.functionSection().functionCount()).isEqualTo(whole.functionSection().functionCount());
        assertThat(lean.exportSection().exportCount()).isEqualTo(whole.exportSection().exportCount());
        assertThat(lean.importSection().importCount()).isEqualTo(whole.importSection().importCount());
        assertThat(lean.dataSection().dataSegmentCount()).isEqualTo(whole.dataSection().dataSegmentCount());
        assertThat(lean.globalSection().globalCount()).isEqualTo(whole.globalSection().globalCount());
    }

    @Test
    void aModuleWhoseSectionsRunPastItsEndIsRefused() {
        byte[] cut = Arrays.copyOf(ADD_HEADER, ADD_HEADER.length - 100);

        assertThatThrownBy(() -> CodeBodies.withoutBodies(cut)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("runs past the end");
    }
}
