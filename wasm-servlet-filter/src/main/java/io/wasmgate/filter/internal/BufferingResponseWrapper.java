package io.wasmgate.filter.internal;

import io.wasmgate.abi.spi.Headers;
import io.wasmgate.abi.wire.HeaderField;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The response the application writes, held back from the container: status and headers are captured
 * until the first flush, a full buffer or the end, then offered to the plugins as response headers; body
 * bytes are collected up to the buffer size and handed to the run chunk by chunk. After the plugins
 * answered for the application (a local reply), everything it still writes is discarded.
 */
final class BufferingResponseWrapper extends HttpServletResponseWrapper {
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    private final FilterChainRun run;
    private final Headers headers = new Headers();
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private int status = SC_OK;
    private String mediaType;
    private String characterEncoding;
    private long contentLength = -1;
    private long bodyBytes;
    private boolean bodyClosed;
    private Locale locale;
    private Supplier<Map<String, String>> trailers;
    private int bufferSize;
    private ServletOutputStream stream;
    private PrintWriter writer;
    private boolean finished;
    private boolean draining;
    private boolean errorSent;

    BufferingResponseWrapper(HttpServletResponse response, FilterChainRun run) {
        super(response);
        this.run = run;
        this.bufferSize = Math.max(1024, response.getBufferSize());
    }

    // ---- what the run takes -----------------------------------------------------------------------

    /** Status and headers as the plugins see them: {@code :status} first, lower-case names. */
    Headers capturedHeaders() {
        Headers captured = new Headers().add(":status", Integer.toString(status));
        headers.fields().forEach(field -> captured.add(field.name(), field.value()));
        String type = getContentType();
        if (type != null) {
            captured.add("content-type", type);
        }
        if (contentLength >= 0) {
            captured.add("content-length", Long.toString(contentLength));
        }
        return captured;
    }

    /** The trailers the application supplied, or {@code null} if it set none. */
    Headers trailers() {
        if (trailers == null) {
            return null;
        }
        Map<String, String> fields = trailers.get();
        if (fields == null || fields.isEmpty()) {
            return null;
        }
        Headers captured = new Headers();
        fields.forEach(captured::add);
        return captured;
    }

    /** Body bytes written since the last take, after pushing out what the writer still encodes. */
    byte[] takePending() {
        if (writer != null) {
            draining = true;
            writer.flush();
            draining = false;
        }
        byte[] bytes = pending.toByteArray();
        pending.reset();
        return bytes;
    }

    /**
     * The container renders the error page the application asked for, in an error dispatch through the
     * filter: its output is this response's body from the start, after the status the application sent.
     */
    void startErrorPage() {
        errorSent = false;
        bodyClosed = false;
        pending.reset();
        bodyBytes = 0;
        contentLength = -1;
        stream = null;
        writer = null;
        trailers = null;
    }

    /** Runs an application's write listener on a container thread of its async cycle. */
    void onContainerThread(Runnable callback) {
        run.onContainerThread(callback);
    }

    /** From now on the application writes into the void: a plugin answered instead. */
    void discard() {
        finished = true;
        pending.reset();
    }

    // ---- the body ---------------------------------------------------------------------------------

    void append(byte[] bytes, int offset, int length) throws IOException {
        if (finished) {
            run.checkNotReset();
            return;
        }
        if (errorSent) {
            return;
        }
        if (bodyClosed && !draining) {
            throw new IOException("the response body is complete: it was closed or reached its Content-Length");
        }
        pending.write(bytes, offset, length);
        bodyBytes += length;
        if (reachedDeclaredLength()) {
            closeBody();
        } else if (pending.size() >= bufferSize) {
            run.responseWrite(takePending());
        }
    }

    /**
     * {@code true} once the bytes written match the declared {@code Content-Length}: the body is complete
     * (the container would end the response here too), so its last chunk reaches the plugins with
     * {@code end_of_stream}, as Envoy's codec delivers it. Not for a writer still encoding, or a response
     * that announced trailers.
     */
    private boolean reachedDeclaredLength() {
        return contentLength >= 0 && bodyBytes == contentLength && writer == null && trailers == null;
    }

    void flushPending() throws IOException {
        if (!finished && !draining && !bodyClosed && !errorSent) {
            run.responseFlush(takePending());
        }
    }

    void closeBody() throws IOException {
        if (!finished && !bodyClosed && !errorSent) {
            bodyClosed = true;
            run.responseClose();
        }
    }

    @Override
    public ServletOutputStream getOutputStream() {
        if (writer != null) {
            throw new IllegalStateException("getWriter() was already called on this response");
        }
        if (stream == null) {
            stream = new ResponseBodyStream(this);
        }
        return stream;
    }

    @Override
    public PrintWriter getWriter() {
        if (stream != null && writer == null) {
            throw new IllegalStateException("getOutputStream() was already called on this response");
        }
        if (writer == null) {
            if (characterEncoding == null) {
                characterEncoding = getCharacterEncoding();
            }
            stream = new ResponseBodyStream(this);
            writer = new PrintWriter(new OutputStreamWriter(stream, charset(characterEncoding)), false);
        }
        return writer;
    }

    @Override
    public void flushBuffer() throws IOException {
        if (writer != null) {
            writer.flush();
        } else {
            flushPending();
        }
    }

    @Override
    public void setBufferSize(int size) {
        if (pending.size() > 0 || isCommitted()) {
            throw new IllegalStateException("setBufferSize() after content was written");
        }
        bufferSize = Math.max(1024, size);
    }

    @Override
    public int getBufferSize() {
        return bufferSize;
    }

    /**
     * Once the plugins answered instead (or reset the stream), the application's response is gone: it is
     * not committed from its point of view, so its error handling writes into the void quietly instead of
     * logging that the response was committed. After {@code sendError} it is, as on the container.
     */
    @Override
    public boolean isCommitted() {
        return !finished && (errorSent || run.responseStarted());
    }

    @Override
    public void resetBuffer() {
        if (isCommitted()) {
            throw new IllegalStateException("the response is already committed");
        }
        bodyBytes -= pending.size();
        pending.reset();
    }

    @Override
    public void reset() {
        resetBuffer();
        status = SC_OK;
        headers.replaceAll(new ArrayList<>());
        mediaType = null;
        characterEncoding = null;
        contentLength = -1;
        locale = null;
        stream = null;
        writer = null;
    }

    // ---- status -----------------------------------------------------------------------------------

    @Override
    public void setStatus(int sc) {
        if (!isCommitted()) {
            status = sc;
        }
    }

    @Override
    public int getStatus() {
        return status;
    }

    /**
     * The container renders its error page (or the framework's) for the status, in an error dispatch the
     * plugins see like any response, when the run can wait for it; otherwise the status is captured and
     * the body is empty.
     */
    @Override
    public void sendError(int sc, String msg) throws IOException {
        if (sc < 0) {
            run.applicationAborted();
            return;
        }
        if (isCommitted()) {
            throw new IllegalStateException("sendError() after the response was committed");
        }
        if (finished) {
            return;
        }
        pending.reset();
        status = sc;
        if (run.errorPageRequested(sc, msg)) {
            errorSent = true;
        } else {
            closeBody();
        }
    }

    @Override
    public void sendError(int sc) throws IOException {
        sendError(sc, null);
    }

    @Override
    public void sendRedirect(String location) throws IOException {
        if (isCommitted()) {
            throw new IllegalStateException("sendRedirect() after the response was committed");
        }
        pending.reset();
        status = SC_FOUND;
        headers.set("location", location);
        closeBody();
    }

    // ---- headers ----------------------------------------------------------------------------------

    @Override
    public void setHeader(String name, String value) {
        if (isCommitted() || special(name, value)) {
            return;
        }
        if (value == null) {
            headers.remove(name);
        } else {
            headers.set(name, value);
        }
    }

    @Override
    public void addHeader(String name, String value) {
        if (isCommitted() || value == null || special(name, value)) {
            return;
        }
        headers.add(name, value);
    }

    /** Content-Type and Content-Length live in their own fields, as the servlet API treats them. */
    private boolean special(String name, String value) {
        if (name.equalsIgnoreCase("content-type")) {
            setContentType(value);
            return true;
        }
        if (name.equalsIgnoreCase("content-length")) {
            contentLength = value == null ? -1 : Long.parseLong(value.trim());
            return true;
        }
        return false;
    }

    @Override
    public void setIntHeader(String name, int value) {
        setHeader(name, Integer.toString(value));
    }

    @Override
    public void addIntHeader(String name, int value) {
        addHeader(name, Integer.toString(value));
    }

    @Override
    public void setDateHeader(String name, long date) {
        setHeader(name, HTTP_DATE.format(Instant.ofEpochMilli(date)));
    }

    @Override
    public void addDateHeader(String name, long date) {
        addHeader(name, HTTP_DATE.format(Instant.ofEpochMilli(date)));
    }

    @Override
    public boolean containsHeader(String name) {
        return getHeader(name) != null;
    }

    @Override
    public String getHeader(String name) {
        if (name.equalsIgnoreCase("content-type")) {
            return getContentType();
        }
        if (name.equalsIgnoreCase("content-length")) {
            return contentLength < 0 ? null : Long.toString(contentLength);
        }
        return headers.first(name).orElse(null);
    }

    @Override
    public Collection<String> getHeaders(String name) {
        String single = name.equalsIgnoreCase("content-type") || name.equalsIgnoreCase("content-length") ? getHeader(name) : null;
        return single != null ? new ArrayList<>(List.of(single)) : new ArrayList<>(headers.values(name));
    }

    @Override
    public Collection<String> getHeaderNames() {
        Collection<String> names = new LinkedHashSet<>();
        for (HeaderField field : headers.fields()) {
            names.add(field.name());
        }
        if (getContentType() != null) {
            names.add("content-type");
        }
        if (contentLength >= 0) {
            names.add("content-length");
        }
        return names;
    }

    @Override
    public void addCookie(Cookie cookie) {
        addHeader("set-cookie", SetCookie.format(cookie));
    }

    @Override
    public void setContentLength(int len) {
        setContentLengthLong(len);
    }

    @Override
    public void setContentLengthLong(long len) {
        if (!isCommitted()) {
            contentLength = len;
        }
    }

    @Override
    public void setContentType(String type) {
        if (isCommitted()) {
            return;
        }
        if (type == null) {
            mediaType = null;
            return;
        }
        if (type.indexOf(';') < 0) {
            mediaType = type.trim();
            return;
        }
        String charsetParam = parameter(type, "charset");
        mediaType = withoutCharset(type);
        if (charsetParam != null && writer == null) {
            characterEncoding = charsetParam;
        }
    }

    @Override
    public String getContentType() {
        if (mediaType == null) {
            return null;
        }
        return characterEncoding == null ? mediaType : mediaType + ";charset=" + characterEncoding;
    }

    @Override
    public void setCharacterEncoding(String charset) {
        if (!isCommitted() && writer == null) {
            characterEncoding = charset;
        }
    }

    @Override
    public String getCharacterEncoding() {
        return characterEncoding != null ? characterEncoding : super.getCharacterEncoding();
    }

    @Override
    public void setLocale(Locale loc) {
        if (!isCommitted() && loc != null) {
            locale = loc;
            headers.set("content-language", loc.toLanguageTag());
        }
    }

    @Override
    public Locale getLocale() {
        return locale != null ? locale : super.getLocale();
    }

    @Override
    public void setTrailerFields(Supplier<Map<String, String>> supplier) {
        trailers = supplier;
    }

    @Override
    public Supplier<Map<String, String>> getTrailerFields() {
        return trailers;
    }

    private static String withoutCharset(String type) {
        StringBuilder kept = new StringBuilder();
        for (String part : type.split(";")) {
            if (!part.trim().toLowerCase(Locale.ROOT).startsWith("charset=")) {
                kept.append(kept.length() == 0 ? "" : ";").append(part.trim());
            }
        }
        return kept.toString();
    }

    private static String parameter(String type, String name) {
        String[] parts = type.split(";");
        for (int i = 1; i < parts.length; i++) {
            String part = parts[i];
            String[] pair = part.trim().split("=", 2);
            if (pair.length == 2 && pair[0].trim().equalsIgnoreCase(name)) {
                return pair[1].trim().replace("\"", "");
            }
        }
        return null;
    }

    private static Charset charset(String name) {
        try {
            return Charset.forName(name);
        } catch (IllegalArgumentException e) {
            return StandardCharsets.ISO_8859_1;
        }
    }
}
