package io.wasmgate.filter.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class QuantitiesTest {
    @Test
    void durationsUseMillisecondsSecondsMinutesAndHours() {
        assertThat(Quantities.duration("250ms")).hasValue(Duration.ofMillis(250));
        assertThat(Quantities.duration("2s")).hasValue(Duration.ofSeconds(2));
        assertThat(Quantities.duration(" 1m ")).hasValue(Duration.ofMinutes(1));
        assertThat(Quantities.duration("1h")).hasValue(Duration.ofHours(1));
        assertThat(Quantities.duration("2")).isEmpty();
        assertThat(Quantities.duration("1.5s")).isEmpty();
        assertThat(Quantities.duration("-1s")).isEmpty();
        assertThat(Quantities.duration("1d")).isEmpty();
    }

    @Test
    void sizesUseBinaryUnitsOrPlainBytes() {
        assertThat(Quantities.size("512KiB")).hasValue(512 * 1024L);
        assertThat(Quantities.size("64MiB")).hasValue(64 * 1024 * 1024L);
        assertThat(Quantities.size("1GiB")).hasValue(1L << 30);
        assertThat(Quantities.size("100B")).hasValue(100);
        assertThat(Quantities.size("4096")).hasValue(4096);
        assertThat(Quantities.size("1MB")).isEmpty();
        assertThat(Quantities.size("lots")).isEmpty();
    }
}
