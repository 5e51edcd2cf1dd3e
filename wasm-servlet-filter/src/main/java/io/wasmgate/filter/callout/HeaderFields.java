package io.wasmgate.filter.callout;

import io.wasmgate.abi.wire.HeaderField;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;

/** Converts between the plugin's header pairs and Jetty's fields, as Envoy presents them: lower-case names. */
final class HeaderFields {
    /**
     * Headers the client sets itself or that cannot cross a hop: a plugin's values for these are not sent.
     * {@code host} comes from {@code :authority}, {@code content-length} from the body.
     */
    private static final Set<String> NOT_FORWARDED = Set.of("host", "content-length", "connection", "keep-alive",
            "proxy-connection", "transfer-encoding", "upgrade", "te");

    private HeaderFields() {}

    /** {@code fields} with lower-case names, in order; pseudo-headers never appear in Jetty's fields. */
    static List<HeaderField> toPairs(HttpFields fields) {
        List<HeaderField> pairs = new ArrayList<>();
        if (fields != null) {
            for (HttpField field : fields) {
                pairs.add(new HeaderField(field.getLowerCaseName(), field.getValue()));
            }
        }
        return pairs;
    }

    /** Copies {@code pairs} into {@code target}, leaving out pseudo-headers, hop-by-hop headers and {@code reserved}. */
    static void copy(List<HeaderField> pairs, HttpFields.Mutable target, Set<String> reserved) {
        for (HeaderField pair : pairs) {
            String name = pair.name().toLowerCase(Locale.ROOT);
            if (!name.startsWith(":") && !NOT_FORWARDED.contains(name) && !reserved.contains(name)) {
                target.add(pair.name(), pair.value());
            }
        }
    }

    /** The trailers to send, or {@code null} (Jetty's "none") if {@code pairs} holds none that may be sent. */
    static HttpFields trailers(List<HeaderField> pairs) {
        HttpFields.Mutable trailers = HttpFields.build();
        copy(pairs, trailers, Set.of());
        return trailers.size() == 0 ? null : trailers.asImmutable();
    }
}
