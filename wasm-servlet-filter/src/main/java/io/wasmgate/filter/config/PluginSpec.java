package io.wasmgate.filter.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * One plugin (filter, log plugin or service) as written in YAML, before validation; any field may be
 * {@code null} when absent. {@link PluginConfigFactory} turns it into a {@code PluginConfig}.
 */
public record PluginSpec(String name, ModuleSpec module, String rootId, String vmId, JsonNode configuration,
        JsonNode vmConfiguration, String engine, Integer instances, String failurePolicy,
        Map<String, String> environment, LimitsSpec limits, CanarySpec canary, Boolean allowOnHeadersStopIteration) {}
