package io.wasmgate.gateway.config;

import java.util.Map;

/** A route's {@code match}: at most one of {@code prefix} and {@code path}, and required header values. */
public record MatchSpec(String prefix, String path, Map<String, String> headers) {}
