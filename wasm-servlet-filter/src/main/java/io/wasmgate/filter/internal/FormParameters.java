package io.wasmgate.filter.internal;

import java.net.URLDecoder;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Parses {@code application/x-www-form-urlencoded} text (a query string or a form body) into servlet parameters. */
final class FormParameters {
    private FormParameters() {}

    /** Adds the pairs of {@code text} (may be {@code null}) to {@code into}, in order. */
    static void parse(String text, Charset charset, Map<String, List<String>> into) {
        if (text == null || text.isEmpty()) {
            return;
        }
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = decode(equals < 0 ? pair : pair.substring(0, equals), charset);
            String value = equals < 0 ? "" : decode(pair.substring(equals + 1), charset);
            into.computeIfAbsent(name, key -> new ArrayList<>()).add(value);
        }
    }

    /** The parameter map the servlet API hands out. */
    static Map<String, String[]> toArrays(Map<String, List<String>> parameters) {
        Map<String, String[]> arrays = new LinkedHashMap<>();
        parameters.forEach((name, values) -> arrays.put(name, values.toArray(new String[0])));
        return arrays;
    }

    private static String decode(String text, Charset charset) {
        try {
            return URLDecoder.decode(text, charset);
        } catch (IllegalArgumentException e) {
            return text;
        }
    }
}
