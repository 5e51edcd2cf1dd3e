package io.wasmgate.readme;

import static org.assertj.core.api.Assertions.assertThat;

import io.wasmgate.abi.config.ModuleSource;
import io.wasmgate.abi.config.PluginConfig;
import io.wasmgate.abi.plugin.Plugin;
import io.wasmgate.abi.plugin.StreamContext;
import io.wasmgate.abi.spi.Headers;
import io.wasmgate.abi.spi.HttpExchange;
import io.wasmgate.abi.testing.RecordingExchange;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The root README's "Using the host core" example, in a package of its own so that it sees only the public
 * API: its imports and its method body are the README's, line for line, and it runs.
 */
class ReadmeExampleTest {
    private static final Path README = Path.of("..", "README.md");
    private static final Path THIS_SOURCE = Path.of("src/test/java/io/wasmgate/readme/ReadmeExampleTest.java");

    static void handle(HttpExchange exchange, Headers requestHeaders, Headers responseHeaders) {
        PluginConfig config = PluginConfig.builder("add-header")
                .withModule(ModuleSource.ofClasspath("wasmgate/policies/add-header.wasm"))
                .withRootId("add_header")
                .withConfiguration("x-policy: on")
                .build();
        try (Plugin plugin = Plugin.start(config)) {           // loads, compiles once, starts the VM pool
            StreamContext stream = plugin.newStream(exchange); // your HttpExchange: continue, close, local reply, attributes
            stream.onRequestHeaders(requestHeaders, false);
            stream.onResponseHeaders(responseHeaders, false);  // the policy adds x-policy: on
            stream.onLog();
            stream.onDone();
        }
    }

    @Test
    void theExampleRunsAndThePolicyAddsItsHeader() {
        Headers response = new Headers().add(":status", "200");

        handle(new RecordingExchange(), new Headers().add(":method", "GET").add(":path", "/"), response);

        assertThat(response.first("x-policy")).contains("on");
    }

    @Test
    void everyLineOfTheReadmeExampleIsInThisTest() throws IOException {
        Matcher block = Pattern.compile("## Using the host core\\s+```java\\n(.*?)```", Pattern.DOTALL)
                .matcher(Files.readString(README));
        assertThat(block.find()).as("the README's host-core example").isTrue();
        List<String> source = Files.readAllLines(THIS_SOURCE).stream().map(String::strip).toList();

        assertThat(block.group(1).lines().map(String::strip).filter(line -> !line.isEmpty()))
                .isNotEmpty()
                .allSatisfy(line -> assertThat(source).as("ReadmeExampleTest's source").contains(line));
    }
}
