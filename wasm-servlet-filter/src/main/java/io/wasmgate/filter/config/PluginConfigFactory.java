package io.wasmgate.filter.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.wasmgate.abi.config.Engine;
import io.wasmgate.abi.config.FailurePolicy;
import io.wasmgate.abi.config.Limits;
import io.wasmgate.abi.config.ModuleSource;
import io.wasmgate.abi.config.PluginConfig;
import io.wasmgate.abi.config.CodeCache;
import io.wasmgate.abi.services.SharedQueueRegistry;
import io.wasmgate.filter.PathParameters;
import io.wasmgate.filter.callout.Cluster;
import io.wasmgate.filter.callout.ClusterTls;
import io.wasmgate.filter.tls.PemFiles;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Validates plugin and cluster entries as written in YAML and builds the host's {@link PluginConfig}s,
 * their {@link Canary canaries} and the callout {@link Cluster}s. Every problem goes to the
 * {@link ConfigProblems} collector; an entry with problems yields nothing. Relative module files are
 * resolved against {@code baseDir}, the folder of the file that names them ({@code null} when the
 * configuration has no folder: then they are problems). Names are checked for uniqueness across
 * every list given to one factory.
 */
public final class PluginConfigFactory {
    private final Path baseDir;
    private final ConfigProblems problems;
    private final ModuleResolver modules;
    private final Set<String> names = new HashSet<>();
    private final Map<String, Canary> canaries = new LinkedHashMap<>();
    private CodeCache codeCache;
    private PathParameters pathParameters = PathParameters.STRIP;
    private long sharedQueueMaxBytes = SharedQueueRegistry.DEFAULT_MAX_BYTES;

    public PluginConfigFactory(Path baseDir, ConfigProblems problems) {
        this.baseDir = baseDir;
        this.problems = problems;
        this.modules = new ModuleResolver(baseDir, problems);
    }

    /** The words that turn the compiled-code cache off: {@code cache_dir: ""} or {@code cache_dir: off}. */
    public static final List<String> CACHE_OFF = List.of("", "off");

    /**
     * Applies the file's {@code cache_dir} to every plugin built afterwards: absent gives {@code fallback}
     * (the filter: {@code null}, no cache; the gateway: {@link CodeCache#defaultForUser()}), {@code ""} or
     * {@code off} no cache, a path (relative to the file's folder) a cache there. The directory itself is
     * not checked here: a cache that cannot be used is a warning at load time, never a failed start.
     *
     * @return the cache the plugins get, or {@code null}
     */
    public CodeCache codeCache(String written, CodeCache fallback) {
        codeCache = fallback;
        if (written == null) {
            return codeCache;
        }
        if (CACHE_OFF.contains(written.trim())) {
            codeCache = null;
            return null;
        }
        try {
            Path dir = Path.of(written);
            if (!dir.isAbsolute() && baseDir == null) {
                problems.add("", "cache_dir", written, "a relative folder needs a configuration file to be relative to; "
                        + "write an absolute path");
                return codeCache;
            }
            codeCache = CodeCache.in(dir.isAbsolute() ? dir : baseDir.resolve(dir).normalize());
        } catch (InvalidPathException e) {
            problems.add("", "cache_dir", written, "not a folder path (" + e.getReason() + "); write a path, or off");
        }
        return codeCache;
    }

    /**
     * Applies the file's {@code path_parameters} ({@code strip}, {@code reject} or {@code keep}; absent:
     * {@code strip}) to the chain built afterwards.
     */
    public void pathParameters(String written) {
        pathParameters = choice("path_parameters", written, PathParameters.class, PathParameters.STRIP);
    }

    /**
     * The top-level setting {@code property} as written, one of {@code type}'s constants in lower case;
     * {@code fallback} if absent or not one of them (then a problem).
     */
    public <E extends Enum<E>> E choice(String property, String written, Class<E> type, E fallback) {
        return choice("", property, written, type).orElse(fallback);
    }

    /**
     * Applies the file's {@code shared_queue_limit} (a size of at least 1KiB; absent: 64MiB) to the chain built
     * afterwards.
     */
    public void sharedQueueLimit(String written) {
        sharedQueueMaxBytes = SharedQueueRegistry.DEFAULT_MAX_BYTES;
        if (written != null) {
            long bytes = size("", "shared_queue_limit", written, SharedQueueRegistry.DEFAULT_MAX_BYTES);
            if (bytes < 1024) {
                problems.add("", "shared_queue_limit", written, "must be at least 1KiB");
            } else {
                sharedQueueMaxBytes = bytes;
            }
        }
    }

    /**
     * The servlet filter's file: its chain, with {@code cache_dir} (absent: no cache), {@code path_parameters}
     * and {@code shared_queue_limit}.
     */
    public PluginChainConfig chain(FilterFileSpec spec) {
        codeCache(spec.cacheDir(), null);
        pathParameters(spec.pathParameters());
        sharedQueueLimit(spec.sharedQueueLimit());
        return chain(spec.plugins(), spec.logPlugins(), spec.services(), spec.clusters());
    }

    /**
     * The plugin part of a file: {@code plugins}, {@code log_plugins}, {@code services}, {@code clusters}
     * and the canaries declared among them (problems are collected, not thrown).
     */
    public PluginChainConfig chain(List<PluginSpec> plugins, List<PluginSpec> logPlugins, List<PluginSpec> services,
            List<ClusterSpec> clusters) {
        return new PluginChainConfig(plugins("plugins", plugins), plugins("log_plugins", logPlugins), services(services),
                clusters(clusters), canaries(), pathParameters, sharedQueueMaxBytes);
    }

    /** The valid plugins of the list under {@code key} (e.g. {@code plugins}), in order; canaries are kept for {@link #canaries()}. */
    public List<PluginConfig> plugins(String key, List<PluginSpec> specs) {
        return plugins(key, specs, true);
    }

    /**
     * The valid services ({@code services}), in order: root contexts only, so no canary (it splits streams),
     * and one instance, as Envoy runs a service as a singleton: more would each do the service's work.
     */
    public List<PluginConfig> services(List<PluginSpec> specs) {
        return plugins("services", specs, false);
    }

    /** The canary of every valid plugin that has one, by plugin name. */
    public Map<String, Canary> canaries() {
        return Map.copyOf(canaries);
    }

    private List<PluginConfig> plugins(String key, List<PluginSpec> specs, boolean canaryAllowed) {
        List<PluginConfig> configs = new ArrayList<>();
        if (specs == null) {
            return configs;
        }
        for (int i = 0; i < specs.size(); i++) {
            String path = key + "[" + i + "]";
            PluginSpec spec = specs.get(i);
            if (spec == null) {
                problems.add(path, "", null, "empty entry; a plugin needs at least name and module");
                continue;
            }
            PluginConfig config = plugin(path, spec, !canaryAllowed);
            Canary canary = spec.canary() == null ? null : canary(path, spec, canaryAllowed);
            if (config != null && (spec.canary() == null || canary != null)) {
                configs.add(config);
                if (canary != null) {
                    canaries.put(config.name(), canary);
                }
            }
        }
        return configs;
    }

    private PluginConfig plugin(String path, PluginSpec spec, boolean service) {
        int before = problems.problems().size();
        String name = name(path, spec.name());
        ModuleSource module = modules.resolve(path, "module", spec.module());
        PluginConfig.Builder builder = builder(path, spec, name == null ? "unnamed" : name);
        if (service) {
            singleInstance(path, spec, builder);
        }
        builder.withConfiguration(bytes(spec.configuration()));
        if (problems.problems().size() > before || module == null || name == null) {
            return null;
        }
        return builder.withModule(module).build();
    }

    /** The canary version: the plugin's settings with the canary's module and configuration. */
    private Canary canary(String path, PluginSpec spec, boolean allowed) {
        CanarySpec canary = spec.canary();
        if (!allowed) {
            problems.add(path, "canary", null, "services have no streams to split; a canary applies to plugins and log_plugins");
            return null;
        }
        int before = problems.problems().size();
        if (canary.weight() == null || canary.weight() < 0 || canary.weight() > 100) {
            problems.add(path, "canary.weight", canary.weight() == null ? null : canary.weight().toString(),
                    "required: the percentage (0-100) of new streams that run the canary");
        }
        ModuleSource module = modules.resolve(path, "canary.module", canary.module());
        String name = spec.name() == null ? "unnamed" : spec.name();
        PluginConfig.Builder builder = builder(path, spec, name + Canary.NAME_SUFFIX);
        builder.withConfiguration(bytes(canary.configuration() != null ? canary.configuration() : spec.configuration()));
        if (problems.problems().size() > before || module == null) {
            return null;
        }
        return new Canary(builder.withModule(module).build(), canary.weight());
    }

    private void singleInstance(String path, PluginSpec spec, PluginConfig.Builder builder) {
        if (spec.instances() != null && spec.instances() != 1) {
            problems.add(path, "instances", spec.instances().toString(),
                    "a service is one root context (a singleton, as in Envoy); leave instances out or set 1");
        }
        builder.withInstances(1);
    }

    /** A builder with every setting of {@code spec} except the module and the plugin configuration. */
    private PluginConfig.Builder builder(String path, PluginSpec spec, String name) {
        PluginConfig.Builder builder = PluginConfig.builder(name);
        builder.withRootId(orEmpty(spec.rootId())).withVmId(orEmpty(spec.vmId()));
        builder.withVmConfiguration(bytes(spec.vmConfiguration()));
        builder.withCodeCache(codeCache);
        choice(path, "engine", spec.engine(), Engine.class).ifPresent(builder::withEngine);
        choice(path, "failure_policy", spec.failurePolicy(), FailurePolicy.class).ifPresent(builder::withFailurePolicy);
        if (spec.instances() != null) {
            if (spec.instances() < 1) {
                problems.add(path, "instances", spec.instances().toString(), "must be at least 1");
            } else {
                builder.withInstances(spec.instances());
            }
        }
        if (spec.environment() != null) {
            builder.withEnvironment(spec.environment());
        }
        if (spec.allowOnHeadersStopIteration() != null) {
            builder.withAllowOnHeadersStopIteration(spec.allowOnHeadersStopIteration());
        }
        return builder.withLimits(limits(path, spec.limits()));
    }

    private String name(String path, String name) {
        if (name == null || name.isBlank()) {
            problems.add(path, "name", null, "required: a unique plugin name");
            return null;
        }
        problems.name(path, name);
        if (!names.add(name)) {
            problems.add(path, "name", name, "already used by another plugin; names must be unique");
        }
        return name;
    }

    private Limits limits(String path, LimitsSpec spec) {
        Limits limits = Limits.defaults();
        if (spec == null) {
            return limits;
        }
        try {
            if (spec.memory() != null) {
                limits = limits.withMemoryBytes(size(path, "limits.memory", spec.memory(), limits.memoryBytes()));
            }
            if (spec.callbackDeadline() != null) {
                limits = limits.withCallbackDeadline(duration(path, "limits.callback_deadline", spec.callbackDeadline(),
                        limits.callbackDeadline()));
            }
            if (spec.pauseDeadline() != null) {
                limits = limits.withPauseDeadline(duration(path, "limits.pause_deadline", spec.pauseDeadline(),
                        limits.pauseDeadline()));
            }
            if (spec.maxBufferedBody() != null) {
                limits = limits.withMaxBufferedBody(size(path, "limits.max_buffered_body", spec.maxBufferedBody(),
                        limits.maxBufferedBody()));
            }
        } catch (IllegalArgumentException e) {
            problems.add(path, "limits", null, e.getMessage());
        }
        return limits;
    }

    /** The valid clusters, in order. */
    public List<Cluster> clusters(List<ClusterSpec> specs) {
        List<Cluster> clusters = new ArrayList<>();
        if (specs == null) {
            return clusters;
        }
        Set<String> clusterNames = new HashSet<>();
        for (int i = 0; i < specs.size(); i++) {
            String path = "clusters[" + i + "]";
            ClusterSpec spec = specs.get(i);
            if (spec == null) {
                problems.add(path, "", null, "empty entry; a cluster needs name and url");
                continue;
            }
            int before = problems.problems().size();
            if (spec.name() == null || spec.name().isBlank()) {
                problems.add(path, "name", null, "required: a unique cluster name");
            } else {
                problems.name(path, spec.name());
                if (!clusterNames.add(spec.name())) {
                    problems.add(path, "name", spec.name(), "already used by another cluster");
                }
            }
            URI url = url(path, spec.url());
            Duration connect = spec.connectTimeout() == null ? Cluster.DEFAULT_CONNECT_TIMEOUT
                    : duration(path, "connect_timeout", spec.connectTimeout(), null);
            Duration timeout = spec.timeout() == null ? Cluster.DEFAULT_TIMEOUT : duration(path, "timeout", spec.timeout(), null);
            int maxConnections = spec.maxConnections() == null ? Cluster.DEFAULT_MAX_CONNECTIONS : spec.maxConnections();
            if (maxConnections < 1) {
                problems.add(path, "max_connections", Integer.toString(maxConnections), "must be at least 1");
            }
            int maxPending = spec.maxPendingRequests() == null ? Cluster.DEFAULT_MAX_PENDING_REQUESTS : spec.maxPendingRequests();
            if (maxPending < 1) {
                problems.add(path, "max_pending_requests", Integer.toString(maxPending), "must be at least 1");
            }
            ClusterTls tls = spec.tls() == null ? ClusterTls.NONE : clusterTls(path, url, spec.tls());
            if (problems.problems().size() == before) {
                try {
                    clusters.add(new Cluster(spec.name(), url, Boolean.TRUE.equals(spec.http2()), connect, timeout, maxConnections,
                            maxPending, tls));
                } catch (IllegalArgumentException e) {
                    problems.add(path, "", null, e.getMessage());
                }
            }
        }
        return clusters;
    }

    /** A cluster's {@code tls}; its {@code ca_file} is read now, so a reload sees a changed bundle. */
    private ClusterTls clusterTls(String path, URI url, ClusterTlsSpec spec) {
        if (url != null && !"https".equalsIgnoreCase(url.getScheme())) {
            problems.add(path, "tls", null, "applies to https:// clusters only, not to " + url);
        }
        boolean verify = !Boolean.FALSE.equals(spec.verify());
        if (!verify && spec.caFile() != null) {
            problems.add(path, "tls.ca_file", spec.caFile(), "has no use with verify: false; remove one of them");
        }
        String serverName = spec.serverName();
        if (serverName != null && (serverName.isBlank() || !serverName.matches("[A-Za-z0-9._-]+"))) {
            problems.add(path, "tls.server_name", serverName, "must be a host name, e.g. api.example.com");
        }
        Path caFile = spec.caFile() == null ? null : baseDir.resolve(spec.caFile()).normalize();
        List<X509Certificate> trusted = caFile == null ? List.of() : caCertificates(path, spec.caFile(), caFile);
        return new ClusterTls(caFile, trusted, verify, serverName);
    }

    private List<X509Certificate> caCertificates(String path, String written, Path file) {
        try {
            return PemFiles.certificates(file);
        } catch (NoSuchFileException e) {
            problems.add(path, "tls.ca_file", written, "no such file: " + file);
        } catch (IOException e) {
            problems.add(path, "tls.ca_file", written, "cannot read " + file + ": " + e);
        } catch (IllegalArgumentException e) {
            problems.add(path, "tls.ca_file", written, file + ": " + e.getMessage());
        }
        return List.of();
    }

    private URI url(String path, String text) {
        if (text == null) {
            problems.add(path, "url", null, "required: the target's http:// or https:// URL");
            return null;
        }
        try {
            URI url = new URI(text);
            if (("http".equals(url.getScheme()) || "https".equals(url.getScheme())) && url.getHost() != null) {
                return url;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        problems.add(path, "url", text, "not an http:// or https:// URL with a host");
        return null;
    }

    private <E extends Enum<E>> Optional<E> choice(String path, String property, String text, Class<E> type) {
        if (text == null) {
            return Optional.empty();
        }
        for (E value : type.getEnumConstants()) {
            if (value.name().toLowerCase(Locale.ROOT).equals(text)) {
                return Optional.of(value);
            }
        }
        List<String> allowed = new ArrayList<>();
        for (E value : type.getEnumConstants()) {
            allowed.add(value.name().toLowerCase(Locale.ROOT));
        }
        problems.add(path, property, text, "must be one of " + String.join(", ", allowed));
        return Optional.empty();
    }

    private long size(String path, String property, String text, long fallback) {
        OptionalLong bytes = Quantities.size(text);
        if (bytes.isEmpty()) {
            problems.add(path, property, text, "not a size; write e.g. 512KiB or 64MiB");
            return fallback;
        }
        return bytes.getAsLong();
    }

    private Duration duration(String path, String property, String text, Duration fallback) {
        Optional<Duration> duration = Quantities.duration(text);
        if (duration.isEmpty()) {
            problems.add(path, property, text, "not a duration; write e.g. 250ms, 2s or 1m");
            return fallback;
        }
        return duration.get();
    }

    /** A string as UTF-8; a map or list as JSON (docs/configuration.md); other scalars as their text; absent as nothing. */
    private static byte[] bytes(JsonNode node) {
        if (node == null || node.isNull()) {
            return new byte[0];
        }
        String text = node.isContainerNode() ? node.toString() : node.asText();
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String orEmpty(String text) {
        return text == null ? "" : text;
    }
}
