package io.wasmgate.boot;

import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/** A plain Spring Boot 3 MVC and WebSocket application with the proxy-wasm filter in front of it. */
@SpringBootApplication
public class BootTestApplication {
    public static void main(String[] args) {
        SpringApplication.run(BootTestApplication.class, args);
    }

    /** How many uploads reached the controller: a refused one must not. */
    @Bean
    AtomicInteger uploads() {
        return new AtomicInteger();
    }
}
