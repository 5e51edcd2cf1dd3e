package io.wasmgate.gateway.config;

import io.wasmgate.abi.config.PluginConfig;
import io.wasmgate.filter.callout.Cluster;
import io.wasmgate.filter.config.ConfigException;
import io.wasmgate.filter.config.ConfigProblems;
import io.wasmgate.filter.config.ModuleSpec;
import io.wasmgate.filter.config.PluginChainConfig;
import io.wasmgate.filter.config.PluginConfigFactory;
import io.wasmgate.filter.config.PluginSpec;
import io.wasmgate.filter.config.Quantities;
import io.wasmgate.filter.config.YamlConfigLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads the gateway's YAML file (CONFIG.md) into a {@link GatewayConfig}: the plugin and cluster entries
 * with the servlet filter's rules ({@link PluginConfigFactory}), then {@code listen}, {@code admin} and
 * {@code routes}, whose references to clusters and plugins must resolve. Every problem is reported at once
 * in a {@link ConfigException} naming the file.
 */
public final class GatewayConfigLoader {
    static final Endpoint DEFAULT_LISTEN = new Endpoint("0.0.0.0", 8080);
    static final Endpoint DEFAULT_ADMIN = new Endpoint("127.0.0.1", 9901);
    static final Duration DEFAULT_DRAIN = Duration.ofSeconds(10);

    private GatewayConfigLoader() {}

    /**
     * Loads and validates {@code file}, downloading and checking every module.
     *
     * @throws ConfigException naming the file and listing every problem
     */
    public static GatewayConfig load(Path file) {
        ConfigProblems problems = new ConfigProblems(file.toString());
        GatewayFileSpec spec = YamlConfigLoader.read(file, GatewayFileSpec.class, problems);
        if (spec == null) {
            if (problems.isEmpty()) {
                problems.add("", "", null, "the file is empty; expected at least `clusters:` and `routes:`");
            }
            problems.throwIfAny();
        }
        Path baseDir = file.toAbsolutePath().getParent();
        PluginConfigFactory factory = new PluginConfigFactory(baseDir, problems);
        PluginChainConfig plugins = factory.chain(spec.plugins(), spec.logPlugins(), spec.services(), spec.clusters());
        ListenSpec listen = spec.listen() == null ? new ListenSpec(null, null, null) : spec.listen();
        Endpoint listenAt = endpoint("listen", listen.host(), listen.port(), DEFAULT_LISTEN, problems);
        Duration drain = drainTimeout(listen.drainTimeout(), problems);
        EndpointSpec admin = spec.admin() == null ? new EndpointSpec(null, null) : spec.admin();
        Endpoint adminAt = endpoint("admin", admin.host(), admin.port(), DEFAULT_ADMIN, problems);
        List<RouteConfig> routes = routes(spec, plugins, problems);
        problems.throwIfAny();
        return new GatewayConfig(file, listenAt, drain, adminAt, plugins, routes, watchedFiles(file, baseDir, spec));
    }

    private static Endpoint endpoint(String key, String host, Integer port, Endpoint defaults, ConfigProblems problems) {
        if (port != null && (port < 0 || port > 65535)) {
            problems.add(key, "port", port.toString(), "must be 0 (any free port) to 65535");
        }
        if (host != null && host.isBlank()) {
            problems.add(key, "host", host, "must not be blank");
        }
        return new Endpoint(host == null ? defaults.host() : host, port == null ? defaults.port() : port);
    }

    private static Duration drainTimeout(String text, ConfigProblems problems) {
        if (text == null) {
            return DEFAULT_DRAIN;
        }
        return Quantities.duration(text).orElseGet(() -> {
            problems.add("listen", "drain_timeout", text, "not a duration; write e.g. 250ms, 2s or 1m");
            return DEFAULT_DRAIN;
        });
    }

    private static List<RouteConfig> routes(GatewayFileSpec spec, PluginChainConfig plugins, ConfigProblems problems) {
        List<RouteConfig> routes = new ArrayList<>();
        if (spec.routes() == null || spec.routes().isEmpty()) {
            problems.add("routes", "", null, "required: at least one route");
            return routes;
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < spec.routes().size(); i++) {
            String path = "routes[" + i + "]";
            RouteSpec route = spec.routes().get(i);
            if (route == null) {
                problems.add(path, "", null, "empty entry; a route needs match and cluster");
                continue;
            }
            int before = problems.problems().size();
            String name = route.name() == null ? path : route.name();
            if (route.name() != null) {
                problems.name(path, name);
            }
            if (!names.add(name)) {
                problems.add(path, "name", name, "already used by another route");
            }
            RouteMatch match = match(path, route.match(), problems);
            if (route.cluster() == null) {
                problems.add(path, "cluster", null, "required: the name of the cluster to proxy to");
            } else if (plugins.clusters().stream().map(Cluster::name).noneMatch(route.cluster()::equals)) {
                problems.add(path, "cluster", route.cluster(), "no such cluster in `clusters`");
            }
            List<String> routePlugins = references(path, "plugins", route.plugins(), plugins.plugins(), problems);
            List<String> routeLogPlugins = references(path, "log_plugins", route.logPlugins(), plugins.logPlugins(), problems);
            if (problems.problems().size() == before) {
                routes.add(new RouteConfig(name, match, route.cluster(), routePlugins, routeLogPlugins));
            }
        }
        return routes;
    }

    private static RouteMatch match(String path, MatchSpec match, ConfigProblems problems) {
        if (match == null) {
            problems.add(path, "match", null, "required: prefix, path and/or headers");
            return null;
        }
        if (match.prefix() != null && match.path() != null) {
            problems.add(path, "match", null, "give prefix or path, not both");
        }
        absolute(path, "match.prefix", match.prefix(), problems);
        absolute(path, "match.path", match.path(), problems);
        Map<String, String> headers = new LinkedHashMap<>();
        if (match.headers() != null) {
            match.headers().forEach((name, value) -> headers.put(name.toLowerCase(Locale.ROOT), value == null ? "" : value));
        }
        if (match.prefix() == null && match.path() == null && headers.isEmpty()) {
            problems.add(path, "match", null, "empty: give prefix, path and/or headers (prefix: / matches everything)");
        }
        return new RouteMatch(match.prefix(), match.path(), headers);
    }

    private static void absolute(String path, String property, String value, ConfigProblems problems) {
        if (value != null && !value.startsWith("/")) {
            problems.add(path, property, value, "must start with /");
        }
    }

    /** The names in {@code key}, each of which must be a plugin of {@code known}. */
    private static List<String> references(String path, String key, List<String> names, List<PluginConfig> known,
            ConfigProblems problems) {
        if (names == null) {
            return List.of();
        }
        Set<String> seen = new HashSet<>();
        for (String name : names) {
            if (known.stream().map(PluginConfig::name).noneMatch(n -> n.equals(name))) {
                problems.add(path, key, name, "no such plugin in `" + key + "`");
            } else if (!seen.add(name)) {
                problems.add(path, key, name, "listed twice");
            }
        }
        return names;
    }

    /** The configuration file and every module {@code file} it names (canaries' too). */
    private static Set<Path> watchedFiles(Path file, Path baseDir, GatewayFileSpec spec) {
        Set<Path> files = new LinkedHashSet<>();
        files.add(file.toAbsolutePath().normalize());
        Stream.of(spec.plugins(), spec.logPlugins(), spec.services())
                .filter(list -> list != null)
                .flatMap(List::stream)
                .filter(plugin -> plugin != null)
                .flatMap(GatewayConfigLoader::modules)
                .filter(module -> module != null && module.file() != null)
                .forEach(module -> files.add(baseDir.resolve(module.file()).normalize()));
        return files;
    }

    private static Stream<ModuleSpec> modules(PluginSpec plugin) {
        return plugin.canary() == null ? Stream.of(plugin.module()) : Stream.of(plugin.module(), plugin.canary().module());
    }
}
