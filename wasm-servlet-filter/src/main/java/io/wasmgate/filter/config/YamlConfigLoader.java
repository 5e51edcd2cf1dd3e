package io.wasmgate.filter.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads the servlet filter's YAML configuration (docs/configuration.md) into a {@link PluginChainConfig}:
 * every problem (unknown keys with their line, wrong types, bad durations and sizes, missing modules,
 * sha256 mismatches, duplicate names) is collected and reported in one {@link ConfigException} naming
 * where the configuration came from.
 *
 * <p>The configuration can come from a file ({@link #load(Path)}), a URL ({@link #load(URL)}), a classpath
 * resource ({@link #loadResource(String, ClassLoader)}) or a stream ({@link #load(InputStream, String)}).
 * A relative {@code module.file} is resolved against the folder of a configuration on the file system (a
 * {@code Path} or a {@code file:} URL); from any other origin it is a problem, as there is no folder to
 * resolve it against, so use an absolute path, {@code module.classpath} or {@code module.url} there.
 *
 * <p>{@link #read} is the reusable half for files that embed plugins in a larger schema (the gateway):
 * it binds any record type with the same rules.
 */
public final class YamlConfigLoader {
    // No buffer recycling: Jackson's default pool keeps a buffer per thread in a ThreadLocal, which would
    // hold a web application's class loader on the container's threads after undeploy. Files are small.
    private static final ObjectMapper MAPPER = JsonMapper.builder(YAMLFactory.builder()
                    .recyclerPool(JsonRecyclerPools.nonRecyclingPool()).build())
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private YamlConfigLoader() {}

    /**
     * Loads and validates a file; relative module files are resolved against its folder.
     *
     * @throws ConfigException naming the file and listing every problem
     */
    public static PluginChainConfig load(Path file) {
        ConfigProblems problems = new ConfigProblems(file.toString());
        return chain(read(file, FilterFileSpec.class, problems), file.toAbsolutePath().getParent(), problems);
    }

    /**
     * Loads and validates the configuration at {@code url}: a {@code file:} URL as {@link #load(Path)},
     * any other (e.g. {@code jar:}, {@code http:}) without a folder for relative module files.
     *
     * @throws ConfigException naming the URL and listing every problem
     */
    public static PluginChainConfig load(URL url) {
        if ("file".equals(url.getProtocol())) {
            try {
                return load(Path.of(url.toURI()));
            } catch (URISyntaxException | IllegalArgumentException e) {
                // not a plain file URL: read it as any other URL
            }
        }
        try (InputStream in = url.openStream()) {
            return load(in, url.toString());
        } catch (IOException e) {
            throw unreadable(url.toString(), e);
        }
    }

    /**
     * Loads and validates the classpath resource {@code name} of {@code loader}; relative module files
     * are problems, wherever the resource is (a folder in development, a jar in production).
     *
     * @throws ConfigException naming {@code classpath:<name>} and listing every problem
     */
    public static PluginChainConfig loadResource(String name, ClassLoader loader) {
        String resource = name.startsWith("/") ? name.substring(1) : name;
        String origin = "classpath:" + resource;
        InputStream in = loader.getResourceAsStream(resource);
        if (in == null) {
            ConfigProblems problems = new ConfigProblems(origin);
            problems.add("", "", null, "no such classpath resource");
            throw new ConfigException(origin, problems.problems());
        }
        try (InputStream stream = in) {
            return load(stream, origin);
        } catch (IOException e) {
            throw unreadable(origin, e);
        }
    }

    /**
     * Loads and validates the configuration read from {@code in} (not closed); {@code origin} names it
     * in problems. Relative module files are problems.
     *
     * @throws ConfigException naming {@code origin} and listing every problem
     */
    public static PluginChainConfig load(InputStream in, String origin) {
        ConfigProblems problems = new ConfigProblems(origin);
        byte[] bytes;
        try {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw unreadable(origin, e);
        }
        return chain(read(bytes, FilterFileSpec.class, problems), null, problems);
    }

    private static ConfigException unreadable(String origin, IOException e) {
        ConfigProblems problems = new ConfigProblems(origin);
        problems.add("", "", null, "cannot read the configuration: " + e);
        return new ConfigException(origin, problems.problems());
    }

    private static PluginChainConfig chain(FilterFileSpec spec, Path baseDir, ConfigProblems problems) {
        if (spec == null) {
            if (problems.isEmpty()) {
                problems.add("", "", null, "the file is empty; expected at least `plugins:`");
            }
            problems.throwIfAny();
        }
        PluginConfigFactory factory = new PluginConfigFactory(baseDir, problems);
        PluginChainConfig config = factory.chain(spec);
        problems.throwIfAny();
        return config;
    }

    /**
     * Binds {@code file} to {@code type}, a record whose components are the keys in snake_case, recording
     * unknown keys and mistyped values in {@code problems} instead of stopping at the first. Returns {@code null} for an empty file, or when
     * the file cannot be read or is not YAML (recorded as a problem).
     */
    public static <T> T read(Path file, Class<T> type, ConfigProblems problems) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            problems.add("", "", null, "no such file: " + file.toAbsolutePath());
            return null;
        } catch (IOException e) {
            problems.add("", "", null, "cannot read the file: " + e);
            return null;
        }
        return read(bytes, type, problems);
    }

    /**
     * {@link #read(Path, Class, ConfigProblems)} of the file's text already in hand, e.g. bytes a watcher
     * saw settle, so that what is parsed is exactly what was checked.
     */
    public static <T> T read(byte[] bytes, Class<T> type, ConfigProblems problems) {
        try (JsonParser parser = MAPPER.createParser(bytes)) {
            if (parser.nextToken() == null) {
                return null;
            }
            new KeyChecker(MAPPER.getFactory(), problems).check(bytes, type);
            return MAPPER.readerFor(type).withHandler(new CollectingProblemHandler(problems)).readValue(parser);
        } catch (JsonProcessingException e) {
            JsonLocation location = e.getLocation();
            problems.addAt(location == null ? 0 : location.getLineNr(), "", "", null, "not valid: " + e.getOriginalMessage());
            return null;
        } catch (IOException e) {
            problems.add("", "", null, "cannot read the file: " + e);
            return null;
        }
    }
}
