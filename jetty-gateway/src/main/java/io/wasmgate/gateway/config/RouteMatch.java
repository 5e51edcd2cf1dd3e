package io.wasmgate.gateway.config;

import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * What a route matches, as Envoy's route match does: a path prefix (a plain string prefix, {@code /api}
 * also matches {@code /apis}) or an exact path, and headers that must be present with exactly the given
 * value. Without prefix and path every path matches.
 *
 * @param prefix the path prefix, or {@code null}
 * @param path the exact path, or {@code null}
 * @param headers lower-case header names and the values they must have
 */
public record RouteMatch(String prefix, String path, Map<String, String> headers) {
    public RouteMatch {
        headers = Map.copyOf(headers);
    }

    /**
     * {@code true} if a request for {@code requestPath} (decoded, without the query) whose headers
     * {@code header} looks up (by lower-case name; {@code null} if absent) matches.
     */
    public boolean matches(String requestPath, Function<String, String> header) {
        if (prefix != null && !requestPath.startsWith(prefix)) {
            return false;
        }
        if (path != null && !requestPath.equals(path)) {
            return false;
        }
        for (Map.Entry<String, String> required : headers.entrySet()) {
            if (!required.getValue().equals(header.apply(required.getKey().toLowerCase(Locale.ROOT)))) {
                return false;
            }
        }
        return true;
    }
}
