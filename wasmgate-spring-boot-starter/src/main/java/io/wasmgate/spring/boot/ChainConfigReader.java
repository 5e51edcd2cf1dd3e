package io.wasmgate.spring.boot;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wasmgate.filter.config.ConfigProblems;
import io.wasmgate.filter.config.FilterFileSpec;
import io.wasmgate.filter.config.PluginChainConfig;
import io.wasmgate.filter.config.PluginConfigFactory;
import io.wasmgate.filter.config.YamlConfigLoader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.io.Resource;

/**
 * Reads the plugin chain with the filter's own YAML rules ({@link YamlConfigLoader}): from the resource
 * {@code wasmgate.config} names, or from the same schema written under {@code wasmgate.*} in the
 * application's properties. Every problem is reported at once in a
 * {@link io.wasmgate.filter.config.ConfigException}, as for the filter's file.
 */
final class ChainConfigReader {
    static final String PREFIX = "wasmgate";
    private static final Set<String> SCHEMA_KEYS = Set.of("plugins", "log_plugins", "services", "clusters", "cache_dir",
            "path_parameters", "shared_queue_limit");
    /** Plugin data, passed to the plugin as written: its keys keep their spelling. */
    private static final Set<String> VERBATIM_KEYS = Set.of("configuration", "vm_configuration", "environment");
    private static final ObjectMapper JSON = new ObjectMapper();

    private ChainConfigReader() {}

    /**
     * The chain of {@code properties.config}, else the inline one.
     *
     * @throws IllegalStateException if neither is given
     */
    static PluginChainConfig read(WasmgateProperties properties, Binder binder) {
        if (properties.getConfig() != null) {
            return fromResource(properties.getConfig());
        }
        Map<String, Object> inline = inline(binder);
        if (inline.isEmpty()) {
            throw new IllegalStateException("Wasmgate has no plugins to run: set " + PREFIX + ".config (e.g. "
                    + "classpath:wasmgate.yaml) or " + PREFIX + ".plugins, or " + PREFIX + ".enabled=false");
        }
        return fromText(toJson(inline), "application properties '" + PREFIX + ".*'");
    }

    private static PluginChainConfig fromResource(Resource resource) {
        if (resource.isFile()) {
            try {
                // Module paths relative to the file's folder, as for the filter's init-param.
                return YamlConfigLoader.load(resource.getFile().toPath());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + resource.getDescription(), e);
            }
        }
        try (InputStream in = resource.getInputStream()) {
            return fromText(in.readAllBytes(), resource.getDescription());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource.getDescription(), e);
        }
    }

    /** Module paths relative to the working directory: the text has no folder of its own. */
    private static PluginChainConfig fromText(byte[] text, String name) {
        ConfigProblems problems = new ConfigProblems(name);
        FilterFileSpec spec = YamlConfigLoader.read(text, FilterFileSpec.class, problems);
        if (spec == null) {
            if (problems.isEmpty()) {
                problems.add("", "", null, "empty; expected at least `plugins:`");
            }
            problems.throwIfAny();
        }
        PluginConfigFactory factory = new PluginConfigFactory(Path.of("").toAbsolutePath(), problems);
        PluginChainConfig config = factory.chain(spec);
        problems.throwIfAny();
        return config;
    }

    private static Map<String, Object> inline(Binder binder) {
        Map<String, Object> bound = binder.bind(PREFIX, Bindable.mapOf(String.class, Object.class)).orElse(Map.of());
        Map<String, Object> schema = new LinkedHashMap<>();
        bound.forEach((key, value) -> {
            String name = snakeCase(key);
            if (SCHEMA_KEYS.contains(name)) {
                schema.put(name, normalise(value, false));
            }
        });
        return schema;
    }

    /**
     * Spring binds a list inside a map as a map keyed "0", "1", ...; the loader wants YAML's lists back,
     * and its snake_case keys wherever the properties were written in kebab-case.
     */
    private static Object normalise(Object value, boolean verbatim) {
        if (!(value instanceof Map<?, ?> map)) {
            return value;
        }
        if (isList(map)) {
            List<Object> list = new ArrayList<>(map.size());
            for (int i = 0; i < map.size(); i++) {
                list.add(normalise(map.get(String.valueOf(i)), verbatim));
            }
            return list;
        }
        Map<String, Object> result = new LinkedHashMap<>();
        map.forEach((key, element) -> {
            String name = verbatim ? key.toString() : snakeCase(key.toString());
            result.put(name, normalise(element, verbatim || VERBATIM_KEYS.contains(name)));
        });
        return result;
    }

    /** Keys "0" to "n-1" and nothing else: a map such as {@code {"200": ok}} stays a map. */
    private static boolean isList(Map<?, ?> map) {
        for (int i = 0; i < map.size(); i++) {
            if (!map.containsKey(String.valueOf(i))) {
                return false;
            }
        }
        return !map.isEmpty();
    }

    private static String snakeCase(String key) {
        return key.replace('-', '_');
    }

    private static byte[] toJson(Map<String, Object> tree) {
        try {
            return JSON.writeValueAsBytes(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the inline Wasmgate configuration", e);
        }
    }
}
