package io.wasmgate.examples.boot2;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;

/**
 * An MVC controller: synchronous answers (text, and JSON by Boot's Jackson) and one completed later from
 * another thread.
 */
@RestController
public class GreetingController {
    @GetMapping("/hello")
    String hello(@RequestHeader(name = "x-resumed", defaultValue = "no") String resumed) {
        return "hello, resumed=" + resumed;
    }

    @GetMapping("/answer")
    String answer(@RequestHeader(name = "x-answer", defaultValue = "none") String answer) {
        return "answer=" + answer;
    }

    @GetMapping("/greeting.json")
    Map<String, String> greeting() {
        return Map.of("greeting", "hello");
    }

    @GetMapping("/deferred")
    DeferredResult<String> deferred() {
        DeferredResult<String> result = new DeferredResult<>();
        CompletableFuture.runAsync(() -> result.setResult("deferred hello"));
        return result;
    }
}
