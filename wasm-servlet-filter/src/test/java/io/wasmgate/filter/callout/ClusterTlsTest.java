package io.wasmgate.filter.callout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLEngine;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.Test;

/** A cluster's {@code tls}: what its TLS client context checks. */
class ClusterTlsTest {
    private static Cluster cluster(String url, ClusterTls tls) {
        return new Cluster("authz", URI.create(url), false, Duration.ofSeconds(2), Duration.ofSeconds(2), 1, tls);
    }

    @Test
    void aClusterWithoutTlsSettingsHasTheDefaults() {
        assertThat(Cluster.of("authz", URI.create("https://authz.internal")).tls()).isEqualTo(ClusterTls.NONE);
        assertThat(cluster("https://authz.internal", null).tls()).isEqualTo(ClusterTls.NONE);
        assertThat(ClusterTls.NONE.isSet()).isFalse();
    }

    @Test
    void tlsSettingsApplyToHttpsClustersOnly() {
        ClusterTls unchecked = new ClusterTls(null, List.of(), false, null);

        assertThatThrownBy(() -> cluster("http://authz.internal", unchecked))
                .hasMessage("cluster 'authz': tls: applies to https:// URLs only, not to http://authz.internal");
    }

    @Test
    void byDefaultTheCertificateIsCheckedAgainstTheUrlsHost() throws Exception {
        SslContextFactory.Client context = ClusterTls.clientContext(cluster("https://authz.internal", ClusterTls.NONE));

        assertThat(context.getEndpointIdentificationAlgorithm()).isEqualTo("HTTPS");
        assertThat(context.isTrustAll()).isFalse();
        assertThat(peerHost(context, "authz.internal")).isEqualTo("authz.internal");
    }

    @Test
    void serverNameIsThePeerNameTheJdkSendsAsSniAndChecks() throws Exception {
        ClusterTls named = new ClusterTls(null, List.of(), true, "upstream.test");
        SslContextFactory.Client context = ClusterTls.clientContext(cluster("https://10.0.0.7:8443", named));

        assertThat(context.getEndpointIdentificationAlgorithm()).isEqualTo("HTTPS");
        assertThat(peerHost(context, "10.0.0.7")).isEqualTo("upstream.test");
    }

    @Test
    void verifyFalseTrustsAnyCertificateForAnyName() {
        SslContextFactory.Client context = ClusterTls.clientContext(
                cluster("https://authz.internal", new ClusterTls(null, List.of(), false, null)));

        assertThat(context.isTrustAll()).isTrue();
        assertThat(context.getEndpointIdentificationAlgorithm()).isNull();
    }

    private static String peerHost(SslContextFactory.Client context, String host) throws Exception {
        context.start();
        try {
            SSLEngine engine = context.newSSLEngine(host, 443);
            return engine.getPeerHost();
        } finally {
            context.stop();
        }
    }
}
