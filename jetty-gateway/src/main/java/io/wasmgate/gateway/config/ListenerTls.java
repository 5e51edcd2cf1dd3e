package io.wasmgate.gateway.config;

import io.wasmgate.filter.config.ConfigProblems;
import io.wasmgate.filter.tls.PemFiles;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The validated {@code listen.tls}: the proxy's certificate chain and private key, read from PEM files when
 * the configuration is loaded (so a reload reads them again). Equal when the files hold the same chain and key.
 *
 * @param certificate the PEM file of the certificate, then any intermediates
 * @param privateKey the PEM file of the certificate's private key, PKCS#8
 * @param chain the certificates of {@code certificate}, the server's first
 * @param key the private key of {@code privateKey}, which matches the first certificate
 */
public record ListenerTls(Path certificate, Path privateKey, List<X509Certificate> chain, PrivateKey key) {
    /** Protects the key inside the in-memory key store only; the key never leaves the process. */
    public static final String KEY_STORE_PASSWORD = "wasmgate";

    public ListenerTls {
        chain = List.copyOf(chain);
    }

    /**
     * Reads {@code spec}'s files (relative to {@code baseDir}), reporting every problem under {@code listen}
     * with the key and the file; {@code null} if there is any.
     */
    static ListenerTls read(ListenTlsSpec spec, Path baseDir, ConfigProblems problems) {
        int before = problems.problems().size();
        if (spec.certificate() == null) {
            problems.add("listen", "tls.certificate", null, "required: the PEM file of the proxy's certificate");
        }
        if (spec.privateKey() == null) {
            problems.add("listen", "tls.private_key", null, "required: the PEM file of the certificate's private key");
        }
        if (problems.problems().size() > before) {
            return null;
        }
        Path certificateFile = baseDir.resolve(spec.certificate()).normalize();
        Path keyFile = baseDir.resolve(spec.privateKey()).normalize();
        List<X509Certificate> chain = null;
        PrivateKey key = null;
        try {
            chain = PemFiles.certificates(certificateFile);
        } catch (IOException | IllegalArgumentException e) {
            problems.add("listen", "tls.certificate", spec.certificate(), reason(certificateFile, e));
        }
        try {
            key = PemFiles.privateKey(keyFile);
        } catch (IOException | IllegalArgumentException e) {
            problems.add("listen", "tls.private_key", spec.privateKey(), reason(keyFile, e));
        }
        if (chain == null || key == null) {
            return null;
        }
        try {
            PemFiles.checkPair(chain.get(0), key);
        } catch (IllegalArgumentException e) {
            problems.add("listen", "tls.private_key", spec.privateKey(),
                    keyFile + ": " + e.getMessage() + " in " + certificateFile + " (tls.certificate)");
            return null;
        }
        return new ListenerTls(certificateFile, keyFile, chain, key);
    }

    private static String reason(Path file, Exception e) {
        if (e instanceof NoSuchFileException) {
            return "no such file: " + file;
        }
        return e instanceof IOException ? "cannot read " + file + ": " + e : file + ": " + e.getMessage();
    }

    /** A key store holding the key and chain under {@link #KEY_STORE_PASSWORD}, for Jetty's TLS context. */
    public KeyStore keyStore() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("proxy", key, KEY_STORE_PASSWORD.toCharArray(), chain.toArray(new Certificate[0]));
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("an in-memory key store could not be built: " + e.getMessage(), e);
        }
    }

    /** Never shows the key. */
    @Override
    public String toString() {
        return "ListenerTls[certificate=" + certificate + ", privateKey=" + privateKey + ", subject="
                + chain.get(0).getSubjectX500Principal() + "]";
    }
}
