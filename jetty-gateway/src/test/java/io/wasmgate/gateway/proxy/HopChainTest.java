package io.wasmgate.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.junit.jupiter.api.Test;

/** {@code Forwarded} and {@code Via} carry the client's values as sent, then this hop's. */
class HopChainTest {
    @Test
    void withoutTheHeaderFromTheClientTheFieldIsThisHopsValue() {
        assertThat(HopChain.appended(HttpHeader.FORWARDED, null, "by=\"a\"")).isEqualTo(new HttpField(HttpHeader.FORWARDED, "by=\"a\""));
        assertThat(HopChain.appended(HttpHeader.VIA, List.of(), "1.1 wasmgate").getValue()).isEqualTo("1.1 wasmgate");
    }

    @Test
    void theClientsForwardedValuesComeFirstAsSentQuotesIncluded() {
        List<HttpField> sent = List.of(new HttpField("Forwarded", "for=1.1.1.1;proto=https,for=\"[2001:db8::1]\""),
                new HttpField("forwarded", "for=3.3.3.3"));

        HttpField field = HopChain.appended(HttpHeader.FORWARDED, sent, "by=\"a\"");

        assertThat(field.getHeader()).isEqualTo(HttpHeader.FORWARDED);
        assertThat(field.getValue()).isEqualTo("for=1.1.1.1;proto=https,for=\"[2001:db8::1]\", for=3.3.3.3, by=\"a\"");
    }

    @Test
    void theClientsViaValuesComeFirstAsSentCommentsIncluded() {
        List<HttpField> sent = List.of(new HttpField("Via", "1.0 fred, 1.1 p.example.net (Apache/1.1; \"x, y\")"),
                new HttpField("Via", "HTTP/1.1  spaced"));

        HttpField field = HopChain.appended(HttpHeader.VIA, sent, "1.1 wasmgate");

        assertThat(field.getValue()).isEqualTo("1.0 fred, 1.1 p.example.net (Apache/1.1; \"x, y\"), HTTP/1.1  spaced, 1.1 wasmgate");
    }

    @Test
    void blankValuesFromTheClientAreLeftOut() {
        List<HttpField> sent = List.of(new HttpField("Via", ""), new HttpField("Via", "1.0 fred"), new HttpField("Via", "  "));

        assertThat(HopChain.appended(HttpHeader.VIA, sent, "1.1 wasmgate").getValue()).isEqualTo("1.0 fred, 1.1 wasmgate");
    }
}
