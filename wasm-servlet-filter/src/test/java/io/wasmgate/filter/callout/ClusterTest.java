package io.wasmgate.filter.callout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClusterTest {
    private static final Duration TWO_SECONDS = Duration.ofSeconds(2);

    private static Cluster cluster(String url, boolean http2, Duration connectTimeout, Duration timeout, int maxConnections) {
        return new Cluster("authz", URI.create(url), http2, connectTimeout, timeout, maxConnections);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:9000", "http://authz.internal", "https://authz.internal:8443/", "HTTP://Authz:80"})
    void aClusterUrlNamesAnHttpOrHttpsHost(String url) {
        assertThat(cluster(url, false, TWO_SECONDS, TWO_SECONDS, 1).url()).isEqualTo(URI.create(url));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://host", "host:9000", "http:///path", "http://host/api", "http://host?q=1", "http://host#f",
            "http://user@host"})
    void aUrlThatIsNotJustAnHttpHostIsRejectedNamingTheCluster(String url) {
        assertThatThrownBy(() -> cluster(url, false, TWO_SECONDS, TWO_SECONDS, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("cluster 'authz': url:");
    }

    @Test
    void http2IsCleartextOnly() {
        assertThat(cluster("http://host", true, TWO_SECONDS, TWO_SECONDS, 1).http2()).isTrue();
        assertThatThrownBy(() -> cluster("https://host", true, TWO_SECONDS, TWO_SECONDS, 1))
                .hasMessageStartingWith("cluster 'authz': http2:");
    }

    @Test
    void timeoutsAndConnectionLimitsAreChecked() {
        assertThatThrownBy(() -> cluster("http://host", false, Duration.ZERO, TWO_SECONDS, 1))
                .hasMessageStartingWith("cluster 'authz': connect_timeout:");
        assertThatThrownBy(() -> cluster("http://host", false, TWO_SECONDS, Duration.ofMillis(-1), 1))
                .hasMessageStartingWith("cluster 'authz': timeout:");
        assertThatThrownBy(() -> cluster("http://host", false, TWO_SECONDS, TWO_SECONDS, 0))
                .hasMessageStartingWith("cluster 'authz': max_connections:");
        assertThatThrownBy(() -> new Cluster("authz", URI.create("http://host"), false, TWO_SECONDS, TWO_SECONDS, 1, 0))
                .hasMessageStartingWith("cluster 'authz': max_pending_requests:");
        assertThatThrownBy(() -> new Cluster(" ", URI.create("http://host"), false, TWO_SECONDS, TWO_SECONDS, 1))
                .hasMessageContaining("name");
    }

    @Test
    void aCallMayTakeTheShorterOfItsOwnAndTheClustersTimeoutZeroMeaningNoLimit() {
        Cluster limited = cluster("http://host", false, TWO_SECONDS, Duration.ofSeconds(30), 1);
        Cluster unlimited = cluster("http://host", false, TWO_SECONDS, Duration.ZERO, 1);

        assertThat(limited.deadline(Duration.ofMillis(250))).isEqualTo(Duration.ofMillis(250));
        assertThat(limited.deadline(Duration.ofMinutes(5))).isEqualTo(Duration.ofSeconds(30));
        assertThat(limited.deadline(Duration.ZERO)).isEqualTo(Duration.ofSeconds(30));
        assertThat(unlimited.deadline(Duration.ofMillis(250))).isEqualTo(Duration.ofMillis(250));
        assertThat(unlimited.deadline(Duration.ZERO)).isZero();
    }

    @Test
    void thePortDefaultsToTheSchemes() {
        assertThat(cluster("http://host", false, TWO_SECONDS, TWO_SECONDS, 1).port()).isEqualTo(80);
        assertThat(cluster("https://host", false, TWO_SECONDS, TWO_SECONDS, 1).port()).isEqualTo(443);
        assertThat(cluster("http://host:9000", false, TWO_SECONDS, TWO_SECONDS, 1).port()).isEqualTo(9000);
    }

    @Test
    void theFactoriesUseTheConfigurationContractsDefaults() {
        Cluster http1 = Cluster.of("a", URI.create("http://host"));
        Cluster h2c = Cluster.http2("b", URI.create("http://host"));

        assertThat(http1.http2()).isFalse();
        assertThat(h2c.http2()).isTrue();
        assertThat(http1.connectTimeout()).isEqualTo(TWO_SECONDS);
        assertThat(http1.timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(h2c.maxConnections()).isEqualTo(256);
        assertThat(http1.maxPendingRequests()).isEqualTo(1024);
        assertThat(h2c.maxPendingRequests()).isEqualTo(1024);
    }
}
