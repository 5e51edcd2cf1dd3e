package io.wasmgate.gateway.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The contents of a set of files at one moment (an absent file has none). The watcher compares two of
 * them to tell a finished write from one in progress, and whether anything changed since the last reload.
 */
final class FileSnapshot {
    private final Map<Path, byte[]> contents;

    private FileSnapshot(Map<Path, byte[]> contents) {
        this.contents = contents;
    }

    /** Reads every file of {@code files}, following symbolic links. */
    static FileSnapshot read(Set<Path> files) throws IOException {
        Map<Path, byte[]> contents = new HashMap<>();
        for (Path file : files) {
            try {
                contents.put(file, Files.readAllBytes(file));
            } catch (NoSuchFileException e) {
                // a file being replaced, or gone: a content of its own, which the next read compares
            }
        }
        return new FileSnapshot(contents);
    }

    /** The content of {@code file}, or {@code null} if it was absent (or not in the snapshot). */
    byte[] content(Path file) {
        return contents.get(file);
    }

    /** {@code true} if both snapshots have the same files with the same bytes. */
    boolean sameAs(FileSnapshot other) {
        if (!contents.keySet().equals(other.contents.keySet())) {
            return false;
        }
        return contents.entrySet().stream().allMatch(e -> Arrays.equals(e.getValue(), other.contents.get(e.getKey())));
    }
}
