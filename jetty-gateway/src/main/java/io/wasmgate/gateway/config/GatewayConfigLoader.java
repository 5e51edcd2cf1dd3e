package io.wasmgate.gateway.config;

import io.wasmgate.abi.config.PluginConfig;
import io.wasmgate.abi.config.CodeCache;
import io.wasmgate.filter.callout.Cluster;
import io.wasmgate.filter.config.ConfigException;
import io.wasmgate.filter.config.ConfigProblems;
import io.wasmgate.filter.config.ModuleSpec;
import io.wasmgate.filter.config.PluginChainConfig;
import io.wasmgate.filter.config.PluginConfigFactory;
import io.wasmgate.filter.config.PluginSpec;
import io.wasmgate.filter.config.Quantities;
import io.wasmgate.filter.config.YamlConfigLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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
 * with the servlet filter's rules ({@link PluginConfigFactory}), then {@code listen}, {@code admin},
 * {@code watch} and {@code routes}, whose references to clusters and plugins must resolve. Every problem is
 * reported at once in a {@link ConfigException} naming the file.
 */
public final class GatewayConfigLoader {
    static final Endpoint DEFAULT_LISTEN = new Endpoint("0.0.0.0", 8080);
    static final Endpoint DEFAULT_ADMIN = new Endpoint("127.0.0.1", 9901);
    static final Duration DEFAULT_DRAIN = Duration.ofSeconds(10);
    /** Longer than the pauses of editors and tools that write a file in several steps in place. */
    static final Duration DEFAULT_SETTLE = Duration.ofSeconds(1);
    /** Jetty's own default. */
    static final int DEFAULT_MAX_THREADS = 200;
    /** Below this, Jetty's acceptors, selectors and the upstream clients leave too few threads for requests. */
    static final int MIN_THREADS = 8;
    static final Duration DEFAULT_REQUEST_BODY_TIMEOUT = Duration.ofSeconds(30);
    /** Apache httpd's mod_reqtimeout's {@code MinRate}: far below any real link, far above a trickle. */
    static final long DEFAULT_MIN_REQUEST_DATA_RATE = 500;

    private GatewayConfigLoader() {}

    /**
     * Loads and validates {@code file}, downloading and checking every module.
     *
     * @throws ConfigException naming the file and listing every problem
     */
    public static GatewayConfig load(Path file) {
        ConfigProblems problems = new ConfigProblems(file.toString());
        return load(file, YamlConfigLoader.read(file, GatewayFileSpec.class, problems), problems);
    }

    /**
     * Loads and validates {@code text}, the content of {@code file} already read (paths in it are relative
     * to the file's folder).
     *
     * @throws ConfigException naming the file and listing every problem
     */
    public static GatewayConfig load(Path file, byte[] text) {
        ConfigProblems problems = new ConfigProblems(file.toString());
        return load(file, YamlConfigLoader.read(text, GatewayFileSpec.class, problems), problems);
    }

    private static GatewayConfig load(Path file, GatewayFileSpec spec, ConfigProblems problems) {
        if (spec == null) {
            if (problems.isEmpty()) {
                problems.add("", "", null, "the file is empty; expected at least `clusters:` and `routes:`");
            }
            problems.throwIfAny();
        }
        Path baseDir = file.toAbsolutePath().getParent();
        PluginConfigFactory factory = new PluginConfigFactory(baseDir, problems);
        factory.codeCache(spec.cacheDir(), CodeCache.defaultForUser());
        factory.pathParameters(spec.pathParameters());
        factory.sharedQueueLimit(spec.sharedQueueLimit());
        PluginChainConfig plugins = factory.chain(spec.plugins(), spec.logPlugins(), spec.services(), spec.clusters());
        ListenSpec listen = spec.listen() == null ? new ListenSpec(null, null, null, null, null, null, null, null) : spec.listen();
        Endpoint listenAt = endpoint("listen", listen.host(), listen.port(), DEFAULT_LISTEN, problems);
        Duration drain = duration("listen", "drain_timeout", listen.drainTimeout(), DEFAULT_DRAIN, problems);
        ListenerTls listenTls = listen.tls() == null ? null : ListenerTls.read(listen.tls(), baseDir, problems);
        ClientLimits clientLimits = clientLimits(listen, problems);
        AdminConfig admin = admin(spec.admin() == null ? new AdminSpec(null, null, null, null, null) : spec.admin(),
                baseDir, problems);
        Duration settle = duration("watch", "settle", spec.watch() == null ? null : spec.watch().settle(), DEFAULT_SETTLE,
                problems);
        List<RouteConfig> routes = routes(spec, plugins, problems);
        UnderscoreHeaders underscores = factory.choice("headers_with_underscores", spec.headersWithUnderscores(),
                UnderscoreHeaders.class, UnderscoreHeaders.ALLOW);
        problems.throwIfAny();
        return new GatewayConfig(file, listenAt, drain, admin, plugins, routes, watchedFiles(file, baseDir, spec), settle,
                listenTls, clientLimits, underscores);
    }

    private static ClientLimits clientLimits(ListenSpec listen, ConfigProblems problems) {
        int maxThreads = listen.maxThreads() == null ? DEFAULT_MAX_THREADS : listen.maxThreads();
        if (maxThreads < MIN_THREADS) {
            problems.add("listen", "max_threads", Integer.toString(maxThreads), "must be at least " + MIN_THREADS);
        }
        Duration bodyTimeout = duration("listen", "request_body_timeout", listen.requestBodyTimeout(),
                DEFAULT_REQUEST_BODY_TIMEOUT, problems);
        long minRate = listen.minRequestDataRate() == null ? DEFAULT_MIN_REQUEST_DATA_RATE : listen.minRequestDataRate();
        if (minRate < 0) {
            problems.add("listen", "min_request_data_rate", Long.toString(minRate), "must be 0 (none) or more bytes per second");
        }
        return new ClientLimits(maxThreads, !Boolean.FALSE.equals(listen.virtualThreads()), bodyTimeout, minRate);
    }

    private static AdminConfig admin(AdminSpec spec, Path baseDir, ConfigProblems problems) {
        Endpoint endpoint = endpoint("admin", spec.host(), spec.port(), DEFAULT_ADMIN, problems);
        Path tokenFile = spec.tokenFile() == null ? null : baseDir.resolve(spec.tokenFile()).normalize();
        String token = tokenFile == null ? null : token(spec.tokenFile(), tokenFile, problems);
        List<String> allowedHosts = new ArrayList<>();
        if (spec.allowedHosts() != null) {
            for (String host : spec.allowedHosts()) {
                if (host == null || host.isBlank() || host.contains(":") && !host.startsWith("[")) {
                    problems.add("admin", "allowed_hosts", host, "must be a host name or address without a port");
                } else {
                    allowedHosts.add(host.toLowerCase(Locale.ROOT));
                }
            }
        }
        return new AdminConfig(endpoint, Boolean.TRUE.equals(spec.exposeConfiguration()), tokenFile, token, allowedHosts);
    }

    /** The token in {@code file}, without surrounding white space; a missing or empty file is a problem. */
    private static String token(String written, Path file, ConfigProblems problems) {
        try {
            String token = Files.readString(file).trim();
            if (token.isEmpty()) {
                problems.add("admin", "token_file", written, "the file " + file + " is empty; write the token in it");
            }
            return token;
        } catch (NoSuchFileException e) {
            problems.add("admin", "token_file", written, "no such file: " + file);
        } catch (IOException | UncheckedIOException e) {
            problems.add("admin", "token_file", written, "cannot read " + file + ": " + e.getMessage());
        }
        return null;
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

    private static Duration duration(String key, String property, String text, Duration defaultValue,
            ConfigProblems problems) {
        if (text == null) {
            return defaultValue;
        }
        return Quantities.duration(text).orElseGet(() -> {
            problems.add(key, property, text, "not a duration; write e.g. 250ms, 2s or 1m");
            return defaultValue;
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
            Integer limit = route.maxConcurrentRequests();
            if (limit != null && limit < 1) {
                problems.add(path, "max_concurrent_requests", limit.toString(), "must be at least 1 (leave it out for no limit)");
            }
            if (problems.problems().size() == before) {
                routes.add(new RouteConfig(name, match, route.cluster(), routePlugins, routeLogPlugins,
                        limit == null ? RouteConfig.UNLIMITED : limit));
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

    /** The configuration file, every module {@code file} it names (canaries' too) and the listener's PEM files. */
    private static Set<Path> watchedFiles(Path file, Path baseDir, GatewayFileSpec spec) {
        Set<Path> files = new LinkedHashSet<>();
        files.add(file.toAbsolutePath().normalize());
        ListenTlsSpec tls = spec.listen() == null ? null : spec.listen().tls();
        if (tls != null) {
            Stream.of(tls.certificate(), tls.privateKey()).filter(name -> name != null)
                    .forEach(name -> files.add(baseDir.resolve(name).normalize()));
        }
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
