package io.wasmgate.filter.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The {@code Content-Type} parsing both wrappers share, and its one rule for charsets. */
class ContentTypeTest {
    @Test
    void theCharsetIsSplitOffUnquotedAndTheOtherParametersStay() {
        ContentType type = ContentType.parse("multipart/form-data; charset=\"UTF-8\"; boundary=x");

        assertThat(type.mediaType()).isEqualTo("multipart/form-data;boundary=x");
        assertThat(type.charset()).isEqualTo("UTF-8");
        assertThat(type.is("Multipart/Form-Data")).isTrue();
        assertThat(ContentType.parse(" text/plain ")).isEqualTo(new ContentType("text/plain", null));
        assertThat(ContentType.parse(null)).isNull();
    }

    @Test
    void anUnknownCharsetIsKeptByNameAndFailsOnlyWhenUsed() throws Exception {
        assertThat(ContentType.parse("text/plain;charset=no-such-charset").charset()).isEqualTo("no-such-charset");
        assertThat(ContentType.charset("utf-8")).isEqualTo(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ContentType.charset("no-such-charset")).isInstanceOf(UnsupportedEncodingException.class);
        assertThatThrownBy(() -> ContentType.charset("not a name")).isInstanceOf(UnsupportedEncodingException.class);
    }
}
