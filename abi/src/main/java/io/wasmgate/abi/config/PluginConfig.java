package io.wasmgate.abi.config;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One plugin as docs/configuration.md describes it: the module, which root context it starts ({@code root_id}), the
 * vm_id namespace, its configuration bytes, the engine, the code cache, the pool size and the failure policy. Immutable;
 * build with {@link #builder(String)}.
 */
public final class PluginConfig {
    private final String name;
    private final ModuleSource module;
    private final String rootId;
    private final String vmId;
    private final byte[] configuration;
    private final byte[] vmConfiguration;
    private final Engine engine;
    private final CodeCache codeCache;
    private final int instances;
    private final FailurePolicy failurePolicy;
    private final Map<String, String> environment;
    private final boolean allowOnHeadersStopIteration;
    private final PluginLog log;
    private final Limits limits;
    private final Duration reloadBackoff;

    private PluginConfig(Builder b) {
        this.name = b.name;
        this.module = Objects.requireNonNull(b.module, "module is required for plugin '" + b.name + "'");
        this.rootId = b.rootId;
        this.vmId = b.vmId;
        this.configuration = b.configuration.clone();
        this.vmConfiguration = b.vmConfiguration.clone();
        this.engine = b.engine;
        this.codeCache = b.codeCache;
        this.instances = b.instances;
        this.failurePolicy = b.failurePolicy;
        this.environment = Collections.unmodifiableMap(new LinkedHashMap<>(b.environment));
        this.allowOnHeadersStopIteration = b.allowOnHeadersStopIteration;
        this.log = b.log != null ? b.log : new Slf4jPluginLog(b.name);
        this.limits = b.limits;
        this.reloadBackoff = b.reloadBackoff;
    }

    /** Starts a configuration for the plugin called {@code name} (unique; used in logs and metrics). */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    public String name() {
        return name;
    }

    public ModuleSource module() {
        return module;
    }

    public String rootId() {
        return rootId;
    }

    public String vmId() {
        return vmId;
    }

    /** The bytes given to {@code proxy_on_configure} (a copy). */
    public byte[] configuration() {
        return configuration.clone();
    }

    /** The bytes given to {@code proxy_on_vm_start} (a copy). */
    public byte[] vmConfiguration() {
        return vmConfiguration.clone();
    }

    public Engine engine() {
        return engine;
    }

    /** Where the compiler's code is kept between restarts ({@code cache_dir}); empty: nowhere. */
    public Optional<CodeCache> codeCache() {
        return Optional.ofNullable(codeCache);
    }

    /** Number of VM instances in the plugin's pool. */
    public int instances() {
        return instances;
    }

    public FailurePolicy failurePolicy() {
        return failurePolicy;
    }

    /** WASI environment variables in their configured order; the process environment is never exposed. */
    public Map<String, String> environment() {
        return environment;
    }

    /** Envoy's {@code allow_on_headers_stop_iteration}: keep a headers Pause as StopIteration. */
    public boolean allowOnHeadersStopIteration() {
        return allowOnHeadersStopIteration;
    }

    public PluginLog log() {
        return log;
    }

    public Limits limits() {
        return limits;
    }

    /** Base interval of {@code fail_reload}'s randomised backoff (Envoy's default: 1 s). */
    public Duration reloadBackoff() {
        return reloadBackoff;
    }

    /** Builder for {@link PluginConfig}: {@code withX} replaces a value; {@link #build()} validates. */
    public static final class Builder {
        private final String name;
        private ModuleSource module;
        private String rootId = "";
        private String vmId = "";
        private byte[] configuration = new byte[0];
        private byte[] vmConfiguration = new byte[0];
        private Engine engine = Engine.COMPILER;
        private CodeCache codeCache;
        private int instances = Runtime.getRuntime().availableProcessors();
        private FailurePolicy failurePolicy = FailurePolicy.FAIL_CLOSED;
        private final Map<String, String> environment = new LinkedHashMap<>();
        private boolean allowOnHeadersStopIteration;
        private PluginLog log;
        private Limits limits = Limits.defaults();
        private Duration reloadBackoff = Duration.ofSeconds(1);

        private Builder(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("plugin name must not be blank");
            }
            this.name = name;
        }

        public Builder withModule(ModuleSource module) {
            this.module = Objects.requireNonNull(module, "module");
            return this;
        }

        public Builder withRootId(String rootId) {
            this.rootId = Objects.requireNonNull(rootId, "rootId");
            return this;
        }

        public Builder withVmId(String vmId) {
            this.vmId = Objects.requireNonNull(vmId, "vmId");
            return this;
        }

        public Builder withConfiguration(byte[] configuration) {
            this.configuration = configuration.clone();
            return this;
        }

        /** The configuration as UTF-8 text. */
        public Builder withConfiguration(String configuration) {
            return withConfiguration(configuration.getBytes(StandardCharsets.UTF_8));
        }

        public Builder withVmConfiguration(byte[] vmConfiguration) {
            this.vmConfiguration = vmConfiguration.clone();
            return this;
        }

        public Builder withEngine(Engine engine) {
            this.engine = Objects.requireNonNull(engine, "engine");
            return this;
        }

        /** The code cache on disk to load compiled code from and store it to; {@code null} (the default): none. */
        public Builder withCodeCache(CodeCache codeCache) {
            this.codeCache = codeCache;
            return this;
        }

        public Builder withInstances(int instances) {
            if (instances < 1) {
                throw new IllegalArgumentException("plugin '" + name + "': instances must be at least 1, got " + instances);
            }
            this.instances = instances;
            return this;
        }

        public Builder withFailurePolicy(FailurePolicy failurePolicy) {
            this.failurePolicy = Objects.requireNonNull(failurePolicy, "failurePolicy");
            return this;
        }

        public Builder withEnvironment(Map<String, String> environment) {
            this.environment.clear();
            this.environment.putAll(environment);
            return this;
        }

        public Builder withAllowOnHeadersStopIteration(boolean allow) {
            this.allowOnHeadersStopIteration = allow;
            return this;
        }

        public Builder withLog(PluginLog log) {
            this.log = Objects.requireNonNull(log, "log");
            return this;
        }

        public Builder withLimits(Limits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        public Builder withReloadBackoff(Duration base) {
            if (base.isNegative() || base.isZero()) {
                throw new IllegalArgumentException("plugin '" + name + "': reload backoff must be positive, got " + base);
            }
            this.reloadBackoff = base;
            return this;
        }

        public PluginConfig build() {
            return new PluginConfig(this);
        }
    }
}
