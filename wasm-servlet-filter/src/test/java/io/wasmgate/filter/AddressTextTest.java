package io.wasmgate.filter;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Addresses are written as Envoy writes them, whatever form the container gave. */
class AddressTextTest {
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
    void anAddressWithItsPortIsWrittenAsEnvoyWritesIt(String containerAddress, String expected) {
        assertThat(AddressText.withPort(containerAddress, 8080)).isEqualTo(expected);
    }

    @Test
    void theAddressAloneHasNoBracketsAndAsAHostIPv6HasThem() {
        assertThat(AddressText.ip("[0:0:0:0:0:0:0:1]")).isEqualTo("::1");
        assertThat(AddressText.ip("10.0.0.1")).isEqualTo("10.0.0.1");
        assertThat(AddressText.host("0:0:0:0:0:0:0:1")).isEqualTo("[::1]");
        assertThat(AddressText.host("10.0.0.1")).isEqualTo("10.0.0.1");
    }
}
