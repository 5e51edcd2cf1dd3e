package io.wasmgate.abi.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.wasmgate.abi.PluginLoadException;
import io.wasmgate.abi.config.Engine;
import io.wasmgate.abi.config.ModuleSource;
import io.wasmgate.abi.config.PluginConfig;
import io.wasmgate.abi.plugin.Plugin;
import io.wasmgate.abi.testing.CapturingLog;
import io.wasmgate.abi.testing.Modules;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Modules the host must refuse, each with a {@link PluginLoadException} whose message names the module
 * (and the plugin, when there is one) and says what is wrong with it.
 */
class ModuleLoadingTest {
    @TempDir
    Path dir;

    private static PluginConfig config(String name, ModuleSource module, Engine engine) {
        return PluginConfig.builder(name).withModule(module).withEngine(engine).withInstances(1)
                .withLog(new CapturingLog()).build();
    }

    private static PluginLoadException loadFailure(String fixture, Engine engine) {
        return catchThrowableOfType(PluginLoadException.class,
                () -> Plugin.start(config(fixture, Modules.fixture(fixture), engine)).close());
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void randomBytesAreRejectedAsNotWebAssemblyNamingTheModule(Engine engine) {
        byte[] noise = new byte[64];
        new Random(7).nextBytes(noise);

        assertThatThrownBy(() -> WasmCode.load("", ModuleSource.ofBytes("noise.bin", noise), engine))
                .isInstanceOf(PluginLoadException.class)
                .hasMessage("Wasm module noise.bin: not a WebAssembly binary (missing \\0asm magic number)")
                .satisfies(e -> assertThat(((PluginLoadException) e).module()).isEqualTo("noise.bin"));
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aTextFileIsRejectedAsNotWebAssemblyNamingThePluginAndTheFile(Engine engine) throws IOException {
        Path notes = Files.writeString(dir.resolve("notes.txt"), "(module) is the text format, not a binary\n");

        assertThatThrownBy(() -> Plugin.start(config("notes", ModuleSource.ofFile(notes), engine)))
                .isInstanceOf(PluginLoadException.class)
                .hasMessage("plugin 'notes' (module " + notes + "): not a WebAssembly binary (missing \\0asm magic number)");
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aModuleCutInHalfIsRejectedAsMalformedOrTruncated(Engine engine) {
        byte[] whole = Modules.fixture("lifecycle").read("");
        byte[] half = Arrays.copyOf(whole, whole.length / 2);

        assertThatThrownBy(() -> WasmCode.load("half", ModuleSource.ofBytes("lifecycle-half.wasm", half), engine))
                .isInstanceOf(PluginLoadException.class)
                .hasMessageStartingWith("plugin 'half' (module lifecycle-half.wasm): malformed or truncated WebAssembly binary: ");
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aModuleWithOnlyTheHeaderIsRejectedAsMalformedOrTruncated(Engine engine) {
        byte[] header = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01};

        assertThatThrownBy(() -> WasmCode.load("", ModuleSource.ofBytes("header.wasm", header), engine))
                .isInstanceOf(PluginLoadException.class)
                .hasMessageStartingWith("Wasm module header.wasm: malformed or truncated WebAssembly binary: ");
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void moduleWithoutAbiMarkerIsRejectedNamingTheModule(Engine engine) {
        assertThat(loadFailure("load-no-abi-marker", engine)).hasMessage("plugin 'load-no-abi-marker' (module "
                + "classpath:wasmgate/fixtures/load-no-abi-marker.wasm): not a proxy-wasm module: no proxy_abi_version_* "
                + "export (is it built with a proxy-wasm SDK?)");
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void unknownAbiVersionMarkerIsRejectedNamingTheMarker(Engine engine) {
        assertThat(loadFailure("load-unknown-abi-version", engine)).hasMessage("plugin 'load-unknown-abi-version' (module "
                + "classpath:wasmgate/fixtures/load-unknown-abi-version.wasm): unknown proxy-wasm ABI version "
                + "proxy_abi_version_0_3_0 (supported: 0.1.0, 0.2.0, 0.2.1)");
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void moduleWithoutAllocatorIsRejected(Engine engine) {
        assertThat(loadFailure("load-no-allocator", engine)).hasMessage("plugin 'load-no-allocator' (module "
                + "classpath:wasmgate/fixtures/load-no-allocator.wasm): no allocator: the module exports neither "
                + "proxy_on_memory_allocate nor malloc");
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void anAllocatorWithTheWrongSignatureIsRejected(Engine engine) {
        assertThat(loadFailure("load-mistyped-allocator", engine)).hasMessage("plugin 'load-mistyped-allocator' (module "
                + "classpath:wasmgate/fixtures/load-mistyped-allocator.wasm): bad function signature for allocator "
                + "proxy_on_memory_allocate: (i32) -> (), expected (i32) -> (i32)");
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void anImportTheHostDoesNotProvideFailsLinkingNamingTheImport(Engine engine) {
        assertThat(loadFailure("load-unknown-import", engine)).hasMessage("plugin 'load-unknown-import' (module "
                + "classpath:wasmgate/fixtures/load-unknown-import.wasm): missing import env.proxy_does_not_exist: "
                + "the host provides no such function");
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aHostcallImportedWithTheWrongSignatureFailsLinkingNamingTheImport(Engine engine) {
        assertThat(loadFailure("load-mistyped-import", engine)).hasMessage("plugin 'load-mistyped-import' (module "
                + "classpath:wasmgate/fixtures/load-mistyped-import.wasm): bad function signature for import env.proxy_log: "
                + "(i32, i32) -> (i32), the host provides (i32, i32, i32) -> (i32)");
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aCallbackExportedWithTheWrongSignatureIsRejected(Engine engine) {
        assertThat(loadFailure("load-mistyped-callback", engine)).hasMessage("plugin 'load-mistyped-callback' (module "
                + "classpath:wasmgate/fixtures/load-mistyped-callback.wasm): bad function signature for export "
                + "proxy_on_request_headers: (i32, i32) -> (i32), ABI 0.2.1 requires (i32, i32, i32) -> (i32)");
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aMissingModuleFileIsReportedAsNotFound(Engine engine) {
        Path missing = dir.resolve("missing.wasm");

        assertThatThrownBy(() -> Plugin.start(config("gone", ModuleSource.ofFile(missing), engine)))
                .isInstanceOf(PluginLoadException.class)
                .hasMessage("plugin 'gone' (module " + missing + "): module not found");
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aMissingClasspathResourceIsReportedAsNotFound(Engine engine) {
        assertThatThrownBy(() -> Plugin.start(config("gone", Modules.fixture("does-not-exist"), engine)))
                .isInstanceOf(PluginLoadException.class)
                .hasMessage("plugin 'gone' (module classpath:wasmgate/fixtures/does-not-exist.wasm): module not found");
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void anUnreadableModuleFileIsReportedWithTheReason(Engine engine) throws IOException {
        Path directory = Files.createDirectory(dir.resolve("plugin.wasm"));

        assertThatThrownBy(() -> Plugin.start(config("dir", ModuleSource.ofFile(directory), engine)))
                .isInstanceOf(PluginLoadException.class)
                .hasMessageStartingWith("plugin 'dir' (module " + directory + "): cannot read module: ");
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aValidModuleLoadsWithItsAbiVersionAndSha256(Engine engine) {
        byte[] bytes = Modules.fixture("lifecycle").read("");
        WasmCode code = WasmCode.load("", ModuleSource.ofBytes("lifecycle.wasm", bytes), engine);

        assertThat(code.abiVersion()).hasToString("V0_2_1");
        assertThat(code.engine()).isEqualTo(engine);
        assertThat(code.sha256()).hasSize(64).matches("[0-9a-f]+");
        assertThat(code.origin()).isEqualTo("lifecycle.wasm");
        assertThat(new String(bytes, 0, 4, StandardCharsets.ISO_8859_1)).isEqualTo("\0asm");
    }
}
