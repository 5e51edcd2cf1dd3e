package io.wasmgate.filter;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code init()} with the {@code config} init-param: a bad file fails it with the file and the problem. */
class ProxyWasmFilterInitTest {
    @TempDir
    Path dir;

    /** The init-params a container would pass; no servlet context is needed for absolute paths. */
    private static FilterConfig params(Map<String, String> params) {
        return new FilterConfig() {
            @Override
            public String getFilterName() {
                return "wasm";
            }

            @Override
            public ServletContext getServletContext() {
                return null;
            }

            @Override
            public String getInitParameter(String name) {
                return params.get(name);
            }

            @Override
            public Enumeration<String> getInitParameterNames() {
                return Collections.enumeration(params.keySet());
            }
        };
    }

    private Path yaml(String text) throws IOException {
        Path file = dir.resolve("wasmgate.yaml");
        Files.writeString(file, text);
        return file;
    }

    private void init(Path file) throws ServletException {
        new ProxyWasmFilter().init(params(Map.of(ProxyWasmFilter.CONFIG_PARAM, file.toString())));
    }

    @Test
    void aGoodFileStartsPluginsLogPluginsAndServicesAndDestroyReleasesThem() throws Exception {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("wasmgate/policies/add-header.wasm")) {
            Files.write(dir.resolve("add-header.wasm"), in.readAllBytes());
        }
        ProxyWasmFilter filter = new ProxyWasmFilter();
        filter.init(params(Map.of("config", yaml("""
                plugins:
                  - name: a
                    module: { file: add-header.wasm }
                    root_id: add_header
                log_plugins:
                  - name: b
                    module: { file: add-header.wasm }
                services:
                  - name: c
                    module: { file: add-header.wasm }
                    instances: 1
                """).toString())));

        assertThatCode(filter::destroy).doesNotThrowAnyException();
        assertThatCode(filter::destroy).as("a second destroy is harmless").doesNotThrowAnyException();
    }

    @Test
    void aMissingModuleFailsInitNamingTheFileAndTheModule() throws Exception {
        Path file = yaml("plugins:\n  - name: auth\n    module: { file: policies/auth.wasm }\n");

        assertThatThrownBy(() -> init(file)).isInstanceOf(ServletException.class)
                .hasMessageContaining("ProxyWasmFilter 'wasm'")
                .hasMessageContaining(file.toString())
                .hasMessageContaining("plugins[0] 'auth': module.file = 'policies/auth.wasm': no such file");
    }

    @Test
    void badYamlFailsInitNamingTheFile() throws Exception {
        Path file = yaml("plugins: [\n  - name: a\n");

        assertThatThrownBy(() -> init(file)).isInstanceOf(ServletException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("not valid");
    }

    @Test
    void anUnknownKeyFailsInitNamingTheKeyAndLine() throws Exception {
        Path file = yaml("plugins: []\nlogplugins: []\n");

        assertThatThrownBy(() -> init(file)).isInstanceOf(ServletException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("logplugins: unknown key (line 2)");
    }

    @Test
    void aModuleThatIsNotWasmFailsInitNamingThePlugin() throws Exception {
        Files.writeString(dir.resolve("junk.wasm"), "not wasm");
        Path file = yaml("plugins:\n  - name: junk\n    module: { file: junk.wasm }\n");

        assertThatThrownBy(() -> init(file)).isInstanceOf(ServletException.class)
                .hasMessageContaining("cannot start")
                .hasMessageContaining("plugin 'junk'")
                .hasMessageContaining(dir.resolve("junk.wasm").toString());
    }

    @Test
    void aConfigurationThePluginRejectsFailsInitWithThePluginsOwnReason() throws Exception {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("wasmgate/policies/add-header.wasm")) {
            Files.write(dir.resolve("add-header.wasm"), in.readAllBytes());
        }
        Path file = yaml("""
                plugins:
                  - name: headers
                    module: { file: add-header.wasm }
                    root_id: add_header
                    configuration: ": no name"
                """);

        assertThatThrownBy(() -> init(file)).isInstanceOf(ServletException.class)
                .hasMessageContaining("ProxyWasmFilter 'wasm' cannot start")
                .hasMessageContaining("plugin 'headers'")
                .hasMessageContaining("proxy_on_configure returned false")
                .hasMessageContaining("the plugin logged: add-header: bad configuration line");
    }

    @Test
    void withoutTheInitParamInitSaysWhatIsMissing() {
        assertThatThrownBy(() -> new ProxyWasmFilter().init(params(Map.of()))).isInstanceOf(ServletException.class)
                .hasMessageContaining("init-param 'config'");
    }
}
