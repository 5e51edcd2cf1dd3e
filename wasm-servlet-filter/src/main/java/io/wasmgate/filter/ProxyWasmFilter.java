package io.wasmgate.filter;

import io.wasmgate.abi.WasmgateException;
import io.wasmgate.abi.config.PluginConfig;
import io.wasmgate.filter.config.ConfigException;
import io.wasmgate.filter.config.PluginChainConfig;
import io.wasmgate.filter.config.YamlConfigLoader;
import io.wasmgate.filter.internal.PluginChain;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A Servlet filter (Jakarta Servlet 6, or Servlet 4 in the javax build of the same source) that runs
 * proxy-wasm plugins in front of the application, as Envoy runs a chain of Wasm HTTP filters: the request
 * through the plugins in order, the response in reverse order, then {@code proxy_on_log} for every plugin
 * and log plugin.
 *
 * <p>Configure it with the init-param {@value #CONFIG_PARAM}, a YAML file as docs/configuration.md describes (an
 * absolute path, or a path relative to the web application's root such as {@code WEB-INF/wasmgate.yaml}),
 * or in code with {@link #ProxyWasmFilter(PluginChainConfig)} for Spring-style registration (an embedding
 * host that starts and reloads plugins itself passes a {@link PluginLineup}, and its {@link PathParameters}). Map it with
 * {@code asyncSupported} for the {@code REQUEST} and {@code ASYNC} dispatcher types: a plugin that pauses
 * (waiting for a tick or a callout) puts the request in async mode, and it resumes through an async
 * dispatch. The plugins start in {@link #init} (a bad configuration or module fails it, naming the file
 * and the problem) and stop in {@link #destroy}.
 *
 * <table>
 *   <caption>Init-params</caption>
 *   <tr><th>name</th><th>meaning</th></tr>
 *   <tr><td>{@value #CONFIG_PARAM}</td><td>the YAML file (plugins, log_plugins, services, clusters)</td></tr>
 * </table>
 */
public class ProxyWasmFilter implements Filter {
    /** The init-param naming the YAML configuration file. */
    public static final String CONFIG_PARAM = "config";
    /**
     * The request attribute (a {@code String}) an application behind the filter sets when it answers in
     * place of its upstream, saying why, e.g. the gateway's {@code upstream_pending_overflow}. Plugins and
     * log plugins read it as {@code response.code_details} where they would read {@code via_upstream}.
     */
    public static final String CODE_DETAILS_ATTRIBUTE = "io.wasmgate.response.code_details";

    private final PluginChainConfig configured;
    private FilterHost host;
    private volatile PluginChain chain;

    /** A filter configured by the init-param {@value #CONFIG_PARAM} (web.xml, {@code @WebFilter}). */
    public ProxyWasmFilter() {
        this.configured = null;
    }

    /** A filter running {@code config}; init-params are ignored. */
    public ProxyWasmFilter(PluginChainConfig config) {
        this.configured = Objects.requireNonNull(config, "config");
    }

    /**
     * A filter running plugins the caller started and stops (an embedding host such as the gateway); it
     * is ready at once, and {@link #init} and {@link #destroy} leave the plugins alone. Path parameters are
     * stripped before the plugins ({@link PathParameters#STRIP}).
     */
    public ProxyWasmFilter(PluginLineup lineup) {
        this(lineup, PathParameters.STRIP);
    }

    /** {@link #ProxyWasmFilter(PluginLineup)}, with {@code pathParameters} as what becomes of a path's {@code ;} parameters. */
    public ProxyWasmFilter(PluginLineup lineup, PathParameters pathParameters) {
        this.configured = null;
        this.chain = new PluginChain(Objects.requireNonNull(lineup, "lineup"),
                Objects.requireNonNull(pathParameters, "pathParameters"));
    }

    /** A filter running {@code plugins} in order, without log plugins or services. */
    public ProxyWasmFilter(List<PluginConfig> plugins) {
        this(PluginChainConfig.of(plugins));
    }

    @Override
    public void init(FilterConfig filterConfig) throws ServletException {
        if (chain != null) {
            return;
        }
        PluginChainConfig config = configured != null ? configured : load(filterConfig);
        try {
            host = FilterHost.start(config);
            chain = new PluginChain(host.lineup(), config.pathParameters());
        } catch (WasmgateException e) {
            throw new ServletException("ProxyWasmFilter '" + filterConfig.getFilterName() + "' cannot start: "
                    + e.getMessage(), e);
        }
    }

    private static PluginChainConfig load(FilterConfig filterConfig) throws ServletException {
        String name = filterConfig.getFilterName();
        String param = filterConfig.getInitParameter(CONFIG_PARAM);
        if (param == null || param.isBlank()) {
            throw new ServletException("ProxyWasmFilter '" + name + "': the init-param '" + CONFIG_PARAM
                    + "' must name the YAML configuration file");
        }
        Path file = resolve(filterConfig, param.trim());
        try {
            return YamlConfigLoader.load(file);
        } catch (ConfigException e) {
            throw new ServletException("ProxyWasmFilter '" + name + "': " + e.getMessage(), e);
        }
    }

    /** An absolute path as is; a relative one against the web application's root (an unpacked WAR). */
    private static Path resolve(FilterConfig filterConfig, String param) throws ServletException {
        Path path = Path.of(param);
        if (path.isAbsolute()) {
            return path;
        }
        String real = filterConfig.getServletContext().getRealPath(param.startsWith("/") ? param : "/" + param);
        if (real == null) {
            throw new ServletException("ProxyWasmFilter '" + filterConfig.getFilterName() + "': cannot resolve the "
                    + CONFIG_PARAM + " '" + param + "' in this web application (is the WAR unpacked?); use an absolute path");
        }
        return Path.of(real);
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain next)
            throws IOException, ServletException {
        if (chain == null) {
            throw new ServletException("ProxyWasmFilter is not initialised (or was destroyed)");
        }
        if (request instanceof HttpServletRequest httpRequest && response instanceof HttpServletResponse httpResponse) {
            chain.handle(httpRequest, httpResponse, next);
        } else {
            next.doFilter(request, response);
        }
    }

    /** Stops every plugin this filter started and releases the VMs and host threads; never throws. */
    @Override
    public void destroy() {
        FilterHost started = host;
        if (started != null) {
            host = null;
            chain = null;
            started.close();
        }
    }
}
