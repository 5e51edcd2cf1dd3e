package io.wasmgate.examples.starter;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/** Greets the caller by the name api-key found for the caller's key. */
@RestController
public class GreetingController {
    @GetMapping("/api/hello")
    public String hello(@RequestHeader(name = "x-api-key-name", defaultValue = "nobody") String caller) {
        return "hello, " + caller;
    }
}
