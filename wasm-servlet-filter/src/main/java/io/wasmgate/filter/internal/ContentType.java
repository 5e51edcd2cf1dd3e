package io.wasmgate.filter.internal;

import java.io.UnsupportedEncodingException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.UnsupportedCharsetException;
import java.util.Locale;

/**
 * A {@code Content-Type} value as the request and response wrappers read it: the media type (with any
 * parameters but the charset) and the {@code charset} parameter, unquoted.
 *
 * <p>One charset rule for both sides, the Servlet specification's: {@code getCharacterEncoding()} returns
 * the name as declared, even one this JVM does not support, and only decoding or encoding with it fails,
 * with an {@link UnsupportedEncodingException} from {@code getReader()} or {@code getWriter()} (Tomcat and
 * Jetty fail a request's {@code getReader()} that way). Form parameters, which cannot throw it, fail with
 * it as the cause of an unchecked exception.
 *
 * @param mediaType the value without its charset parameter, e.g. {@code multipart/form-data; boundary=x}
 * @param charset the declared charset name, or {@code null}
 */
record ContentType(String mediaType, String charset) {
    /** Parses {@code value}; {@code null} for none. */
    static ContentType parse(String value) {
        if (value == null) {
            return null;
        }
        if (value.indexOf(';') < 0) {
            return new ContentType(value.trim(), null);
        }
        StringBuilder kept = new StringBuilder();
        String charset = null;
        String[] parts = value.split(";");
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i].trim();
            String[] pair = part.split("=", 2);
            if (i > 0 && charset == null && pair.length == 2 && pair[0].trim().equalsIgnoreCase("charset")) {
                charset = pair[1].trim().replace("\"", "");
            }
            if (!part.toLowerCase(Locale.ROOT).startsWith("charset=")) {
                kept.append(kept.length() == 0 ? "" : ";").append(part);
            }
        }
        return new ContentType(kept.toString(), charset);
    }

    /** {@code true} if the media type, without parameters, is {@code type} (case-insensitive). */
    boolean is(String type) {
        int end = mediaType.indexOf(';');
        return (end < 0 ? mediaType : mediaType.substring(0, end)).trim().equalsIgnoreCase(type);
    }

    /** The charset called {@code name}, which must not be {@code null}; the servlet API's exception if it has none. */
    static Charset charset(String name) throws UnsupportedEncodingException {
        try {
            return Charset.forName(name);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            UnsupportedEncodingException unsupported = new UnsupportedEncodingException(name);
            unsupported.initCause(e);
            throw unsupported;
        }
    }
}
