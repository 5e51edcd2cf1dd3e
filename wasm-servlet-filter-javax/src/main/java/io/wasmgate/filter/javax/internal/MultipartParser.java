package io.wasmgate.filter.javax.internal;

import java.util.List;
import javax.servlet.http.HttpServletRequest;
import org.apache.commons.fileupload2.core.DiskFileItem;
import org.apache.commons.fileupload2.core.DiskFileItemFactory;
import org.apache.commons.fileupload2.core.FileUploadException;
import org.apache.commons.fileupload2.javax.JavaxServletDiskFileUpload;

/** Commons FileUpload for this servlet API (each variant of the filter has its own). */
final class MultipartParser {
    private MultipartParser() {}

    /** The items of {@code request}'s multipart body, read through its input stream. */
    static List<DiskFileItem> parse(HttpServletRequest request, DiskFileItemFactory factory, long fileSizeMax, long sizeMax,
            long fileCountMax) throws FileUploadException {
        JavaxServletDiskFileUpload upload = new JavaxServletDiskFileUpload(factory);
        upload.setFileSizeMax(fileSizeMax);
        upload.setSizeMax(sizeMax);
        upload.setFileCountMax(fileCountMax);
        return upload.parseRequest(request);
    }
}
