package io.wasmgate.filter.internal;

import io.wasmgate.abi.spi.Headers;
import io.wasmgate.abi.wire.HeaderField;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * The head of the response the application writes, held until it goes to the plugins: status, headers,
 * and, in their own fields as the servlet API treats them, content type (media type and character
 * encoding, parsed by {@link ContentType}), content length and locale. Once the application has a writer,
 * its encoding is fixed, as on the container; whether the head may change at all (committed) is the
 * {@link BufferingResponseWrapper}'s call.
 */
final class ResponseHead {
    private final BooleanSupplier writerOpen;
    private final Headers headers = new Headers();
    private int status = HttpServletResponse.SC_OK;
    private String mediaType;
    private String characterEncoding;
    /** The content type as set, sent as such while the character encoding is still the one it declares. */
    private String declaredType;
    private long contentLength = -1;
    private Locale locale;

    /** @param writerOpen whether the application has a writer, whose character encoding is fixed */
    ResponseHead(BooleanSupplier writerOpen) {
        this.writerOpen = writerOpen;
    }

    /** Status and headers as the plugins see them: {@code :status} first, lower-case names. */
    Headers captured() {
        Headers captured = new Headers().add(":status", Integer.toString(status));
        headers.fields().forEach(field -> captured.add(field.name(), field.value()));
        String type = contentType();
        if (type != null) {
            captured.add("content-type", type);
        }
        if (contentLength >= 0) {
            captured.add("content-length", Long.toString(contentLength));
        }
        return captured;
    }

    int status() {
        return status;
    }

    void status(int status) {
        this.status = status;
    }

    /** A redirect's head: {@code 302} and {@code location}. */
    void redirect(String location) {
        status = HttpServletResponse.SC_FOUND;
        headers.set("location", location);
    }

    /** Sets {@code name} to {@code value}, or removes it for {@code null}. */
    void set(String name, String value) {
        if (special(name, value)) {
            return;
        }
        if (value == null) {
            headers.remove(name);
        } else {
            headers.set(name, value);
        }
    }

    void add(String name, String value) {
        if (value != null && !special(name, value)) {
            headers.add(name, value);
        }
    }

    /** Content-Type and Content-Length live in their own fields. */
    private boolean special(String name, String value) {
        if (name.equalsIgnoreCase("content-type")) {
            contentType(value);
            return true;
        }
        if (name.equalsIgnoreCase("content-length")) {
            contentLength = value == null ? -1 : Long.parseLong(value.trim());
            return true;
        }
        return false;
    }

    String get(String name) {
        if (name.equalsIgnoreCase("content-type")) {
            return contentType();
        }
        if (name.equalsIgnoreCase("content-length")) {
            return contentLength < 0 ? null : Long.toString(contentLength);
        }
        return headers.first(name).orElse(null);
    }

    Collection<String> all(String name) {
        String single = name.equalsIgnoreCase("content-type") || name.equalsIgnoreCase("content-length") ? get(name) : null;
        return single != null ? new ArrayList<>(List.of(single)) : new ArrayList<>(headers.values(name));
    }

    Collection<String> names() {
        Collection<String> names = new LinkedHashSet<>();
        for (HeaderField field : headers.fields()) {
            names.add(field.name());
        }
        if (contentType() != null) {
            names.add("content-type");
        }
        if (contentLength >= 0) {
            names.add("content-length");
        }
        return names;
    }

    long contentLength() {
        return contentLength;
    }

    void contentLength(long length) {
        contentLength = length;
    }

    /** Sets the content type; its charset becomes the character encoding unless a writer fixed that. */
    void contentType(String type) {
        ContentType parsed = ContentType.parse(type);
        if (parsed == null) {
            mediaType = null;
            declaredType = null;
            return;
        }
        mediaType = parsed.mediaType();
        if (parsed.charset() != null && !writerOpen.getAsBoolean()) {
            characterEncoding = parsed.charset();
        }
        declaredType = Objects.equals(parsed.charset(), characterEncoding) ? type : null;
    }

    /**
     * The content type: as set (an upstream's {@code multipart/mixed; boundary="a b"} stays byte for byte),
     * unless the character encoding changed since, which the value must then name.
     */
    String contentType() {
        if (mediaType == null) {
            return null;
        }
        if (declaredType != null) {
            return declaredType;
        }
        return characterEncoding == null ? mediaType : mediaType + ";charset=" + characterEncoding;
    }

    /** The character encoding the application declared, or {@code null}. */
    String characterEncoding() {
        return characterEncoding;
    }

    /** Declares the character encoding, unless a writer fixed it. */
    void characterEncoding(String charset) {
        if (!writerOpen.getAsBoolean()) {
            if (!Objects.equals(charset, characterEncoding)) {
                declaredType = null;
            }
            characterEncoding = charset;
        }
    }

    /** The locale the application set, or {@code null}; it is also the {@code content-language}. */
    Locale locale() {
        return locale;
    }

    void locale(Locale locale) {
        this.locale = locale;
        headers.set("content-language", locale.toLanguageTag());
    }

    /** Back to a fresh response's head: the application called {@code reset()}. */
    void reset() {
        status = HttpServletResponse.SC_OK;
        headers.replaceAll(new ArrayList<>());
        mediaType = null;
        characterEncoding = null;
        declaredType = null;
        contentLength = -1;
        locale = null;
    }
}
