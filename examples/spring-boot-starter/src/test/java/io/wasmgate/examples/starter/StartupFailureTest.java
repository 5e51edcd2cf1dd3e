package io.wasmgate.examples.starter;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** A plugin that cannot start keeps the application from starting, and says why. */
class StartupFailureTest {
    @Test
    void aPluginRefusingItsConfigurationFailsTheApplicationNamingThePluginAndTheReason() {
        SpringApplicationBuilder application = new SpringApplicationBuilder(StarterExampleApplication.class)
                .properties("server.port=0");

        assertThatThrownBy(() -> application.run("--wasmgate.config=classpath:refused.yaml"))
                .rootCause()
                .hasMessageContaining("plugin 'add-header'")
                .hasMessageContaining("the plugin rejected its configuration");
    }
}
