package io.wasmgate.examples.boot2;

import io.wasmgate.abi.config.FailurePolicy;
import io.wasmgate.abi.config.Limits;
import io.wasmgate.abi.config.PluginConfig;
import io.wasmgate.abi.config.PluginLog;
import io.wasmgate.abi.vm.ModuleSource;
import io.wasmgate.filter.javax.ProxyWasmFilter;
import io.wasmgate.filter.javax.config.PluginChainConfig;
import java.time.Duration;
import java.util.List;
import javax.servlet.DispatcherType;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * A Spring Boot 2.7 application with the javax filter registered as Boot registers any servlet filter: the
 * {@code test-actions} policy (driven by the request header {@code x-test-action}) then {@code add-header},
 * with {@code access-log} as log plugin, in front of {@link GreetingController}.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(GreetingController.class)
public class Boot2Application {
    @Bean
    FilterRegistrationBean<ProxyWasmFilter> wasmgate(PluginLog accessLog) {
        PluginConfig testActions = PluginConfig.builder("test-actions").withModule(policy("test-actions"))
                .withInstances(1).withFailurePolicy(FailurePolicy.FAIL_CLOSED)
                .withLimits(Limits.defaults().withPauseDeadline(Duration.ofSeconds(5))).build();
        PluginConfig addHeader = PluginConfig.builder("add-header").withModule(policy("add-header"))
                .withRootId("add_header").withInstances(1).build();
        PluginConfig accessLogger = PluginConfig.builder("access-log").withModule(policy("access-log"))
                .withInstances(1).withLog(accessLog).build();
        FilterRegistrationBean<ProxyWasmFilter> registration = new FilterRegistrationBean<>(new ProxyWasmFilter(
                PluginChainConfig.of(List.of(testActions, addHeader)).withLogPlugins(List.of(accessLogger))));
        registration.addUrlPatterns("/*");
        registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC);
        registration.setAsyncSupported(true);
        return registration;
    }

    @Bean
    CapturingLog accessLog() {
        return new CapturingLog();
    }

    private static ModuleSource policy(String name) {
        return ModuleSource.ofClasspath("wasmgate/policies/" + name + ".wasm");
    }
}
