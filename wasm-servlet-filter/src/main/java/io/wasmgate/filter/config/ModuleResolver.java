package io.wasmgate.filter.config;

import io.wasmgate.abi.vm.ModuleSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Turns a {@code module} entry into a {@link ModuleSource}: exactly one of {@code file} (relative to the
 * configuration file's folder) or {@code classpath}; the module must exist, and match {@code sha256}
 * when one is given. {@code url} is recognised but not supported yet.
 */
final class ModuleResolver {
    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");

    private final Path baseDir;
    private final ConfigProblems problems;

    ModuleResolver(Path baseDir, ConfigProblems problems) {
        this.baseDir = baseDir;
        this.problems = problems;
    }

    /** The module's source, or {@code null} after recording why there is none. */
    ModuleSource resolve(String path, ModuleSpec spec) {
        if (spec == null) {
            problems.add(path, "module", null, "required: one of file, classpath or url");
            return null;
        }
        int given = (spec.file() != null ? 1 : 0) + (spec.classpath() != null ? 1 : 0) + (spec.url() != null ? 1 : 0);
        if (given != 1) {
            problems.add(path, "module", null, "give exactly one of file, classpath or url (found " + given + ")");
            return null;
        }
        if (spec.sha256() != null && !SHA256.matcher(spec.sha256()).matches()) {
            problems.add(path, "module.sha256", spec.sha256(), "not a SHA-256 digest (64 hex digits)");
            return null;
        }
        if (spec.url() != null) {
            problems.add(path, "module.url", spec.url(),
                    "not supported yet (remote modules come with the gateway); use file or classpath");
            return null;
        }
        return spec.file() != null ? file(path, spec) : classpath(path, spec);
    }

    private ModuleSource file(String path, ModuleSpec spec) {
        Path file = baseDir.resolve(spec.file()).normalize();
        if (!Files.isRegularFile(file)) {
            problems.add(path, "module.file", spec.file(), "no such file: " + file.toAbsolutePath());
            return null;
        }
        if (spec.sha256() == null) {
            return ModuleSource.ofFile(file);
        }
        try {
            return verified(path, spec.sha256(), file.toString(), Files.readAllBytes(file));
        } catch (IOException e) {
            problems.add(path, "module.file", spec.file(), "cannot read " + file.toAbsolutePath() + ": " + e);
            return null;
        }
    }

    private ModuleSource classpath(String path, ModuleSpec spec) {
        String name = spec.classpath().startsWith("/") ? spec.classpath().substring(1) : spec.classpath();
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        InputStream in = loader == null ? null : loader.getResourceAsStream(name);
        if (in == null) {
            in = ModuleResolver.class.getClassLoader().getResourceAsStream(name);
        }
        if (in == null) {
            problems.add(path, "module.classpath", spec.classpath(), "no such classpath resource");
            return null;
        }
        try (InputStream stream = in) {
            byte[] bytes = stream.readAllBytes();
            return spec.sha256() == null ? ModuleSource.ofBytes("classpath:" + name, bytes)
                    : verified(path, spec.sha256(), "classpath:" + name, bytes);
        } catch (IOException e) {
            problems.add(path, "module.classpath", spec.classpath(), "cannot read: " + e);
            return null;
        }
    }

    private ModuleSource verified(String path, String expected, String origin, byte[] bytes) {
        String actual = sha256(bytes);
        if (!actual.equals(expected.toLowerCase(Locale.ROOT))) {
            problems.add(path, "module.sha256", expected, "does not match " + origin + ", whose SHA-256 is " + actual);
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
