package io.wasmgate.abi.context;

import io.wasmgate.abi.config.PluginConfig;
import io.wasmgate.abi.spi.Headers;
import io.wasmgate.abi.wire.HeaderField;
import io.wasmgate.abi.wire.PropertyValue;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Envoy's attribute names that the host can answer itself: the {@code plugin_*} identity,
 * {@code request.*} derived from the request headers and {@code response.*} derived from the response
 * headers. The rest comes from the integration through {@code HttpExchange.attribute}.
 */
final class Attributes {
    private Attributes() {}

    /** {@code plugin_name}, {@code plugin_root_id}, {@code plugin_vm_id}: served from the first callback on. */
    static Optional<PropertyValue> plugin(PluginConfig config, List<String> path) {
        if (path.size() != 1) {
            return Optional.empty();
        }
        return switch (path.get(0)) {
            case "plugin_name" -> Optional.of(PropertyValue.ofString(config.name()));
            case "plugin_root_id" -> Optional.of(PropertyValue.ofString(config.rootId()));
            case "plugin_vm_id" -> Optional.of(PropertyValue.ofString(config.vmId()));
            default -> Optional.empty();
        };
    }

    /** The attribute name a path's leading segments form: {@code request.path}, or a top-level name. */
    static String name(List<String> path) {
        return path.size() >= 2 ? path.get(0) + "." + path.get(1) : path.get(0);
    }

    /** Number of leading path segments {@link #name(List)} consumed. */
    static int nameLength(List<String> path) {
        return Math.min(2, path.size());
    }

    /** {@code request.*} attributes that follow from the request headers. */
    static Optional<PropertyValue> request(String name, Headers headers) {
        return switch (name) {
            case "request.path" -> header(headers, ":path");
            case "request.url_path" -> headers.first(":path").map(path -> raw(beforeQuery(path)));
            case "request.host" -> header(headers, ":authority");
            case "request.scheme" -> header(headers, ":scheme");
            case "request.method" -> header(headers, ":method");
            case "request.headers" -> Optional.of(joined(headers));
            case "request.referer" -> header(headers, "referer");
            case "request.useragent" -> header(headers, "user-agent");
            case "request.id" -> header(headers, "x-request-id");
            case "request.query" -> headers.first(":path").map(path -> raw(query(path)));
            default -> Optional.empty();
        };
    }

    /** {@code response.*} attributes that follow from the response headers and trailers. */
    static Optional<PropertyValue> response(String name, Headers headers, Headers trailers) {
        return switch (name) {
            case "response.code" -> headers.first(":status").flatMap(Attributes::parseStatus);
            case "response.headers" -> Optional.of(joined(headers));
            case "response.trailers" -> Optional.of(joined(trailers));
            default -> Optional.empty();
        };
    }

    private static Optional<PropertyValue> parseStatus(String status) {
        try {
            return Optional.of(PropertyValue.ofInt(Long.parseLong(status.trim())));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Optional<PropertyValue> header(Headers headers, String name) {
        return headers.first(name).map(Attributes::raw);
    }

    /** A header map as Envoy exposes it: one entry per name, repeated values joined with {@code ,}. */
    private static PropertyValue joined(Headers headers) {
        Map<String, String> joined = new LinkedHashMap<>();
        for (HeaderField field : headers.fields()) {
            joined.merge(field.name(), field.value(), (a, b) -> a + "," + b);
        }
        Map<String, PropertyValue> values = new LinkedHashMap<>();
        joined.forEach((name, value) -> values.put(name, raw(value)));
        return PropertyValue.ofMap(values);
    }

    /** Header text holds one char per byte; the guest gets those bytes unchanged. */
    private static PropertyValue raw(String headerText) {
        return PropertyValue.ofBytes(headerText.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static String beforeQuery(String path) {
        int query = path.indexOf('?');
        return query < 0 ? path : path.substring(0, query);
    }

    private static String query(String path) {
        int query = path.indexOf('?');
        if (query < 0) {
            return "";
        }
        int fragment = path.indexOf('#', query);
        return path.substring(query + 1, fragment < 0 ? path.length() : fragment);
    }
}
