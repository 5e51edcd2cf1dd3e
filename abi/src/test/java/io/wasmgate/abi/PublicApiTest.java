package io.wasmgate.abi;

import static org.assertj.core.api.Assertions.assertThat;

import io.wasmgate.abi.plugin.Plugin;
import io.wasmgate.abi.plugin.StreamContext;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The module's exported packages, and what an integration's stream handle offers: the public API of issue 20. */
class PublicApiTest {
    @Test
    void exportsTheApiPackagesOnlyAndUnqualified() throws IOException, URISyntaxException {
        // abi's own classes folder (or jar's) descriptor, whether the tests run on the module or the class path.
        Path classes = Path.of(Plugin.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        ModuleDescriptor descriptor;
        try (InputStream in = Files.newInputStream(classes.resolve("module-info.class"))) {
            descriptor = ModuleDescriptor.read(in);
        }

        assertThat(descriptor.name()).isEqualTo("io.wasmgate.abi");
        assertThat(descriptor.exports()).allSatisfy(export -> assertThat(export.isQualified()).isFalse());
        assertThat(descriptor.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder("io.wasmgate.abi", "io.wasmgate.abi.config", "io.wasmgate.abi.plugin",
                        "io.wasmgate.abi.services", "io.wasmgate.abi.spi", "io.wasmgate.abi.wire");
    }

    @Test
    void theStreamHandleHasNoHostcallTargets() {
        assertThat(Arrays.stream(StreamContext.class.getMethods()).map(Method::getName))
                .doesNotContain("continueStream", "closeStream", "sendLocalResponse", "headerMap", "writableHeaderMap",
                        "buffer", "setProperty", "root");
    }
}
