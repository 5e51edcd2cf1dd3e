package io.wasmgate.boot;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/** The endpoints of the usual kinds: multipart, query parameters only, JSON, async, streaming, failing. */
@RestController
@RequestMapping("/api")
public class ApiController {
    /** How many chunks {@code /api/stream} writes, each flushed on its own. */
    public static final int STREAM_CHUNKS = 5;

    private final AtomicInteger uploads;
    private final ObjectMapper json;

    public ApiController(AtomicInteger uploads, ObjectMapper json) {
        this.uploads = uploads;
        this.json = json;
    }

    /** POST is json-guard's, PUT passes it (see {@link WasmgateFilterConfiguration}). */
    @RequestMapping(path = "/upload", method = {RequestMethod.POST, RequestMethod.PUT})
    public Map<String, Object> upload(@RequestParam("file") MultipartFile file) throws IOException {
        uploads.incrementAndGet();
        return Map.of("size", file.getSize(), "content", new String(file.getBytes(), StandardCharsets.UTF_8));
    }

    /** Never reads the body: only the query string's parameter. */
    @PostMapping("/query-only")
    public Map<String, Object> queryOnly(@RequestParam("q") String q) {
        return Map.of("q", q);
    }

    /** Reads the body whatever its content type says, so json-guard always gets to see it. */
    @PostMapping("/json")
    public Map<String, Object> json(@RequestBody String body) throws IOException {
        return Map.of("name", json.readTree(body).path("name").asText());
    }

    /** {@link WasmgateFilterConfiguration#CHECKED_PATH}: shows the user the authorization service named. */
    @GetMapping("/checked")
    public Map<String, Object> checked(@RequestHeader(name = "x-auth-user", defaultValue = "") String user) {
        return Map.of("user", user);
    }

    /** Completed from another thread, as a callback of some service would. */
    @GetMapping("/deferred")
    public DeferredResult<Map<String, Object>> deferred() {
        DeferredResult<Map<String, Object>> result = new DeferredResult<>();
        CompletableFuture.runAsync(() -> result.setResult(Map.of("deferred", true)));
        return result;
    }

    @GetMapping(path = "/stream", produces = MediaType.TEXT_PLAIN_VALUE)
    public StreamingResponseBody stream() {
        return out -> {
            for (int i = 0; i < STREAM_CHUNKS; i++) {
                out.write(("chunk-" + i + "\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        };
    }

    @GetMapping("/boom")
    public Map<String, Object> boom() {
        throw new IllegalStateException("boom");
    }
}
