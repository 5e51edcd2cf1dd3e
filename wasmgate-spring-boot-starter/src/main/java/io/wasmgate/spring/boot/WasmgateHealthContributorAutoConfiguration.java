package io.wasmgate.spring.boot;

import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/** The {@code wasmgate} health contributor, in applications with the actuator. */
@AutoConfiguration(after = WasmgateAutoConfiguration.class)
@ConditionalOnClass({HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class})
@ConditionalOnBean(WasmgatePlugins.class)
@ConditionalOnEnabledHealthIndicator("wasmgate")
public class WasmgateHealthContributorAutoConfiguration {
    @Bean
    @ConditionalOnMissingBean(name = "wasmgateHealthIndicator")
    WasmgateHealthIndicator wasmgateHealthIndicator(WasmgatePlugins plugins) {
        return new WasmgateHealthIndicator(plugins);
    }
}
