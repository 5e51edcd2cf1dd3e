package io.wasmgate.abi.config;

import io.wasmgate.abi.PluginLoadException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;

/** Where a module's bytes come from: memory, a file or a classpath resource. */
public final class ModuleSource {
    private final String origin;
    private final Reader reader;

    private interface Reader {
        byte[] read() throws IOException;
    }

    private ModuleSource(String origin, Reader reader) {
        this.origin = origin;
        this.reader = reader;
    }

    /** Bytes already in memory; {@code label} names them in messages. */
    public static ModuleSource ofBytes(String label, byte[] bytes) {
        byte[] copy = bytes.clone();
        return new ModuleSource(label, () -> copy);
    }

    /** A module file. */
    public static ModuleSource ofFile(Path file) {
        return new ModuleSource(file.toString(), () -> Files.readAllBytes(file));
    }

    /** A resource on the thread context class loader (or this library's loader), e.g. {@code wasmgate/policies/add-header.wasm}. */
    public static ModuleSource ofClasspath(String resource) {
        Objects.requireNonNull(resource, "resource");
        String name = resource.startsWith("/") ? resource.substring(1) : resource;
        return new ModuleSource("classpath:" + name, () -> {
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            InputStream in = loader == null ? null : loader.getResourceAsStream(name);
            if (in == null) {
                in = ModuleSource.class.getClassLoader().getResourceAsStream(name);
            }
            if (in == null) {
                throw new NoSuchFileException(name, null, "no such classpath resource");
            }
            try (InputStream stream = in) {
                return stream.readAllBytes();
            }
        });
    }

    /** The origin shown in messages and in {@code /plugins}. */
    public String origin() {
        return origin;
    }

    /** Reads the bytes; a missing or unreadable source fails with a message naming it. */
    public byte[] read(String plugin) {
        try {
            return reader.read();
        } catch (NoSuchFileException e) {
            throw new PluginLoadException(plugin, origin, "module not found", e);
        } catch (IOException e) {
            throw new PluginLoadException(plugin, origin, "cannot read module: " + e, e);
        }
    }

    @Override
    public String toString() {
        return origin;
    }
}
