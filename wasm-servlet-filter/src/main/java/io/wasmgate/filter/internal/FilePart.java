package io.wasmgate.filter.internal;

import jakarta.servlet.http.Part;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import org.apache.commons.fileupload2.core.DiskFileItem;
import org.apache.commons.fileupload2.core.FileItemHeaders;

/** One part of a multipart body parsed behind the filter, as the servlet API presents parts. */
final class FilePart implements Part {
    private final DiskFileItem item;
    private final Path location;

    /** @param location where {@link #write(String)} puts a relative file name (the multipart config's location) */
    FilePart(DiskFileItem item, Path location) {
        this.item = item;
        this.location = location;
    }

    @Override
    public InputStream getInputStream() throws IOException {
        return item.getInputStream();
    }

    @Override
    public String getContentType() {
        return item.getContentType();
    }

    @Override
    public String getName() {
        return item.getFieldName();
    }

    @Override
    public String getSubmittedFileName() {
        return item.getName();
    }

    @Override
    public long getSize() {
        return item.getSize();
    }

    @Override
    public void write(String fileName) throws IOException {
        Path target = Path.of(fileName);
        item.write(target.isAbsolute() ? target : location.resolve(target));
    }

    @Override
    public void delete() throws IOException {
        item.delete();
    }

    @Override
    public String getHeader(String name) {
        FileItemHeaders headers = item.getHeaders();
        return headers == null ? null : headers.getHeader(name);
    }

    @Override
    public Collection<String> getHeaders(String name) {
        return list(item.getHeaders() == null ? null : item.getHeaders().getHeaders(name));
    }

    @Override
    public Collection<String> getHeaderNames() {
        return list(item.getHeaders() == null ? null : item.getHeaders().getHeaderNames());
    }

    /** A form field (no file name): its value is also a request parameter. */
    boolean isFormField() {
        return item.isFormField();
    }

    String text(java.nio.charset.Charset fallback) throws IOException {
        return item.getString(item.getCharset() != null ? item.getCharset() : fallback);
    }

    private static Collection<String> list(Iterator<String> values) {
        List<String> list = new ArrayList<>();
        if (values != null) {
            values.forEachRemaining(list::add);
        }
        return list;
    }
}
