package io.wasmgate.spring.boot;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wasmgate.abi.WasmgateException;
import io.wasmgate.filter.ProxyWasmFilter;
import jakarta.servlet.DispatcherType;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Runs {@link ProxyWasmFilter} in a servlet web application: the plugin chain of {@code wasmgate.config}
 * (or inline under {@code wasmgate.*}), started on the application's {@link MeterRegistry}, and the filter
 * registered async-supported for {@code REQUEST}, {@code ASYNC} and {@code ERROR} dispatches (error pages
 * pass the plugins too). {@code wasmgate.enabled=false} turns it off.
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(ProxyWasmFilter.class)
@ConditionalOnProperty(prefix = ChainConfigReader.PREFIX, name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(WasmgateProperties.class)
public class WasmgateAutoConfiguration {
    /** The filter's registration name. */
    public static final String FILTER_NAME = "wasmgate";

    @Bean
    @ConditionalOnMissingBean
    WasmgatePlugins wasmgatePlugins(WasmgateProperties properties, Environment environment,
            ObjectProvider<MeterRegistry> registry) {
        var config = ChainConfigReader.read(properties, Binder.get(environment));
        try {
            return WasmgatePlugins.start(config, registry.getIfAvailable(SimpleMeterRegistry::new));
        } catch (WasmgateException e) {
            throw new IllegalStateException("Wasmgate cannot start its plugins: " + e.getMessage(), e);
        }
    }

    @Bean
    FilterRegistrationBean<ProxyWasmFilter> wasmgateFilter(WasmgatePlugins plugins, WasmgateProperties properties) {
        FilterRegistrationBean<ProxyWasmFilter> registration =
                new FilterRegistrationBean<>(new ProxyWasmFilter(plugins.lineup(), plugins.pathParameters()));
        registration.setName(FILTER_NAME);
        registration.setUrlPatterns(properties.getUrlPatterns());
        registration.setAsyncSupported(true);
        registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC, DispatcherType.ERROR);
        registration.setOrder(properties.getOrder());
        return registration;
    }
}
