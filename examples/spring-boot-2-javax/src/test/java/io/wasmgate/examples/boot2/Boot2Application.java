package io.wasmgate.examples.boot2;

import io.wasmgate.filter.javax.ProxyWasmFilter;
import java.io.IOException;
import javax.servlet.DispatcherType;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.io.Resource;

/**
 * A Spring Boot 2.7 application with the javax filter registered as Boot registers any servlet filter,
 * configured by the YAML file {@code wasmgate.config} names, in front of {@link GreetingController}.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(GreetingController.class)
public class Boot2Application {
    @Bean
    FilterRegistrationBean<ProxyWasmFilter> wasmgate(@Value("${wasmgate.config}") Resource config) throws IOException {
        FilterRegistrationBean<ProxyWasmFilter> registration = new FilterRegistrationBean<>(new ProxyWasmFilter());
        registration.addInitParameter(ProxyWasmFilter.CONFIG_PARAM, config.getFile().getAbsolutePath());
        registration.addUrlPatterns("/*");
        // A paused request resumes through an async dispatch.
        registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC);
        registration.setAsyncSupported(true);
        return registration;
    }
}
