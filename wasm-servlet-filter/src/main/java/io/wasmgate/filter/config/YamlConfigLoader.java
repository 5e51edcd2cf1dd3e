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
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads the servlet filter's YAML file (CONFIG.md) into a {@link PluginChainConfig}: every problem
 * (unknown keys with their line, wrong types, bad durations and sizes, missing modules, sha256
 * mismatches, duplicate names) is collected and reported in one {@link ConfigException} naming the file.
 * Module paths are relative to the file's folder.
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
     * Loads and validates the filter's file.
     *
     * @throws ConfigException naming the file and listing every problem
     */
    public static PluginChainConfig load(Path file) {
        ConfigProblems problems = new ConfigProblems(file.toString());
        FilterFileSpec spec = read(file, FilterFileSpec.class, problems);
        if (spec == null) {
            if (problems.isEmpty()) {
                problems.add("", "", null, "the file is empty; expected at least `plugins:`");
            }
            problems.throwIfAny();
        }
        Path baseDir = file.toAbsolutePath().getParent();
        PluginConfigFactory factory = new PluginConfigFactory(baseDir, problems);
        PluginChainConfig config = factory.chain(spec.plugins(), spec.logPlugins(), spec.services(), spec.clusters());
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
