package io.wasmgate.filter;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Brings a request path into the one form the plugins see (and the gateway routes on and sends upstream),
 * as Envoy's {@code normalize_path} does (RFC 3986 section 6.2.2): percent-encoded unreserved characters
 * ({@code ALPHA DIGIT - . _ ~}) are decoded, the other escapes kept with upper-case hex, dot segments
 * removed, {@code ;} stays part of its segment. Characters a
 * path may not carry raw (such as {@code |} or non-ASCII) are percent-encoded as UTF-8.
 *
 * <p>Refused ({@link IllegalArgumentException}): a path not starting with {@code /}; a {@code ..} above the
 * root (Envoy keeps it at the root; Jetty's parser refuses it before the gateway sees it); control characters;
 * a malformed escape; an encoded slash or backslash ({@code %2F}, {@code %5C}) or a raw backslash, which
 * upstreams split differently (Envoy's {@code REJECT_REQUEST}); a dot segment with a path parameter
 * ({@code ..;x}), which Java upstreams resolve as {@code ..} after the gateway routed it as a name.
 */
public final class PathNormalizer {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private PathNormalizer() {}

    /**
     * The normalised form of {@code path} (the path of a request target as sent, without the query).
     *
     * @throws IllegalArgumentException if the path is refused; the message says why
     */
    public static String normalize(String path) {
        if (path == null || !path.startsWith("/")) {
            throw new IllegalArgumentException("the request target is not an absolute path");
        }
        if (inNormalForm(path)) {
            return path;
        }
        String[] segments = path.substring(1).split("/", -1);
        List<String> kept = new ArrayList<>(segments.length);
        for (int i = 0; i < segments.length; i++) {
            String segment = segment(segments[i]);
            boolean last = i == segments.length - 1;
            if (segment.equals(".") || segment.equals("..")) {
                if (segment.equals("..")) {
                    if (kept.isEmpty()) {
                        throw new IllegalArgumentException("a dot segment above the root");
                    }
                    kept.remove(kept.size() - 1);
                }
                if (last) {
                    kept.add("");
                }
            } else {
                int parameter = segment.indexOf(';');
                String name = parameter < 0 ? segment : segment.substring(0, parameter);
                if (parameter >= 0 && (name.equals(".") || name.equals(".."))) {
                    throw new IllegalArgumentException("a dot segment with a path parameter");
                }
                kept.add(segment);
            }
        }
        return "/" + String.join("/", kept);
    }

    /**
     * Whether {@code path} is its own normal form: no escape, only characters a path carries raw, no dot
     * segment. Most paths are; they are checked in one pass, without a copy.
     */
    private static boolean inNormalForm(String path) {
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '/') {
                if (dotSegmentAt(path, i + 1)) {
                    return false;
                }
            } else if (c >= 0x80 || !(unreserved(c) || "!$&'()*+,;=:@".indexOf(c) >= 0)) {
                return false;
            }
        }
        return true;
    }

    /** Whether a segment starting at {@code i} is {@code .} or {@code ..}, with or without a parameter. */
    private static boolean dotSegmentAt(String path, int i) {
        int dots = 0;
        while (i + dots < path.length() && path.charAt(i + dots) == '.' && dots < 3) {
            dots++;
        }
        if (dots == 0 || dots > 2) {
            return false;
        }
        int end = i + dots;
        return end == path.length() || path.charAt(end) == '/' || path.charAt(end) == ';';
    }

    /** One segment with unreserved escapes decoded, the others upper-cased, raw disallowed characters encoded. */
    private static String segment(String raw) {
        StringBuilder out = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (!escapeAt(raw, i)) {
                    throw new IllegalArgumentException("a malformed percent-escape");
                }
                int octet = hex(raw.charAt(i + 1)) << 4 | hex(raw.charAt(i + 2));
                if (octet == '/' || octet == '\\') {
                    throw new IllegalArgumentException("an encoded slash or backslash");
                }
                if (unreserved(octet)) {
                    out.append((char) octet);
                } else {
                    escape(out, octet);
                }
                i += 2;
            } else if (c < 0x21 || c == 0x7F) {
                throw new IllegalArgumentException("a control character or space");
            } else if (c == '\\') {
                throw new IllegalArgumentException("a backslash");
            } else if (c < 0x80 && (unreserved(c) || "!$&'()*+,;=:@".indexOf(c) >= 0)) {
                out.append(c);
            } else {
                int end = Character.isHighSurrogate(c) && i + 1 < raw.length() ? i + 2 : i + 1;
                for (byte b : raw.substring(i, end).getBytes(StandardCharsets.UTF_8)) {
                    escape(out, b & 0xFF);
                }
                i = end - 1;
            }
        }
        return out.toString();
    }

    /**
     * {@code path} with every escape decoded as UTF-8: the form routes match and applications see. Of a
     * normalised path it holds no slash or dot segment the normalised path does not.
     */
    public static String decode(String path) {
        if (path.indexOf('%') < 0) {
            return path;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(path.length());
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '%' && escapeAt(path, i)) {
                bytes.write(hex(path.charAt(i + 1)) << 4 | hex(path.charAt(i + 2)));
                i += 2;
            } else if (c < 0x80) {
                bytes.write(c);
            } else {
                // A path a plugin rewrote may carry raw non-ASCII: its UTF-8 bytes, surrogate pairs whole.
                int end = Character.isHighSurrogate(c) && i + 1 < path.length() ? i + 2 : i + 1;
                bytes.writeBytes(path.substring(i, end).getBytes(StandardCharsets.UTF_8));
                i = end - 1;
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /**
     * Whether a query (as sent, without the {@code ?}; {@code null} for none), which goes on as it came, is
     * free of a {@code %} without two hex digits after it. Upstreams read such a query differently (some keep
     * the {@code %}, some drop it, some refuse the request), so a plugin could not know what it passes.
     */
    public static boolean validQuery(String query) {
        if (query == null) {
            return true;
        }
        for (int i = query.indexOf('%'); i >= 0; i = query.indexOf('%', i + 3)) {
            if (!escapeAt(query, i)) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code s} has a percent-escape, {@code %} and two hex digits, at {@code i}. */
    private static boolean escapeAt(String s, int i) {
        return i + 2 < s.length() && hex(s.charAt(i + 1)) >= 0 && hex(s.charAt(i + 2)) >= 0;
    }

    private static boolean unreserved(int c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~';
    }

    private static void escape(StringBuilder out, int octet) {
        out.append('%').append(HEX[octet >> 4]).append(HEX[octet & 0xF]);
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return -1;
    }
}
