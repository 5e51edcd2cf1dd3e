package io.wasmgate.abi.vm;

import com.dylibso.chicory.compiler.Cache;
import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import io.wasmgate.abi.config.CodeCache;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link CodeCache} on disk: Chicory's compiled code (the generated classes, as the jar Chicory stores) kept in a directory, so that a
 * restart loads a module's code instead of compiling it again. One file per module and compiler set-up:
 * {@code <module sha256>-<key hash>.code}, whose header repeats the whole key (cache format, Chicory version,
 * module sha256, compiler options) and a SHA-256 of the content. Files are written to a temporary file and
 * renamed into place, so JVMs sharing the directory see a whole entry or none. A file that cannot be read,
 * is damaged or was made for another key is ignored with one warning, and the code is compiled again and
 * stored over it. No problem of the cache fails a load: at worst the code is compiled in memory.
 *
 * <p>The directory does not grow without end: a load served from an entry marks it used (its modification
 * time), and each store removes the entries no load has used for {@link #UNUSED_FOR} and the temporary files
 * a crashed writer left. Files whose names are not the cache's are never touched.
 *
 * <p>The directory must be writable by this process and owned by the user it runs as, and (on POSIX file
 * systems) not writable by every user, because its content becomes classes of this JVM. Otherwise the cache
 * is off, with a warning.
 */
public final class DiskCodeCache implements CodeCache {
    /** Wasmgate's entry layout; a change of it makes older entries foreign. */
    static final int FORMAT = 1;
    static final String SUFFIX = ".code";
    private static final byte[] MAGIC = "WGCODE".getBytes(StandardCharsets.US_ASCII);
    private static final String CHICORY_POM = "/META-INF/maven/com.dylibso.chicory/compiler/pom.properties";
    private static final Logger LOG = LoggerFactory.getLogger(DiskCodeCache.class);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
    /** How long an entry no load used is kept: a module not started for that long is compiled again. */
    static final Duration UNUSED_FOR = Duration.ofDays(30);
    /** How old a temporary file must be to be a crashed writer's: no write takes that long. */
    static final Duration ABANDONED_AFTER = Duration.ofDays(1);
    /** The names {@link Entry#file} gives, and the temporary files a write or the directory probe makes. */
    private static final String ENTRY_NAME = "[0-9a-f]{64}-[0-9a-f]{16}\\" + SUFFIX;
    private static final String PROBE_PREFIX = ".probe-";
    private static final String TEMPORARY_SUFFIX = ".tmp";
    private static final Pattern ENTRY = Pattern.compile(ENTRY_NAME);
    private static final Pattern TEMPORARY = Pattern.compile("(" + ENTRY_NAME + "\\.|" + Pattern.quote(PROBE_PREFIX) + ")[0-9]+"
            + Pattern.quote(TEMPORARY_SUFFIX));

    private final Path dir;
    private final String chicoryVersion;
    private final boolean ownDefault;
    private final Consumer<String> warnings;
    private final AtomicInteger hits = new AtomicInteger();
    private final AtomicInteger stores = new AtomicInteger();
    /** Whether "the cache is off" was said: once per cache, i.e. per configuration load, not per plugin. */
    private final AtomicBoolean saidOff = new AtomicBoolean();

    DiskCodeCache(Path dir, String chicoryVersion, boolean ownDefault, Consumer<String> warnings) {
        this.dir = dir.toAbsolutePath().normalize();
        this.chicoryVersion = chicoryVersion;
        this.ownDefault = ownDefault;
        this.warnings = Objects.requireNonNull(warnings, "warnings");
    }

    /** {@code cache} as made by {@link CodeCache}'s factories; {@code null} stays {@code null}. */
    static DiskCodeCache of(CodeCache cache) {
        if (cache == null || cache instanceof DiskCodeCache) {
            return (DiskCodeCache) cache;
        }
        throw new IllegalArgumentException("a code cache must come from CodeCache.in or CodeCache.defaultForUser, not "
                + cache.getClass().getName());
    }

    /** A cache in {@code dir}, created (with its parents) when first written. */
    public static DiskCodeCache in(Path dir) {
        return new DiskCodeCache(dir, chicoryVersion(), false, LOG::warn);
    }

    /**
     * The gateway's default cache, {@code <java.io.tmpdir>/wasmgate-<user>/code-cache}: both folders are
     * created readable by their owner only, and are not used if another user owns either of them.
     */
    public static DiskCodeCache defaultForUser() {
        return new DiskCodeCache(defaultDir(), chicoryVersion(), true, LOG::warn);
    }

    /** {@code <java.io.tmpdir>/wasmgate-<user.name>/code-cache}. */
    public static Path defaultDir() {
        String user = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9._-]", "_");
        return Path.of(System.getProperty("java.io.tmpdir"), "wasmgate-" + user, "code-cache").toAbsolutePath();
    }

    @Override
    public Path dir() {
        return dir;
    }

    @Override
    public int hits() {
        return hits.get();
    }

    @Override
    public int stores() {
        return stores.get();
    }

    @Override
    public String toString() {
        return "DiskCodeCache[" + dir + "]";
    }

    /**
     * The version of the Chicory compiler on the class path, from its Maven metadata, or {@code null} if it
     * cannot be told (then nothing is cached: code of one compiler must not be loaded by another).
     */
    static String chicoryVersion() {
        try (InputStream in = MachineFactoryCompiler.class.getResourceAsStream(CHICORY_POM)) {
            if (in == null) {
                return null;
            }
            Properties properties = new Properties();
            properties.load(in);
            String version = properties.getProperty("version");
            return version == null || version.isBlank() ? null : version.trim();
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * The entry for one module ({@code moduleSha256}, lower-case hex) compiled with {@code options}; {@code null}
     * if the cache cannot be used (warned about): the caller compiles without it.
     */
    Entry entry(String moduleSha256, String options) {
        if (chicoryVersion == null) {
            off("the Chicory compiler's version cannot be told (no " + CHICORY_POM.substring(1)
                    + " on the class path), and code of one compiler must not be loaded by another");
            return null;
        }
        String problem = unsafeDirectory();
        if (problem != null) {
            off(problem + "; modules are compiled in memory");
            return null;
        }
        return new Entry(moduleSha256, options);
    }

    private void off(String reason) {
        if (saidOff.compareAndSet(false, true)) {
            warnings.accept("Wasmgate code cache " + dir + " is off: " + reason);
        }
    }

    /** Why the directory must not be used, or {@code null}: it is ours, and no other user may write to it. */
    private String unsafeDirectory() {
        try {
            if (ownDefault) {
                createOwnerOnly(dir.getParent());
            }
            if (!Files.isDirectory(dir)) {
                if (ownDefault) {
                    createOwnerOnly(dir);
                } else {
                    Files.createDirectories(dir);
                }
            }
            Path probe = Files.createTempFile(dir, PROBE_PREFIX, TEMPORARY_SUFFIX);
            UserPrincipal self;
            try {
                self = Files.getOwner(probe);
            } finally {
                Files.deleteIfExists(probe);
            }
            for (Path checked : ownDefault ? new Path[] {dir.getParent(), dir} : new Path[] {dir}) {
                if (!Files.getOwner(checked).equals(self)) {
                    return checked + " is owned by " + Files.getOwner(checked).getName() + ", not by " + self.getName();
                }
                PosixFileAttributeView posix = Files.getFileAttributeView(checked, PosixFileAttributeView.class);
                if (posix != null && posix.readAttributes().permissions().contains(PosixFilePermission.OTHERS_WRITE)) {
                    return checked + " is writable by every user";
                }
            }
            return null;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return "the directory cannot be created or written (" + e + ")";
        }
    }

    private static void createOwnerOnly(Path folder) throws IOException {
        if (Files.isDirectory(folder)) {
            return;
        }
        Files.createDirectories(folder.getParent());
        try {
            if (Files.getFileAttributeView(folder.getParent(), PosixFileAttributeView.class) != null) {
                Files.createDirectory(folder, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } else {
                Files.createDirectory(folder);
            }
        } catch (FileAlreadyExistsException e) {
            // made by another JVM meanwhile: its owner and permissions are checked next
        }
    }

    /**
     * One module's entry, as the Chicory {@link Cache} its compiler consults: {@link #get} before compiling,
     * {@link #putIfAbsent} after. Remembers what happened, for the load's log line. Never throws: a problem
     * is a warning and a miss.
     */
    final class Entry implements Cache {
        private final String moduleSha256;
        private final String options;
        private Path served;
        private Path stored;
        private boolean rejected;
        private String prefetchedKey;
        private byte[] prefetched;

        private Entry(String moduleSha256, String options) {
            this.moduleSha256 = moduleSha256;
            this.options = options;
        }

        /** The whole key: what an entry's header must repeat to be used. */
        String key(String chicoryKey) {
            return "wasmgate-code-cache " + FORMAT + "\nchicory " + chicoryVersion + "\nmodule sha256:" + moduleSha256
                    + "\noptions " + options + "\nchicory-key " + chicoryKey;
        }

        /** {@code <module sha256>-<16 hex digits of the key's SHA-256>.code}. */
        Path file(String chicoryKey) {
            String keyHash = HexFormat.of().formatHex(sha256(key(chicoryKey).getBytes(StandardCharsets.UTF_8)), 0, 8);
            return dir.resolve(moduleSha256 + "-" + keyHash + SUFFIX);
        }

        /**
         * Reads and checks the entry for {@code chicoryKey} before the module is parsed: {@code true} if it is
         * whole and made for this key, and then {@link #get} serves it without reading it again. A module whose
         * entry is there need not be validated again: the entry was made from these very bytes, after
         * validation, by this Chicory version.
         */
        boolean prefetch(String chicoryKey) {
            byte[] content = read(chicoryKey);
            if (content != null) {
                prefetchedKey = chicoryKey;
                prefetched = content;
            }
            return content != null;
        }

        @Override
        public byte[] get(String chicoryKey) {
            byte[] content;
            if (chicoryKey.equals(prefetchedKey) && !rejected) {
                content = prefetched;
                prefetched = null;
                prefetchedKey = null;
            } else {
                content = read(chicoryKey);
            }
            if (content != null) {
                served = file(chicoryKey);
                hits.incrementAndGet();
                markUsed(served);
            }
            return content;
        }

        /** The checked content of the entry for {@code chicoryKey}, or {@code null} (missing, or warned about). */
        private byte[] read(String chicoryKey) {
            if (rejected) {
                return null;
            }
            Path file = file(chicoryKey);
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (NoSuchFileException e) {
                return null;
            } catch (IOException | UncheckedIOException | OutOfMemoryError e) {
                return ignore(file, "cannot be read (" + e + ")");
            }
            try {
                return content(bytes, key(chicoryKey));
            } catch (IOException e) {
                return ignore(file, e.getMessage());
            }
        }

        private byte[] ignore(Path file, String reason) {
            rejected = true;
            warnings.accept("Wasmgate code cache entry " + file + " is ignored and replaced: " + reason
                    + "; the module is compiled again");
            return null;
        }

        /**
         * The entry Chicory was given could not be loaded after all (e.g. classes this JVM rejects): warned
         * about once, and the next {@link #get} misses, so that the module is compiled and the entry replaced.
         */
        void loadFailed(Throwable failure) {
            Path file = served;
            served = null;
            ignore(file, "its classes cannot be loaded (" + failure + ")");
        }

        @Override
        public void putIfAbsent(String chicoryKey, byte[] content) {
            Path file = file(chicoryKey);
            Path temp = null;
            try {
                byte[] bytes = entryBytes(key(chicoryKey), content);
                temp = Files.createTempFile(dir, file.getFileName().toString() + ".", TEMPORARY_SUFFIX);
                Files.write(temp, bytes);
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                temp = null;
                stored = file;
                stores.incrementAndGet();
                prune(Instant.now());
            } catch (AtomicMoveNotSupportedException e) {
                warnings.accept("Wasmgate code cache " + dir + " cannot store " + file.getFileName()
                        + ": the file system cannot rename atomically; the module's code is kept in memory only");
            } catch (IOException | UncheckedIOException | SecurityException e) {
                warnings.accept("Wasmgate code cache " + dir + " cannot store " + file.getFileName() + " (" + e
                        + "); the module's code is kept in memory only");
            } finally {
                if (temp != null) {
                    try {
                        Files.deleteIfExists(temp);
                    } catch (IOException e) {
                        // left for a later run to overwrite; temporary names never collide with entries
                    }
                }
            }
        }

        /** The file the code was loaded from, or {@code null} if it was compiled. */
        Path served() {
            return served;
        }

        /** The file the compiled code was stored in, or {@code null}. */
        Path stored() {
            return stored;
        }
    }

    /** Records that {@code entry} served a load, so that {@link #prune} keeps it; a read-only entry stays as it is. */
    private static void markUsed(Path entry) {
        try {
            Files.setLastModifiedTime(entry, FileTime.from(Instant.now()));
        } catch (IOException | SecurityException e) {
            // kept until UNUSED_FOR after its last write instead; loading it does not depend on this
        }
    }

    /**
     * Removes the entries not used since {@code now} minus {@link #UNUSED_FOR} and the temporary files older
     * than {@link #ABANDONED_AFTER}; files with other names are left alone. Logged once per pruning that
     * removed something; a file that cannot be removed is left for the next store.
     */
    void prune(Instant now) {
        FileTime unusedBefore = FileTime.from(now.minus(UNUSED_FOR));
        FileTime abandonedBefore = FileTime.from(now.minus(ABANDONED_AFTER));
        int removed = 0;
        long freed = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                FileTime before = ENTRY.matcher(name).matches() ? unusedBefore
                        : TEMPORARY.matcher(name).matches() ? abandonedBefore : null;
                if (before == null) {
                    continue;
                }
                try {
                    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    if (attributes.isRegularFile() && attributes.lastModifiedTime().compareTo(before) < 0 && Files.deleteIfExists(file)) {
                        removed++;
                        freed += attributes.size();
                    }
                } catch (IOException | SecurityException e) {
                    // gone meanwhile (another JVM pruned it) or not ours to remove: the next store tries again
                }
            }
        } catch (IOException | SecurityException e) {
            warnings.accept("Wasmgate code cache " + dir + " cannot be listed to remove unused entries (" + e + ")");
            return;
        }
        if (removed > 0) {
            LOG.info("Wasmgate code cache {}: removed {} files unused for {} days or more ({} bytes)", dir, removed,
                    UNUSED_FOR.toDays(), freed);
        }
    }

    /** Magic, format, key, content length, content SHA-256, content. */
    static byte[] entryBytes(String key, byte[] content) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 512);
        try (DataOutputStream data = new DataOutputStream(out)) {
            data.write(MAGIC);
            data.writeInt(FORMAT);
            data.writeUTF(key);
            data.writeInt(content.length);
            data.write(sha256(content));
            data.write(content);
        }
        return out.toByteArray();
    }

    /** The content of an entry's bytes if they are whole and made for {@code key}; else why not. */
    private static byte[] content(byte[] bytes, String key) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        try {
            byte[] magic = in.readNBytes(MAGIC.length);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new IOException("not a Wasmgate code cache entry (wrong magic number)");
            }
            int format = in.readInt();
            if (format != FORMAT) {
                throw new IOException("made by another version of Wasmgate (entry format " + format + ", expected " + FORMAT + ")");
            }
            String written = in.readUTF();
            if (!written.equals(key)) {
                throw new IOException("made for another module, Chicory version or compiler options ("
                        + written.replace('\n', ';') + ")");
            }
            int length = in.readInt();
            byte[] checksum = in.readNBytes(32);
            if (length < 0 || length != in.available()) {
                throw new IOException("truncated or overlong (content of " + in.available() + " bytes, expected " + length + ")");
            }
            byte[] content = in.readNBytes(length);
            if (!MessageDigest.isEqual(checksum, sha256(content))) {
                throw new IOException("damaged (wrong checksum)");
            }
            return content;
        } catch (EOFException | java.io.UTFDataFormatException e) {
            throw new IOException("truncated or damaged header (" + e + ")", e);
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
