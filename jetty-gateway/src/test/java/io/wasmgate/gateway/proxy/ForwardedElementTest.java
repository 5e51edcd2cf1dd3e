package io.wasmgate.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import org.eclipse.jetty.http.HttpField;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** This hop's {@code Forwarded} element is written character for character as Jetty's proxy writes it. */
class ForwardedElementTest {
    /** Jetty's own element, as {@code AbstractProxyServlet.addForwardedHeader} builds it. */
    private static String jettys(String by, String forAddress, String host, String proto) {
        return "by=%s;for=%s;host=%s;proto=%s".formatted(HttpField.PARAMETER_TOKENIZER.quote(by),
                HttpField.PARAMETER_TOKENIZER.quote(forAddress), HttpField.PARAMETER_TOKENIZER.quote(host), proto);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
        "127.0.0.1 | 127.0.0.1 | api.example | http",
        "[::1] | [0:0:0:0:0:0:0:1] | [::1]:8443 | https",
        "NULL | NULL | 10.0.0.1:8080 | http",
        "10.0.0.1 | 10.0.0.2 | '' | http",
        "10.0.0.1 | 10.0.0.2 | 'a \"quoted\" host\\name' | http",
        "10.0.0.1 | 10.0.0.2 | 'host;with,delims and space' | http",
    })
    void anElementIsWhatJettyWrites(String by, String forAddress, String host, String proto) {
        assertThat(ForwardedElement.of(by, forAddress, host, proto)).isEqualTo(jettys(by, forAddress, host, proto));
    }
}
