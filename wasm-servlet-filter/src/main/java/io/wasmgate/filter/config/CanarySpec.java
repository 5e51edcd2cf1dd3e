package io.wasmgate.filter.config;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A plugin's {@code canary} as written: the module and configuration of the new version, and the share of
 * new streams (0-100) that run it. Absent fields are {@code null}.
 */
public record CanarySpec(ModuleSpec module, JsonNode configuration, Integer weight) {}
