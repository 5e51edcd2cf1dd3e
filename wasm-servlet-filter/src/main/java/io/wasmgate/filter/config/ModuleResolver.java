package io.wasmgate.filter.config;

import io.wasmgate.abi.config.ModuleSource;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Turns a {@code module} entry into a {@link ModuleSource}: exactly one of {@code file} (relative to the
 * configuration file's folder, absolute when the configuration has none), {@code classpath} or {@code url} (http or https, downloaded now; then
 * {@code sha256} is required). The module must exist and match {@code sha256} when one is given. The
 * bytes are read here, once: what was checked is what the plugin runs, even if the file changes later.
 */
final class ModuleResolver {
    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");

    private final Path baseDir;
    private final ConfigProblems problems;

    ModuleResolver(Path baseDir, ConfigProblems problems) {
        this.baseDir = baseDir;
        this.problems = problems;
    }

    /**
     * The module's source, or {@code null} after recording why there is none; {@code property} is where
     * the entry is in the plugin ({@code module}, {@code canary.module}).
     */
    ModuleSource resolve(String path, String property, ModuleSpec spec) {
        if (spec == null) {
            problems.add(path, property, null, "required: one of file, classpath or url");
            return null;
        }
        int given = (spec.file() != null ? 1 : 0) + (spec.classpath() != null ? 1 : 0) + (spec.url() != null ? 1 : 0);
        if (given != 1) {
            problems.add(path, property, null, "give exactly one of file, classpath or url (found " + given + ")");
            return null;
        }
        if (spec.sha256() != null && !SHA256.matcher(spec.sha256()).matches()) {
            problems.add(path, property + ".sha256", spec.sha256(), "not a SHA-256 digest (64 hex digits)");
            return null;
        }
        if (spec.url() != null) {
            return url(path, property, spec);
        }
        return spec.file() != null ? file(path, property, spec) : classpath(path, property, spec);
    }

    private ModuleSource url(String path, String property, ModuleSpec spec) {
        if (spec.sha256() == null) {
            problems.add(path, property + ".sha256", null, "required with module.url: the SHA-256 the download must match");
            return null;
        }
        URI url = httpUrl(spec.url());
        if (url == null) {
            problems.add(path, property + ".url", spec.url(), "not an http:// or https:// URL with a host");
            return null;
        }
        try {
            return verified(path, property, spec.sha256(), spec.url(), ModuleDownloader.download(url));
        } catch (IOException e) {
            problems.add(path, property + ".url", spec.url(), "cannot download: " + e.getMessage());
            return null;
        }
    }

    /** {@code text} as an http or https URL with a host, or {@code null}. */
    private static URI httpUrl(String text) {
        try {
            URI url = new URI(text);
            boolean http = "http".equals(url.getScheme()) || "https".equals(url.getScheme());
            return http && url.getHost() != null ? url : null;
        } catch (URISyntaxException e) {
            return null;
        }
    }

    private ModuleSource file(String path, String property, ModuleSpec spec) {
        Path given = Path.of(spec.file());
        if (baseDir == null && !given.isAbsolute()) {
            problems.add(path, property + ".file", spec.file(), "a relative path needs a configuration file on disk to "
                    + "resolve against; use an absolute path, module.classpath or module.url");
            return null;
        }
        Path file = (baseDir == null ? given : baseDir.resolve(given)).normalize();
        if (!Files.isRegularFile(file)) {
            problems.add(path, property + ".file", spec.file(), "no such file: " + file.toAbsolutePath());
            return null;
        }
        try {
            byte[] bytes = Files.readAllBytes(file);
            return spec.sha256() == null ? ModuleSource.ofBytes(file.toString(), bytes)
                    : verified(path, property, spec.sha256(), file.toString(), bytes);
        } catch (IOException e) {
            problems.add(path, property + ".file", spec.file(), "cannot read " + file.toAbsolutePath() + ": " + e);
            return null;
        }
    }

    private ModuleSource classpath(String path, String property, ModuleSpec spec) {
        String name = spec.classpath().startsWith("/") ? spec.classpath().substring(1) : spec.classpath();
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        InputStream in = loader == null ? null : loader.getResourceAsStream(name);
        if (in == null) {
            in = ModuleResolver.class.getClassLoader().getResourceAsStream(name);
        }
        if (in == null) {
            problems.add(path, property + ".classpath", spec.classpath(), "no such classpath resource");
            return null;
        }
        try (InputStream stream = in) {
            byte[] bytes = stream.readAllBytes();
            return spec.sha256() == null ? ModuleSource.ofBytes("classpath:" + name, bytes)
                    : verified(path, property, spec.sha256(), "classpath:" + name, bytes);
        } catch (IOException e) {
            problems.add(path, property + ".classpath", spec.classpath(), "cannot read: " + e);
            return null;
        }
    }

    private ModuleSource verified(String path, String property, String expected, String origin, byte[] bytes) {
        String actual = sha256(bytes);
        if (!actual.equals(expected.toLowerCase(Locale.ROOT))) {
            problems.add(path, property + ".sha256", expected, "does not match " + origin + ", whose SHA-256 is " + actual);
            return null;
        }
        return ModuleSource.ofBytes(origin, bytes);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
