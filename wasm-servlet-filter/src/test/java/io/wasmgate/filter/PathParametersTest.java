package io.wasmgate.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** What the plugins see of a normalised path's {@code ;} parameters under each setting. */
class PathParametersTest {
    @ParameterizedTest
    @CsvSource({
            "/app;x=1/admin, /app/admin",
            "/app/admin;jsessionid=0A1B, /app/admin",
            "/a;x;y=2/b;z/c, /a/b/c",
            "/app/admin;/, /app/admin/",
            "/app/admin;, /app/admin",
            "/;x, /",
            "/app/x%3By/admin, /app/x%3By/admin",
            "/app/admin, /app/admin"})
    void stripRemovesEveryParameterAsAContainerMapsThePath(String path, String expected) {
        assertThat(PathParameters.STRIP.apply(path)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/;x/admin", "/app/;x/admin", "/app/;/admin"})
    void stripRefusesASegmentThatIsOnlyAParameter(String path) {
        // What would be left, /app//admin, containers merge into /app/admin.
        assertThatThrownBy(() -> PathParameters.STRIP.apply(path)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("an empty segment with a path parameter");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/app;x=1/admin", "/app/admin;jsessionid=0A1B", "/app/admin;"})
    void rejectRefusesAnyParameter(String path) {
        assertThatThrownBy(() -> PathParameters.REJECT.apply(path)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a path parameter");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/app;x=1/admin", "/app/;x/admin", "/app/admin;jsessionid=0A1B"})
    void keepLeavesThePathAsItIs(String path) {
        assertThat(PathParameters.KEEP.apply(path)).isSameAs(path);
    }

    @ParameterizedTest
    @EnumSource(PathParameters.class)
    void aPathWithoutParametersIsReturnedItself(PathParameters setting) {
        String path = "/app/x%3By/admin";

        assertThat(setting.apply(path)).isSameAs(path);
    }
}
