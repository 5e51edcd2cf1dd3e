package io.wasmgate.filter.internal;

import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.Part;
import java.io.File;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.commons.fileupload2.core.DiskFileItem;
import org.apache.commons.fileupload2.core.DiskFileItemFactory;
import org.apache.commons.fileupload2.core.FileUploadException;
import org.apache.commons.fileupload2.core.FileUploadSizeException;

/**
 * A {@code multipart/form-data} body parsed from the request as the plugins let it through (Commons
 * FileUpload over the filter's body stream), never from the client's raw body: no part reaches the
 * application around the plugins. The container's multipart configuration of the target servlet sets
 * the limits (sizes, memory threshold, location), as the container's own parser would.
 */
final class MultipartBody {
    /** Parts at most in one body, as a bound on parsing work. */
    static final long MAX_PARTS = 1000;

    private final List<FilePart> parts;

    private MultipartBody(List<FilePart> parts) {
        this.parts = parts;
    }

    /**
     * Parses {@code request}'s body (the wrapper whose input stream is the plugins' output).
     *
     * @throws IllegalStateException if the servlet has no multipart configuration, or a limit is exceeded
     *     (the message says "exceeds its maximum permitted size", as the containers do)
     * @throws IOException if the body cannot be read (the client went away, or a plugin answered)
     */
    static MultipartBody parse(HttpServletRequest request) throws IOException {
        MultipartConfigElement config = MultipartConfigLookup.find(request).orElseThrow(() -> new IllegalStateException(
                "unable to process parts: no multipart configuration was provided for this servlet"));
        Path location = location(request.getServletContext(), config);
        DiskFileItemFactory factory = DiskFileItemFactory.builder().setPath(location)
                .setBufferSize(Math.max(1, config.getFileSizeThreshold())).get();
        try {
            List<FilePart> parts = new ArrayList<>();
            for (DiskFileItem item : MultipartParser.parse(request, factory, config.getMaxFileSize(), config.getMaxRequestSize(),
                    MAX_PARTS)) {
                parts.add(new FilePart(item, location));
            }
            return new MultipartBody(Collections.unmodifiableList(parts));
        } catch (FileUploadSizeException e) {
            throw new IllegalStateException("the multipart request exceeds its maximum permitted size: " + e.getMessage(), e);
        } catch (FileUploadException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException("the multipart body cannot be parsed: " + e.getMessage(), e);
        }
    }

    private static Path location(ServletContext context, MultipartConfigElement config) {
        Object temp = context.getAttribute(ServletContext.TEMPDIR);
        Path base = temp instanceof File dir ? dir.toPath() : Path.of(System.getProperty("java.io.tmpdir"));
        String configured = config.getLocation();
        if (configured == null || configured.isEmpty()) {
            return base;
        }
        Path path = Path.of(configured);
        return path.isAbsolute() ? path : base.resolve(path);
    }

    List<Part> parts() {
        return Collections.unmodifiableList(parts);
    }

    /** Adds the form fields (parts without a file name) to {@code parameters}, as the containers do. */
    void addFormFields(Map<String, List<String>> parameters, Charset charset) throws IOException {
        for (FilePart part : parts) {
            if (part.isFormField()) {
                parameters.computeIfAbsent(part.getName(), name -> new ArrayList<>()).add(part.text(charset));
            }
        }
    }

    /** Deletes the parts' temporary files. */
    void delete() {
        for (FilePart part : parts) {
            try {
                part.delete();
            } catch (IOException e) {
                // A temporary file that is already gone needs no deleting.
            }
        }
    }
}
