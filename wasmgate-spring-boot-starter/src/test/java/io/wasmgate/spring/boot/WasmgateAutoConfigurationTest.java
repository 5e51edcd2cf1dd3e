package io.wasmgate.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wasmgate.filter.PathParameters;
import io.wasmgate.filter.PluginRelease;
import io.wasmgate.filter.ProxyWasmFilter;
import jakarta.servlet.DispatcherType;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;

/** What the auto-configuration registers, from which configuration, and how it fails. */
class WasmgateAutoConfigurationTest {
    private final WebApplicationContextRunner runner = new WebApplicationContextRunner().withConfiguration(
            AutoConfigurations.of(WasmgateAutoConfiguration.class, WasmgateHealthContributorAutoConfiguration.class));

    @Test
    void registersTheFilterAsyncForRequestAsyncAndErrorDispatches() {
        runner.withPropertyValues("wasmgate.config=classpath:wasmgate-test.yaml").run(context -> {
            FilterRegistrationBean<?> registration = context.getBean(FilterRegistrationBean.class);
            assertThat(registration.getFilter()).isInstanceOf(ProxyWasmFilter.class);
            assertThat(registration.getFilterName()).isEqualTo("wasmgate");
            assertThat(registration.isAsyncSupported()).isTrue();
            assertThat(registration.determineDispatcherTypes())
                    .containsExactlyInAnyOrder(DispatcherType.REQUEST, DispatcherType.ASYNC, DispatcherType.ERROR);
            assertThat(registration.getUrlPatterns()).containsExactly("/*");
        });
    }

    @Test
    void takesUrlPatternsAndOrderFromProperties() {
        runner.withPropertyValues("wasmgate.config=classpath:wasmgate-test.yaml", "wasmgate.url-patterns=/api/*,/admin/*",
                "wasmgate.order=42").run(context -> {
            FilterRegistrationBean<?> registration = context.getBean(FilterRegistrationBean.class);
            assertThat(registration.getUrlPatterns()).containsExactly("/api/*", "/admin/*");
            assertThat(registration.getOrder()).isEqualTo(42);
        });
    }

    @Test
    void startsThePluginsOfTheConfiguredResource() {
        runner.withPropertyValues("wasmgate.config=classpath:wasmgate-test.yaml").run(context -> {
            PluginRelease release = context.getBean(WasmgatePlugins.class).lineup().plugins().get(0);
            assertThat(release.name()).isEqualTo("add-header");
            assertThat(release.stable().metrics().activeVms()).isEqualTo(2);
        });
    }

    @Test
    void startsThePluginsWrittenInlineInTheApplicationProperties() {
        runner.withPropertyValues(
                "wasmgate.plugins[0].name=api-key",
                "wasmgate.plugins[0].module.classpath=wasmgate/policies/api-key.wasm",
                "wasmgate.plugins[0].root-id=api_key",
                "wasmgate.plugins[0].configuration.keys[0].name=alice",
                "wasmgate.plugins[0].configuration.keys[0].key=k-alice-0123456789",
                "wasmgate.plugins[0].configuration.forward_header=x-api-key-name",
                "wasmgate.log-plugins[0].name=add-header",
                "wasmgate.log-plugins[0].module.classpath=wasmgate/policies/add-header.wasm").run(context -> {
            WasmgatePlugins plugins = context.getBean(WasmgatePlugins.class);
            PluginRelease apiKey = plugins.lineup().plugins().get(0);
            assertThat(apiKey.name()).isEqualTo("api-key");
            assertThat(apiKey.stable().config().rootId()).isEqualTo("api_key");
            assertThat(new String(apiKey.stable().config().configuration(), StandardCharsets.UTF_8))
                    .isEqualTo("{\"keys\":[{\"name\":\"alice\",\"key\":\"k-alice-0123456789\"}],"
                            + "\"forward_header\":\"x-api-key-name\"}");
            assertThat(plugins.lineup().logPlugins()).extracting(PluginRelease::name).containsExactly("add-header");
        });
    }

    @Test
    void pathParametersAreStrippedUnlessThePropertiesSayOtherwise() {
        String[] plugin = {"wasmgate.plugins[0].name=add-header",
                "wasmgate.plugins[0].module.classpath=wasmgate/policies/add-header.wasm"};
        runner.withPropertyValues(plugin).run(context ->
                assertThat(context.getBean(WasmgatePlugins.class).pathParameters()).isEqualTo(PathParameters.STRIP));
        runner.withPropertyValues(plugin).withPropertyValues("wasmgate.path-parameters=reject").run(context ->
                assertThat(context.getBean(WasmgatePlugins.class).pathParameters()).isEqualTo(PathParameters.REJECT));
        runner.withPropertyValues(plugin).withPropertyValues("wasmgate.path-parameters=drop").run(context ->
                assertThat(context).getFailure().rootCause().hasMessageContaining(
                        "path_parameters = 'drop': must be one of strip, reject, keep"));
    }

    @Test
    void aPluginRefusingItsConfigurationFailsTheContextNamingPluginAndReason() {
        runner.withPropertyValues(
                "wasmgate.plugins[0].name=add-header",
                "wasmgate.plugins[0].module.classpath=wasmgate/policies/add-header.wasm",
                "wasmgate.plugins[0].configuration=no colon").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                    .hasMessageContaining("add-header")
                    .hasMessageContaining("rejected its configuration");
        });
    }

    @Test
    void aMistakeInTheInlineSchemaFailsTheContextListingTheProblem() {
        runner.withPropertyValues(
                "wasmgate.plugins[0].name=add-header",
                "wasmgate.plugins[0].module.classpath=wasmgate/policies/add-header.wasm",
                "wasmgate.plugins[0].instances=many").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("instances");
        });
    }

    @Test
    void withoutAnyConfigurationTheContextFailsSayingWhatToSet() {
        runner.run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("wasmgate.config");
        });
    }

    @Test
    void disabledRegistersNothing() {
        runner.withPropertyValues("wasmgate.enabled=false").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(WasmgatePlugins.class);
            assertThat(context).doesNotHaveBean(FilterRegistrationBean.class);
        });
    }

    @Test
    void staysOutOfApplicationsThatAreNoServletWebApplications() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(WasmgateAutoConfiguration.class))
                .withPropertyValues("wasmgate.config=classpath:wasmgate-test.yaml")
                .run(context -> assertThat(context).doesNotHaveBean(WasmgatePlugins.class));
    }

    @Test
    void metersGoToTheApplicationsMeterRegistry() {
        runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .withPropertyValues("wasmgate.config=classpath:wasmgate-test.yaml").run(context -> {
                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    assertThat(registry.get("wasmgate.vm.active").tag("plugin", "add-header").gauge().value())
                            .isEqualTo(2.0);
                });
    }

    @Test
    void healthIsUpWithEachPluginsStateAndDownOnceThePluginsStopped() {
        runner.withPropertyValues("wasmgate.config=classpath:wasmgate-test.yaml").run(context -> {
            WasmgateHealthIndicator health = context.getBean(WasmgateHealthIndicator.class);
            assertThat(health.health().getStatus()).isEqualTo(Status.UP);
            assertThat(health.health().getDetails()).extractingByKey("plugins")
                    .asString().contains("add-header").contains("state=ok");

            context.getBean(WasmgatePlugins.class).stop();

            assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
            assertThat(health.health().getDetails()).extractingByKey("plugins").asString().contains("state=failed");
        });
    }
}
