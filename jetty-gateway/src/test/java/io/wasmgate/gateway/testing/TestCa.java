package io.wasmgate.gateway.testing;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away certificate authority for a test, and the certificates it issues (EC P-256), written as PEM
 * files the way an operator keeps them.
 */
public final class TestCa {
    private static final AtomicLong SERIALS = new AtomicLong(System.nanoTime());

    /** A certificate and its private key. */
    public record Issued(X509Certificate certificate, PrivateKey key) {
        /** Writes the certificate as PEM to {@code file}. */
        public Path writeCertificate(Path file) throws IOException {
            return pem(file, "CERTIFICATE", encoded(certificate));
        }

        /** Writes the private key as unencrypted PKCS#8 PEM to {@code file}. */
        public Path writeKey(Path file) throws IOException {
            return pem(file, "PRIVATE KEY", key.getEncoded());
        }

        /** A key store holding the key and certificate under the password {@code secret}, for a TLS server. */
        public KeyStore keyStore() throws GeneralSecurityException, IOException {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("server", key, "secret".toCharArray(), new Certificate[] {certificate});
            return store;
        }
    }

    private final Issued root;

    private TestCa(Issued root) {
        this.root = root;
    }

    /** A new CA named {@code name}. */
    public static TestCa create(String name) throws Exception {
        KeyPair keys = keyPair();
        X500Principal subject = new X500Principal("CN=" + name);
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(), from(Duration.ofDays(-1)),
                from(Duration.ofDays(30)), subject, keys.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        return new TestCa(new Issued(sign(builder, keys.getPrivate()), keys.getPrivate()));
    }

    /** Writes the CA's certificate as PEM to {@code file}: what a client trusts. */
    public Path writeCertificate(Path file) throws IOException {
        return root.writeCertificate(file);
    }

    /** A server certificate for {@code names} (host names or IP addresses), valid from yesterday for a month. */
    public Issued issue(String... names) throws Exception {
        return issue(from(Duration.ofDays(-1)), from(Duration.ofDays(30)), names);
    }

    /** A server certificate for {@code names} that expired yesterday. */
    public Issued issueExpired(String... names) throws Exception {
        return issue(from(Duration.ofDays(-30)), from(Duration.ofDays(-1)), names);
    }

    private Issued issue(Date notBefore, Date notAfter, String... names) throws Exception {
        KeyPair keys = keyPair();
        GeneralName[] alternatives = new GeneralName[names.length];
        for (int i = 0; i < names.length; i++) {
            boolean address = names[i].matches("[0-9.]+|.*:.*");
            alternatives[i] = new GeneralName(address ? GeneralName.iPAddress : GeneralName.dNSName,
                    address ? InetAddress.getByName(names[i]).getHostAddress() : names[i]);
        }
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(root.certificate(), serial(), notBefore, notAfter,
                new X500Principal("CN=" + names[0]), keys.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(alternatives));
        return new Issued(sign(builder, root.key()), keys.getPrivate());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey)
            throws GeneralSecurityException, OperatorCreationException {
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
    }

    private static KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        return generator.generateKeyPair();
    }

    private static BigInteger serial() {
        return BigInteger.valueOf(SERIALS.incrementAndGet());
    }

    private static Date from(Duration offset) {
        return Date.from(Instant.now().plus(offset));
    }

    private static byte[] encoded(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path pem(Path file, String type, byte[] der) throws IOException {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return Files.writeString(file, "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n");
    }
}
