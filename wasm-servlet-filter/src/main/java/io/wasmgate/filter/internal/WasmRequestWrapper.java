package io.wasmgate.filter.internal;

import io.wasmgate.abi.spi.Headers;
import io.wasmgate.abi.wire.HeaderField;
import io.wasmgate.filter.HeaderFieldSource;
import io.wasmgate.filter.PathNormalizer;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.Part;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.UnsupportedEncodingException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * The request the application sees: method, path, query, authority, scheme and headers as the plugins
 * left them in the (live) request header map, the body through {@link RequestBodyStream}, parameters
 * from that query and body, multipart parts parsed from the body the plugins let through (never the
 * client's raw body), trailers as the plugins left them, and async contexts that tell the run when the
 * application completes. A proxy behind the filter can copy the headers in one pass, in the order the
 * plugins left them ({@link HeaderFieldSource}).
 */
final class WasmRequestWrapper extends HttpServletRequestWrapper implements HeaderFieldSource {
    private static final String[] FRAMING = {"content-length", "transfer-encoding"};

    private final FilterChainRun run;
    private final Headers headers;
    /** The container's header names, lower-cased, as the run read them when it built {@link #headers}. */
    private final List<String> clientHeaderNames;
    private final RequestFraming framing;
    private final int unchanged;
    private final String originalPath;
    private final String originalAuthority;
    /** Whether {@code :path} is the normalised form of a path the client sent otherwise: the application gets it. */
    private final boolean normalised;
    private BufferedReader reader;
    private boolean streamUsed;
    private Map<String, String[]> parameters;
    private MultipartBody multipart;

    WasmRequestWrapper(HttpServletRequest request, FilterChainRun run, Headers headers, List<String> clientHeaderNames,
            RequestFraming framing) {
        super(request);
        this.run = run;
        this.headers = headers;
        this.clientHeaderNames = clientHeaderNames;
        this.framing = framing;
        this.unchanged = headers.changes();
        this.originalPath = pseudo(":path");
        this.originalAuthority = pseudo(":authority");
        this.normalised = !isTarget(originalPath, request.getRequestURI(), request.getQueryString());
    }

    private String pseudo(String name) {
        return headers.first(name).orElse("");
    }

    /** Whether {@code path} is {@code uri}, then {@code ?} and {@code query} if there is one. */
    private static boolean isTarget(String path, String uri, String query) {
        if (query == null) {
            return path.equals(uri);
        }
        return path.length() == uri.length() + 1 + query.length() && path.startsWith(uri)
                && path.charAt(uri.length()) == '?' && path.endsWith(query);
    }

    /** Whether the application gets {@code :path} rather than the container's own: normalised, or rewritten by a plugin. */
    private boolean pathChanged() {
        return normalised || !headersUnchanged() && !pseudo(":path").equals(originalPath);
    }

    private boolean authorityChanged() {
        return !headersUnchanged() && !pseudo(":authority").equals(originalAuthority);
    }

    // ---- request line -----------------------------------------------------------------------------

    @Override
    public String getMethod() {
        if (headersUnchanged()) {
            return super.getMethod();
        }
        return headers.first(":method").orElseGet(super::getMethod);
    }

    @Override
    public String getRequestURI() {
        if (!pathChanged()) {
            return super.getRequestURI();
        }
        String path = pseudo(":path");
        int query = path.indexOf('?');
        return query < 0 ? path : path.substring(0, query);
    }

    @Override
    public String getQueryString() {
        if (!pathChanged()) {
            return super.getQueryString();
        }
        String path = pseudo(":path");
        int query = path.indexOf('?');
        return query < 0 ? null : path.substring(query + 1);
    }

    /** The context's own path: a request for {@code /%61pp/x} is one for {@code /app/x}, as the plugins saw it. */
    @Override
    public String getContextPath() {
        return pathChanged() ? getServletContext().getContextPath() : super.getContextPath();
    }

    @Override
    public StringBuffer getRequestURL() {
        return new StringBuffer(getScheme()).append("://").append(pseudo(":authority")).append(getRequestURI());
    }

    /** A rewritten path shows up as the path info below the servlet the container mapped. */
    @Override
    public String getPathInfo() {
        if (!pathChanged()) {
            return super.getPathInfo();
        }
        String uri = getRequestURI();
        String context = getContextPath();
        String rest = PathNormalizer.decode(uri.startsWith(context) ? uri.substring(context.length()) : uri);
        String servlet = getServletPath();
        if (!servlet.isEmpty() && rest.startsWith(servlet)
                && (rest.length() == servlet.length() || rest.charAt(servlet.length()) == '/')) {
            rest = rest.substring(servlet.length());
        }
        return rest.isEmpty() ? null : rest;
    }

    @Override
    public String getServerName() {
        if (!authorityChanged()) {
            return super.getServerName();
        }
        String authority = pseudo(":authority");
        int colon = authority.lastIndexOf(':');
        return colon > authority.lastIndexOf(']') ? authority.substring(0, colon) : authority;
    }

    @Override
    public int getServerPort() {
        if (!authorityChanged()) {
            return super.getServerPort();
        }
        String authority = pseudo(":authority");
        int colon = authority.lastIndexOf(':');
        if (colon > authority.lastIndexOf(']')) {
            try {
                return Integer.parseInt(authority.substring(colon + 1));
            } catch (NumberFormatException e) {
                return super.getServerPort();
            }
        }
        return "https".equals(getScheme()) ? 443 : 80;
    }

    @Override
    public String getScheme() {
        if (headersUnchanged()) {
            return super.getScheme();
        }
        return headers.first(":scheme").orElseGet(super::getScheme);
    }

    // ---- headers ----------------------------------------------------------------------------------

    /**
     * {@code true} while no plugin wrote to the request header map, which then says what the
     * container's request says: the request line and the headers are read from the container, without
     * looking them up in the map.
     */
    private boolean headersUnchanged() {
        return headers.changes() == unchanged;
    }

    /**
     * {@code true} while the container's {@code Content-Length} and {@code Transfer-Encoding} describe
     * the body the application reads: no plugin sees the body and none touched the headers.
     */
    private boolean framedAsTheClientSent() {
        return !framing.editable() && headersUnchanged();
    }

    /** {@code true} once the application asked for the body (stream, reader, form or multipart parameters). */
    boolean bodyOpened() {
        return streamUsed || reader != null;
    }

    private static boolean isFraming(String name) {
        return name.equalsIgnoreCase("content-length") || name.equalsIgnoreCase("transfer-encoding");
    }

    /** The framing header {@code name} as {@link RequestFraming} says the body is framed, or {@code null}. */
    private String framingHeader(String name) {
        if (name.equalsIgnoreCase("content-length")) {
            long length = framing.length();
            return length < 0 ? null : Long.toString(length);
        }
        return framing.chunked() ? "chunked" : null;
    }

    @Override
    public String getHeader(String name) {
        if (framedAsTheClientSent()) {
            return super.getHeader(name);
        }
        if (isFraming(name)) {
            return framingHeader(name);
        }
        if (headersUnchanged()) {
            return super.getHeader(name);
        }
        return headers.first(key(name)).orElse(null);
    }

    @Override
    public Enumeration<String> getHeaders(String name) {
        if (framedAsTheClientSent()) {
            return super.getHeaders(name);
        }
        if (isFraming(name)) {
            String value = framingHeader(name);
            return Collections.enumeration(value == null ? List.of() : List.of(value));
        }
        if (headersUnchanged()) {
            return super.getHeaders(name);
        }
        return Collections.enumeration(headers.values(key(name)));
    }

    @Override
    public Enumeration<String> getHeaderNames() {
        if (framedAsTheClientSent()) {
            return super.getHeaderNames();
        }
        // A proxy behind the filter asks for the names of every request: they are collected in a list (a
        // handful of names, each added once), leaving out pseudo-headers and framing headers as they come.
        List<String> names = new ArrayList<>();
        if (headersUnchanged()) {
            // The container's names were read with the map and do not change: it is not asked again.
            for (int i = 0; i < clientHeaderNames.size(); i++) {
                addHeaderName(names, clientHeaderNames.get(i));
            }
        } else {
            for (HeaderField field : headers.fields()) {
                String name = field.name().equals(":authority") ? "host" : field.name();
                if (!name.startsWith(":")) {
                    addHeaderName(names, name);
                }
            }
        }
        for (String name : FRAMING) {
            if (framingHeader(name) != null) {
                names.add(name);
            }
        }
        return Collections.enumeration(names);
    }

    /**
     * The fields {@link #getHeaderNames} and {@link #getHeaders} give, each where it stands: in the map's
     * order once a plugin wrote to it ({@code host} at {@code :authority}'s place), otherwise in the
     * container's; the framing headers the body has come last.
     */
    @Override
    public void forEachHeaderField(BiConsumer<String, String> field) {
        if (framedAsTheClientSent()) {
            forEachClientField(field);
            return;
        }
        if (headersUnchanged()) {
            forEachClientField((name, value) -> {
                if (!isFraming(name)) {
                    field.accept(name, value);
                }
            });
        } else {
            for (HeaderField header : headers.fields()) {
                String name = header.name();
                if (name.equals(":authority")) {
                    field.accept("host", header.value());
                } else if (!name.startsWith(":") && !name.equals("host") && !isFraming(name)) {
                    field.accept(name, header.value());
                }
            }
        }
        for (String name : FRAMING) {
            String value = framingHeader(name);
            if (value != null) {
                field.accept(name, value);
            }
        }
    }

    private void forEachClientField(BiConsumer<String, String> field) {
        RequestHeadersAdapter.forEachField((HttpServletRequest) getRequest(), field);
    }

    /** Adds {@code name} once; framing headers are the host's: {@link #framingHeader} says which the body has. */
    private static void addHeaderName(List<String> names, String name) {
        if (!isFraming(name) && !names.contains(name)) {
            names.add(name);
        }
    }

    /** {@code host} is {@code :authority}; other pseudo-headers are not headers. */
    private static String key(String name) {
        if (name.equalsIgnoreCase("host")) {
            return ":authority";
        }
        return name.startsWith(":") ? "\n" : name;
    }

    @Override
    public int getIntHeader(String name) {
        String value = getHeader(name);
        return value == null ? -1 : Integer.parseInt(value.trim());
    }

    @Override
    public long getDateHeader(String name) {
        String value = getHeader(name);
        if (value == null) {
            return -1;
        }
        try {
            return ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("header " + name + " is not an HTTP date: " + value, e);
        }
    }

    @Override
    public String getContentType() {
        return getHeader("content-type");
    }

    @Override
    public int getContentLength() {
        long length = getContentLengthLong();
        return length > Integer.MAX_VALUE ? -1 : (int) length;
    }

    @Override
    public long getContentLengthLong() {
        return framedAsTheClientSent() ? super.getContentLengthLong() : framing.length();
    }

    // ---- parameters -------------------------------------------------------------------------------

    @Override
    public String getParameter(String name) {
        String[] values = parameters().get(name);
        return values == null ? null : values[0];
    }

    @Override
    public Map<String, String[]> getParameterMap() {
        return Collections.unmodifiableMap(parameters());
    }

    @Override
    public Enumeration<String> getParameterNames() {
        return Collections.enumeration(parameters().keySet());
    }

    @Override
    public String[] getParameterValues(String name) {
        String[] values = parameters().get(name);
        return values == null ? null : values.clone();
    }

    /**
     * The query as the plugins left it, then a form body as they let it through (read, like the container
     * would, only if the application has not read the body itself).
     */
    private Map<String, String[]> parameters() {
        if (parameters == null) {
            Map<String, List<String>> collected = new LinkedHashMap<>();
            FormParameters.parse(getQueryString(), StandardCharsets.UTF_8, collected);
            if (isFormPost() && !streamUsed && reader == null) {
                try {
                    Charset charset = bodyCharset();
                    FormParameters.parse(new String(getInputStream().readAllBytes(), charset), charset, collected);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read the form parameters", e);
                }
            } else if (isMultipart() && (multipart != null || (!streamUsed && reader == null))
                    && MultipartConfigLookup.find(this).isPresent()) {
                try {
                    multipart().addFormFields(collected, getCharacterEncoding() == null ? StandardCharsets.UTF_8 : bodyCharset());
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read the multipart form fields", e);
                }
            }
            parameters = FormParameters.toArrays(collected);
        }
        return parameters;
    }

    private boolean isMultipart() {
        ContentType type = ContentType.parse(getContentType());
        return type != null && type.is("multipart/form-data");
    }

    // ---- multipart --------------------------------------------------------------------------------

    @Override
    public Collection<Part> getParts() throws IOException, ServletException {
        return multipart().parts();
    }

    @Override
    public Part getPart(String name) throws IOException, ServletException {
        for (Part part : multipart().parts()) {
            if (part.getName().equals(name)) {
                return part;
            }
        }
        return null;
    }

    private MultipartBody multipart() throws IOException {
        if (multipart == null) {
            if (!isMultipart()) {
                throw new IllegalStateException("the request is not multipart/form-data: " + getContentType());
            }
            multipart = MultipartBody.parse(this);
        }
        return multipart;
    }

    /** Deletes the temporary files of parsed parts: the exchange is over. */
    void deleteParts() {
        if (multipart != null) {
            multipart.delete();
        }
    }

    private boolean isFormPost() {
        ContentType type = ContentType.parse(getContentType());
        return "POST".equals(getMethod()) && type != null && type.is("application/x-www-form-urlencoded");
    }

    /** The declared encoding (see {@link ContentType}), else the servlet default ISO-8859-1. */
    private Charset bodyCharset() throws UnsupportedEncodingException {
        String encoding = getCharacterEncoding();
        return encoding == null ? StandardCharsets.ISO_8859_1 : ContentType.charset(encoding);
    }

    // ---- body and trailers ------------------------------------------------------------------------

    @Override
    public ServletInputStream getInputStream() {
        if (reader != null) {
            throw new IllegalStateException("getReader() was already called on this request");
        }
        streamUsed = true;
        return run.requestBody();
    }

    /** The body decoded with the declared encoding; one this JVM lacks fails here, as {@link ContentType} describes. */
    @Override
    public BufferedReader getReader() throws IOException {
        if (streamUsed && reader == null) {
            throw new IllegalStateException("getInputStream() was already called on this request");
        }
        if (reader == null) {
            reader = new BufferedReader(new InputStreamReader(run.requestBody(), bodyCharset()));
        }
        return reader;
    }

    @Override
    public Map<String, String> getTrailerFields() {
        return run.requestTrailers().orElseGet(super::getTrailerFields);
    }

    // ---- async ------------------------------------------------------------------------------------

    @Override
    public AsyncContext startAsync() {
        return run.applicationStartedAsync(super.startAsync(this, run.responseWrapper()));
    }

    @Override
    public AsyncContext startAsync(ServletRequest request, ServletResponse response) {
        return run.applicationStartedAsync(super.startAsync(request, response));
    }

    @Override
    public AsyncContext getAsyncContext() {
        Optional<AsyncContext> application = run.applicationAsyncContext();
        return application.isPresent() ? application.get() : super.getAsyncContext();
    }
}
