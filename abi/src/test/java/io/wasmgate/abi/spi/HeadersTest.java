package io.wasmgate.abi.spi;

import static org.assertj.core.api.Assertions.assertThat;

import io.wasmgate.abi.wire.HeaderField;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeadersTest {

    @Test
    void namesAreLowerCasedOnEveryOperation() {
        Headers headers = new Headers().add("X-Trace", "1");
        assertThat(headers.first("x-TRACE")).contains("1");
        headers.set("X-TRACE", "2");
        assertThat(headers.fields()).containsExactly(new HeaderField("x-trace", "2"));
        headers.remove("X-Trace");
        assertThat(headers.size()).isZero();
    }

    @Test
    void changesCountEveryWriteAndNoRead() {
        Headers headers = new Headers().add("a", "1").add("b", "2");
        int built = headers.changes();
        headers.first("a");
        headers.values("b");
        headers.fields();
        headers.remove("absent");
        assertThat(headers.changes()).as("reads and a remove that removed nothing").isEqualTo(built);

        headers.set("a", "1");
        assertThat(headers.changes()).as("a set, even to the same value").isEqualTo(built + 1);
        headers.remove("b");
        headers.replaceAll(List.of());
        assertThat(headers.changes()).as("a remove and a replaceAll by nothing").isEqualTo(built + 3);
    }

    @Test
    void addKeepsDuplicatesAndFirstReturnsTheFirst() {
        Headers headers = new Headers().add("set-cookie", "a").add("set-cookie", "b");
        assertThat(headers.values("set-cookie")).containsExactly("a", "b");
        assertThat(headers.first("set-cookie")).contains("a");
    }

    @Test
    void setReplacesAllValuesInPlaceOfTheFirst() {
        Headers headers = new Headers().add("a", "1").add("b", "x").add("a", "2").add("c", "y");
        headers.set("a", "3");
        assertThat(headers.fields()).containsExactly(
                new HeaderField("a", "3"), new HeaderField("b", "x"), new HeaderField("c", "y"));
    }

    @Test
    void setAppendsAnAbsentName() {
        Headers headers = new Headers().add("a", "1");
        headers.set("b", "2");
        assertThat(headers.fields()).containsExactly(new HeaderField("a", "1"), new HeaderField("b", "2"));
    }

    @Test
    void byteSizeIsTheSumOfNameAndValueLengthsAsEnvoyReports() {
        Headers headers = new Headers().add(":path", "/abc").add("x", "");
        assertThat(headers.byteSize()).isEqualTo(5 + 4 + 1);
    }

    @Test
    void replaceAllSwapsTheWholeMap() {
        Headers headers = new Headers().add("old", "1");
        headers.replaceAll(List.of(new HeaderField("New", "2")));
        assertThat(headers.fields()).containsExactly(new HeaderField("new", "2"));
    }
}
