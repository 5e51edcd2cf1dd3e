package io.wasmgate.boot;

import io.wasmgate.abi.config.ModuleSource;
import io.wasmgate.abi.config.PluginConfig;
import io.wasmgate.filter.ProxyWasmFilter;
import io.wasmgate.filter.callout.Cluster;
import io.wasmgate.filter.config.PluginChainConfig;
import jakarta.servlet.DispatcherType;
import java.net.URI;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * Registers {@link ProxyWasmFilter} for every path and dispatch a Boot user would: requests, async dispatches
 * and error pages. {@code wasmgate.enabled=false} leaves it unregistered, so the same application shows what
 * it answers without the filter. With {@code wasmgate.authz-url}, a second filter asks the authorization
 * service there about {@value #CHECKED_PATH}, whether or not the first one is registered: a filter of its
 * own, since the filter has no per-path plugins and a callout on every request would tie every test to the
 * callout client.
 */
@Configuration(proxyBeanMethods = false)
public class WasmgateFilterConfiguration {
    /** The response header the headers policy adds to every response. */
    public static final String POLICY_HEADER = "x-policy";

    /** Bodies json-guard refuses, by size. */
    public static final int GUARD_MAX_BODY_BYTES = 4096;

    /** The path the authorization filter guards. */
    public static final String CHECKED_PATH = "/api/checked";

    @Bean
    FilterRegistrationBean<ProxyWasmFilter> wasmgateFilter(@Value("${wasmgate.enabled:true}") boolean enabled) {
        FilterRegistrationBean<ProxyWasmFilter> registration = new FilterRegistrationBean<>(new ProxyWasmFilter(chain()));
        registration.setName("wasmgate");
        registration.addUrlPatterns("/*");
        registration.setAsyncSupported(true);
        registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC, DispatcherType.ERROR);
        // Before Boot's filters that read the request (form content, multipart), after the encoding one.
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
        registration.setEnabled(enabled);
        return registration;
    }

    @Bean
    @ConditionalOnProperty("wasmgate.authz-url")
    FilterRegistrationBean<ProxyWasmFilter> wasmgateAuthzFilter(@Value("${wasmgate.authz-url}") URI authzUrl) {
        PluginChainConfig chain = PluginChainConfig.of(List.of(plugin("ext-authz", "ext_authz",
                        "{\"cluster\": \"authz\", \"timeout\": \"5s\", \"upstream_headers\": [\"x-auth-user\"]}")))
                .withClusters(List.of(Cluster.of("authz", authzUrl)));
        FilterRegistrationBean<ProxyWasmFilter> registration = new FilterRegistrationBean<>(new ProxyWasmFilter(chain));
        registration.setName("wasmgate-authz");
        registration.addUrlPatterns(CHECKED_PATH);
        registration.setAsyncSupported(true);
        registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC);
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 2);
        return registration;
    }

    static PluginChainConfig chain() {
        return PluginChainConfig.of(List.of(
                plugin("test-actions", "", "{}"),
                // "add", not "set": a response that passed the plugins twice would carry the header twice.
                plugin("headers", "headers", "{\"response\": {\"add\": {\"" + POLICY_HEADER + "\": \"on\"}}}"),
                // The filter has no per-path plugins, so json-guard guards POST only; PUT reaches the same
                // endpoints unguarded.
                plugin("json-guard", "json_guard", """
                        {"request": {"methods": ["POST"], "require_json": false, "required": ["name"],
                                     "max_body_bytes": %d}}""".formatted(GUARD_MAX_BODY_BYTES))));
    }

    private static PluginConfig plugin(String name, String rootId, String configuration) {
        return PluginConfig.builder(name)
                .withModule(ModuleSource.ofClasspath("wasmgate/policies/" + name + ".wasm"))
                .withRootId(rootId)
                .withConfiguration(configuration)
                .build();
    }
}
