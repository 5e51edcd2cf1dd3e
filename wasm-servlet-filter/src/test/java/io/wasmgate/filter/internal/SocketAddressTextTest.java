package io.wasmgate.filter.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code source.address} and {@code destination.address} are written as Envoy writes them, whatever the container gave. */
class SocketAddressTextTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "127.0.0.1 | 127.0.0.1:8080",
        "0:0:0:0:0:0:0:1 | [::1]:8080",
        "[0:0:0:0:0:0:0:1] | [::1]:8080",
        "::1 | [::1]:8080",
        "0:0:0:0:0:0:0:0 | [::]:8080",
        "1:0:0:0:0:0:0:0 | [1::]:8080",
        "2001:0DB8:0000:0000:0000:0000:0002:0001 | [2001:db8::2:1]:8080",
        "2001:db8:0:0:1:0:0:1 | [2001:db8::1:0:0:1]:8080",
        "2001:db8:0:0:0:1:0:0 | [2001:db8::1:0:0]:8080",
        "2001:db8:0:1:1:1:1:1 | [2001:db8:0:1:1:1:1:1]:8080",
        "1:0:0:2:0:0:0:3 | [1:0:0:2::3]:8080",
        "fe80:0:0:0:0:0:0:1%2 | [fe80::1%2]:8080",
        "not:an:address | [not:an:address]:8080",
        "1:2:3 | [1:2:3]:8080",
    })
    void anAddressIsWrittenAsEnvoyWritesIt(String containerAddress, String expected) {
        assertThat(SocketAddressText.of(containerAddress, 8080)).isEqualTo(expected);
    }
}
