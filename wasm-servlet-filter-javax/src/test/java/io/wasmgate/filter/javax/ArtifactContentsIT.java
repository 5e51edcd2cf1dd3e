package io.wasmgate.filter.javax;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/** The packaged javax artifact: its bundled Jackson, SnakeYAML and Jetty client live under its own package. */
class ArtifactContentsIT {
    @Test
    void everyClassOfTheJarIsUnderTheFiltersPackage() throws IOException {
        Path jar = Path.of(System.getProperty("javax.jar", "target/wasm-servlet-filter-javax.jar"));
        List<String> classes;
        try (JarFile file = new JarFile(jar.toFile())) {
            classes = file.stream().map(JarEntry::getName).filter(name -> name.endsWith(".class")).toList();
        }

        assertThat(classes).contains("io/wasmgate/filter/javax/ProxyWasmFilter.class",
                "io/wasmgate/filter/javax/shaded/jackson/databind/ObjectMapper.class",
                "io/wasmgate/filter/javax/shaded/snakeyaml/Yaml.class",
                "io/wasmgate/filter/javax/shaded/jetty/client/HttpClient.class");
        assertThat(classes).allMatch(name -> name.startsWith("io/wasmgate/filter/javax/"));
    }
}
