package io.wasmgate.filter.internal;

import io.wasmgate.abi.spi.Headers;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The response the application writes, held back from the container: the {@link ResponseHead} is
 * captured until the first flush, a full buffer or the end, then offered to the plugins as response
 * headers; body bytes collect in the {@link ResponseBuffer} and go to the run chunk by chunk. After the
 * plugins answered for the application (a local reply), everything it still writes is discarded.
 */
final class BufferingResponseWrapper extends HttpServletResponseWrapper {
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    private final FilterChainRun run;
    private final ResponseBuffer buffer;
    private final ResponseHead head;
    private Supplier<Map<String, String>> trailers;
    private boolean finished;
    private boolean errorSent;

    BufferingResponseWrapper(HttpServletResponse response, FilterChainRun run) {
        super(response);
        this.run = run;
        this.buffer = new ResponseBuffer(this, response.getBufferSize());
        this.head = new ResponseHead(buffer::writerOpen);
    }

    // ---- what the run takes -----------------------------------------------------------------------

    /** Status and headers as the plugins see them: {@code :status} first, lower-case names. */
    Headers capturedHeaders() {
        return head.captured();
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
        return buffer.take();
    }

    /**
     * The container renders the error page the application asked for, in an error dispatch through the
     * filter: its output is this response's body from the start, after the status the application sent.
     */
    void startErrorPage() {
        errorSent = false;
        buffer.startOver();
        head.contentLength(-1);
        trailers = null;
    }

    /** Runs an application's write listener on a container thread of its async cycle. */
    void onContainerThread(Runnable callback) {
        run.onContainerThread(callback);
    }

    /** From now on the application writes into the void: a plugin answered instead. */
    void discard() {
        finished = true;
        buffer.discard();
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
        if (buffer.closed() && !buffer.draining()) {
            throw new IOException("the response body is complete: it was closed or reached its Content-Length");
        }
        buffer.write(bytes, offset, length);
        if (reachedDeclaredLength()) {
            closeBody();
        } else if (buffer.full()) {
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
        return head.contentLength() >= 0 && buffer.written() == head.contentLength() && !buffer.writerOpen()
                && trailers == null;
    }

    void flushPending() throws IOException {
        if (!finished && !buffer.draining() && !buffer.closed() && !errorSent) {
            run.responseFlush(takePending());
        }
    }

    void closeBody() throws IOException {
        if (!finished && !buffer.closed() && !errorSent) {
            buffer.close();
            run.responseClose();
        }
    }

    @Override
    public ServletOutputStream getOutputStream() {
        return buffer.outputStream();
    }

    /**
     * The writer, in the declared character encoding (or the container's default, which it then
     * declares); an encoding this JVM lacks fails here, as {@link ContentType} describes.
     */
    @Override
    public PrintWriter getWriter() throws IOException {
        buffer.checkWriterAllowed();
        if (!buffer.writerOpen()) {
            if (head.characterEncoding() == null) {
                head.characterEncoding(super.getCharacterEncoding());
            }
            String encoding = head.characterEncoding();
            buffer.openWriter(encoding == null ? StandardCharsets.ISO_8859_1 : ContentType.charset(encoding));
        }
        return buffer.writer();
    }

    @Override
    public void flushBuffer() throws IOException {
        if (buffer.writerOpen()) {
            buffer.writer().flush();
        } else {
            flushPending();
        }
    }

    @Override
    public void setBufferSize(int size) {
        if (!buffer.isEmpty() || isCommitted()) {
            throw new IllegalStateException("setBufferSize() after content was written");
        }
        buffer.size(size);
    }

    @Override
    public int getBufferSize() {
        return buffer.size();
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
        buffer.clear();
    }

    @Override
    public void reset() {
        resetBuffer();
        head.reset();
        buffer.forgetStreams();
    }

    // ---- status -----------------------------------------------------------------------------------

    @Override
    public void setStatus(int sc) {
        if (!isCommitted()) {
            head.status(sc);
        }
    }

    @Override
    public int getStatus() {
        return head.status();
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
        buffer.discard();
        head.status(sc);
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
        buffer.discard();
        head.redirect(location);
        closeBody();
    }

    // ---- headers ----------------------------------------------------------------------------------

    @Override
    public void setHeader(String name, String value) {
        if (!isCommitted()) {
            head.set(name, value);
        }
    }

    @Override
    public void addHeader(String name, String value) {
        if (!isCommitted()) {
            head.add(name, value);
        }
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
        return head.get(name) != null;
    }

    @Override
    public String getHeader(String name) {
        return head.get(name);
    }

    @Override
    public Collection<String> getHeaders(String name) {
        return head.all(name);
    }

    @Override
    public Collection<String> getHeaderNames() {
        return head.names();
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
            head.contentLength(len);
        }
    }

    @Override
    public void setContentType(String type) {
        if (!isCommitted()) {
            head.contentType(type);
        }
    }

    @Override
    public String getContentType() {
        return head.contentType();
    }

    @Override
    public void setCharacterEncoding(String charset) {
        if (!isCommitted()) {
            head.characterEncoding(charset);
        }
    }

    /** The encoding as declared, supported or not (see {@link ContentType}), else the container's default. */
    @Override
    public String getCharacterEncoding() {
        return head.characterEncoding() != null ? head.characterEncoding() : super.getCharacterEncoding();
    }

    @Override
    public void setLocale(Locale loc) {
        if (!isCommitted() && loc != null) {
            head.locale(loc);
        }
    }

    @Override
    public Locale getLocale() {
        return head.locale() != null ? head.locale() : super.getLocale();
    }

    @Override
    public void setTrailerFields(Supplier<Map<String, String>> supplier) {
        trailers = supplier;
    }

    @Override
    public Supplier<Map<String, String>> getTrailerFields() {
        return trailers;
    }
}
