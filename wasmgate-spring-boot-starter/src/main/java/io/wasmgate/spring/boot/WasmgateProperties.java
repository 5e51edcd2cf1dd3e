package io.wasmgate.spring.boot;

import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.core.Ordered;
import org.springframework.core.io.Resource;

/**
 * The {@code wasmgate.*} properties: where the plugin chain comes from and how the filter is registered.
 * The chain is either the YAML file {@link #getConfig() config} names or, without it, the same schema
 * inline ({@code wasmgate.plugins}, {@code wasmgate.log_plugins}, {@code wasmgate.services},
 * {@code wasmgate.clusters}), which {@link ChainConfigReader} reads.
 */
@ConfigurationProperties("wasmgate")
public class WasmgateProperties {
    /** Whether the filter is registered at all. */
    private boolean enabled = true;

    /** The filter's YAML file, e.g. classpath:wasmgate.yaml or file:/etc/wasmgate.yaml. */
    private Resource config;

    /** The paths the filter runs on. */
    private List<String> urlPatterns = new ArrayList<>(List.of("/*"));

    /**
     * The filter's position among the application's filters: by default after Boot's character encoding
     * filter, before the filters that read the request (form content) and before Spring Security (-100).
     */
    private int order = Ordered.HIGHEST_PRECEDENCE + 1;

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Resource getConfig() {
        return config;
    }

    public void setConfig(Resource config) {
        this.config = config;
    }

    public List<String> getUrlPatterns() {
        return urlPatterns;
    }

    public void setUrlPatterns(List<String> urlPatterns) {
        this.urlPatterns = urlPatterns;
    }

    public int getOrder() {
        return order;
    }

    public void setOrder(int order) {
        this.order = order;
    }
}
