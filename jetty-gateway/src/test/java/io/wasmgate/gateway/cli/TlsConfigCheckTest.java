package io.wasmgate.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.wasmgate.gateway.testing.TestCa;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code --check} of {@code listen.tls} and of clusters' {@code tls}: every mistake names its key and its file. */
class TlsConfigCheckTest {
    private static final String ROUTES = """
            routes:
              - { match: { prefix: / }, cluster: backend }
            """;

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int check(String yaml) throws Exception {
        Path file = Files.writeString(dir.resolve("gateway.yaml"), yaml);
        CommandLine command = new CommandLine(new GatewayCommand());
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        return command.execute("--config", file.toString(), "--check");
    }

    private static String listening(String tls) {
        return "listen: { port: 0, tls: " + tls + " }\nclusters:\n  - { name: backend, url: \"http://127.0.0.1:9000\" }\n" + ROUTES;
    }

    @Test
    void aValidCertificateAndKeyPass() throws Exception {
        TestCa.Issued proxy = TestCa.create("CA").issue("localhost");
        proxy.writeCertificate(dir.resolve("cert.pem"));
        proxy.writeKey(dir.resolve("key.pem"));

        assertThat(check(listening("{ certificate: cert.pem, private_key: key.pem }"))).as(err.toString()).isZero();
    }

    @Test
    void missingCertificateAndKeyFilesAreNamedWithTheirKeys() throws Exception {
        assertThat(check(listening("{ certificate: tls/cert.pem, private_key: tls/key.pem }"))).isEqualTo(1);

        assertThat(err.toString()).contains("(2 problems)")
                .contains("listen: tls.certificate = 'tls/cert.pem': no such file: " + dir.resolve("tls/cert.pem"))
                .contains("listen: tls.private_key = 'tls/key.pem': no such file: " + dir.resolve("tls/key.pem"));
    }

    @Test
    void aKeyThatDoesNotMatchTheCertificateIsAProblem() throws Exception {
        TestCa ca = TestCa.create("CA");
        ca.issue("localhost").writeCertificate(dir.resolve("cert.pem"));
        ca.issue("localhost").writeKey(dir.resolve("key.pem"));

        assertThat(check(listening("{ certificate: cert.pem, private_key: key.pem }"))).isEqualTo(1);

        assertThat(err.toString()).contains("listen: tls.private_key = 'key.pem': " + dir.resolve("key.pem")
                + ": the private key does not match the certificate (CN=localhost) in " + dir.resolve("cert.pem")
                + " (tls.certificate)");
    }

    @Test
    void aLegacyRsaKeyIsRefusedWithTheCommandThatConvertsIt() throws Exception {
        TestCa.create("CA").issue("localhost").writeCertificate(dir.resolve("cert.pem"));
        Files.writeString(dir.resolve("key.pem"), "-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAKj34GkxFhD9\n-----END RSA PRIVATE KEY-----\n");

        assertThat(check(listening("{ certificate: cert.pem, private_key: key.pem }"))).isEqualTo(1);

        assertThat(err.toString()).contains("listen: tls.private_key = 'key.pem': " + dir.resolve("key.pem")
                + ": the key is in the legacy RSA format (BEGIN RSA PRIVATE KEY); write it as PKCS#8: "
                + "openssl pkcs8 -topk8 -nocrypt -in key.pem -out key-pkcs8.pem");
    }

    @Test
    void aCertificateFileWithoutACertificateIsAProblem() throws Exception {
        TestCa.Issued proxy = TestCa.create("CA").issue("localhost");
        proxy.writeKey(dir.resolve("cert.pem"));
        proxy.writeKey(dir.resolve("key.pem"));

        assertThat(check(listening("{ certificate: cert.pem, private_key: key.pem }"))).isEqualTo(1);

        assertThat(err.toString()).contains("listen: tls.certificate = 'cert.pem': " + dir.resolve("cert.pem")
                + ": no PEM certificate (-----BEGIN CERTIFICATE-----) in the file");
    }

    @Test
    void bothFilesAreRequired() throws Exception {
        assertThat(check(listening("{ certificate: cert.pem }"))).isEqualTo(1);

        assertThat(err.toString()).contains("listen: tls.private_key: required");
    }

    @Test
    void theClusterTlsKeysAreChecked() throws Exception {
        assertThat(check("""
                clusters:
                  - { name: backend, url: "https://127.0.0.1:9443", tls: { ca_file: certs/ca.pem, server_name: "not a name" } }
                  - { name: plain, url: "http://127.0.0.1:9000", tls: { verify: false } }
                  - { name: both, url: "https://127.0.0.1:9443", tls: { verify: false, ca_file: ca.pem } }
                  - { name: typo, url: "https://127.0.0.1:9443", tls: { cafile: ca.pem } }
                """ + ROUTES)).isEqualTo(1);

        assertThat(err.toString())
                .contains("clusters[0] 'backend': tls.ca_file = 'certs/ca.pem': no such file: " + dir.resolve("certs/ca.pem"))
                .contains("clusters[0] 'backend': tls.server_name = 'not a name': must be a host name")
                .contains("clusters[1] 'plain': tls: applies to https:// clusters only, not to http://127.0.0.1:9000")
                .contains("clusters[2] 'both': tls.ca_file = 'ca.pem': has no use with verify: false")
                .contains("clusters[3] 'typo': tls.cafile: unknown key (line 5)");
    }

    @Test
    void aCaFileWithoutCertificatesIsAProblem() throws Exception {
        Files.writeString(dir.resolve("ca.pem"), "not a certificate\n");

        assertThat(check("""
                clusters:
                  - { name: backend, url: "https://127.0.0.1:9443", tls: { ca_file: ca.pem } }
                """ + ROUTES)).isEqualTo(1);

        assertThat(err.toString()).contains("clusters[0] 'backend': tls.ca_file = 'ca.pem': " + dir.resolve("ca.pem")
                + ": no PEM certificate (-----BEGIN CERTIFICATE-----) in the file");
    }
}
