package io.wasmgate.examples.starter;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * An ordinary Spring MVC application: {@code wasmgate-spring-boot-starter} on the classpath and
 * {@code wasmgate.config} in {@code application.yaml} put the policies of {@code wasmgate.yaml} in front of
 * {@code /api/*}.
 */
@SpringBootApplication
public class StarterExampleApplication {
    public static void main(String[] args) {
        SpringApplication.run(StarterExampleApplication.class, args);
    }
}
