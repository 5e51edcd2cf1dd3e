package io.wasmgate.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wasmgate.abi.config.PluginConfig;
import io.wasmgate.abi.config.CodeCache;
import io.wasmgate.filter.PathParameters;
import io.wasmgate.filter.config.ConfigException;
import io.wasmgate.filter.config.PluginChainConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.core.io.ByteArrayResource;

/** The plugin chain from a resource or from the application's properties, with the filter's rules. */
class ChainConfigReaderTest {
    private static final Binder NO_PROPERTIES = new Binder(new MapConfigurationPropertySource());

    @Test
    void readsAResourceThatIsNoFile() {
        WasmgateProperties properties = new WasmgateProperties();
        properties.setConfig(new ByteArrayResource("""
                plugins:
                  - name: add-header
                    module: { classpath: wasmgate/policies/add-header.wasm }
                """.getBytes(StandardCharsets.UTF_8), "in-memory wasmgate.yaml"));

        PluginChainConfig chain = ChainConfigReader.read(properties, NO_PROPERTIES);

        assertThat(chain.plugins()).extracting(PluginConfig::name).containsExactly("add-header");
    }

    @Test
    void aProblemInAResourceIsReportedUnderTheResourcesDescription() {
        WasmgateProperties properties = new WasmgateProperties();
        properties.setConfig(new ByteArrayResource("""
                plugins:
                  - name: add-header
                    modul: { classpath: wasmgate/policies/add-header.wasm }
                """.getBytes(StandardCharsets.UTF_8), "in-memory wasmgate.yaml"));

        assertThatThrownBy(() -> ChainConfigReader.read(properties, NO_PROPERTIES))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("in-memory wasmgate.yaml")
                .hasMessageContaining("modul");
    }

    @Test
    void inlineListsKeepTheirOrderAndPluginDataKeepsItsKeysAsWritten() {
        Map<String, String> inline = new LinkedHashMap<>();
        inline.put("wasmgate.plugins[0].name", "add-header");
        inline.put("wasmgate.plugins[0].module.classpath", "wasmgate/policies/add-header.wasm");
        inline.put("wasmgate.plugins[0].root-id", "add_header");
        inline.put("wasmgate.plugins[0].environment.HOME_DIR", "/srv");
        inline.put("wasmgate.plugins[0].configuration.codes.200", "ok");
        inline.put("wasmgate.plugins[0].configuration.list[1]", "second");
        inline.put("wasmgate.plugins[0].configuration.list[0]", "first");
        inline.put("wasmgate.plugins[0].configuration.camelCase-key", "kept");

        PluginConfig plugin = ChainConfigReader.read(new WasmgateProperties(),
                new Binder(new MapConfigurationPropertySource(inline))).plugins().get(0);

        assertThat(plugin.rootId()).isEqualTo("add_header");
        assertThat(plugin.environment()).containsEntry("HOME_DIR", "/srv");
        assertThat(new String(plugin.configuration(), StandardCharsets.UTF_8))
                .contains("\"codes\":{\"200\":\"ok\"}")
                .contains("\"list\":[\"first\",\"second\"]")
                .contains("\"camelCase-key\":\"kept\"");
    }

    @Test
    void inlineCacheDirGivesThePluginsACodeCacheWhichIsOffWithoutIt(@TempDir Path dir) {
        Map<String, String> inline = new LinkedHashMap<>();
        inline.put("wasmgate.plugins[0].name", "add-header");
        inline.put("wasmgate.plugins[0].module.classpath", "wasmgate/policies/add-header.wasm");
        Binder withoutCache = new Binder(new MapConfigurationPropertySource(inline));
        inline.put("wasmgate.cache-dir", dir.toString());

        PluginConfig cached = ChainConfigReader.read(new WasmgateProperties(),
                new Binder(new MapConfigurationPropertySource(inline))).plugins().get(0);
        PluginConfig uncached = ChainConfigReader.read(new WasmgateProperties(), withoutCache).plugins().get(0);

        assertThat(cached.codeCache()).map(CodeCache::dir).contains(dir.toAbsolutePath().normalize());
        assertThat(uncached.codeCache()).isEmpty();
    }

    @Test
    void inlineHostSettingsAreReadWithTheFilesKeys() {
        Map<String, String> inline = new LinkedHashMap<>();
        inline.put("wasmgate.plugins[0].name", "add-header");
        inline.put("wasmgate.plugins[0].module.classpath", "wasmgate/policies/add-header.wasm");
        inline.put("wasmgate.shared-queue-limit", "2MiB");
        inline.put("wasmgate.path-parameters", "keep");

        PluginChainConfig chain = ChainConfigReader.read(new WasmgateProperties(),
                new Binder(new MapConfigurationPropertySource(inline)));

        assertThat(chain.sharedQueueMaxBytes()).isEqualTo(2L * 1024 * 1024);
        assertThat(chain.pathParameters()).isEqualTo(PathParameters.KEEP);
    }

    @Test
    void withoutConfigurationItSaysWhatToSet() {
        assertThatThrownBy(() -> ChainConfigReader.read(new WasmgateProperties(), NO_PROPERTIES))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("wasmgate.config")
                .hasMessageContaining("wasmgate.plugins")
                .hasMessageContaining("wasmgate.enabled=false");
    }
}
