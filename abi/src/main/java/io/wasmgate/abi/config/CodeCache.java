package io.wasmgate.abi.config;

import io.wasmgate.abi.vm.DiskCodeCache;
import java.nio.file.Path;

/**
 * Where compiled code is kept across restarts: a directory from which a module's code is loaded instead
 * of compiled again, keyed by the module's sha256, the Chicory version and the compiler's options. A
 * damaged or foreign entry is ignored with a warning and replaced; no problem of the cache fails a start.
 * Entries no load has used for 30 days are deleted when a new one is stored.
 * The directory must be owned by the user the JVM runs as and not writable by every user, because its
 * entries become classes of this JVM; otherwise the cache is off, with a warning. Made by the factories
 * here; not for implementing.
 */
public interface CodeCache {
    /** A cache in {@code dir}, created (with its parents) when first written. */
    static CodeCache in(Path dir) {
        return DiskCodeCache.in(dir);
    }

    /**
     * The gateway's default, {@link #defaultDir()}: both folders are created readable by their owner only,
     * and are not used if another user owns either of them.
     */
    static CodeCache defaultForUser() {
        return DiskCodeCache.defaultForUser();
    }

    /** {@code <java.io.tmpdir>/wasmgate-<user.name>/code-cache}. */
    static Path defaultDir() {
        return DiskCodeCache.defaultDir();
    }

    /** The directory entries are kept in. */
    Path dir();

    /** How many loads took their code from this cache. */
    int hits();

    /** How many entries this cache wrote. */
    int stores();
}
