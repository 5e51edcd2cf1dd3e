package io.wasmgate.filter.config;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Fetches a module named by {@code module.url} (http or https), bounded in time and size. The caller
 * checks the bytes against the required sha256; nothing here trusts what it downloaded.
 */
final class ModuleDownloader {
    /** A module larger than this is refused (the largest real modules are a few MiB). */
    static final int MAX_BYTES = 64 * 1024 * 1024;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();

    private ModuleDownloader() {}

    /** The body of a {@code 200} answer to {@code GET url}. */
    static byte[] download(URI url) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(TIMEOUT).GET().build();
        HttpResponse<InputStream> response;
        try {
            response = CLIENT.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while downloading", e);
        }
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new IOException("the server answered " + response.statusCode());
            }
            byte[] bytes = body.readNBytes(MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                throw new IOException("the module is larger than " + (MAX_BYTES >> 20) + " MiB");
            }
            return bytes;
        }
    }
}
