package io.wasmgate.gateway.runtime;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the configuration file and the module files it names, and hands the configuration's bytes to
 * {@code onChange} once a change has settled: a write in several steps must not be loaded half done. After
 * a change the files must stay unchanged for the settle period (no event, and two reads that far apart see
 * the same bytes); then, if any of them differs from the last settled state, the second read is what
 * reloads. A file that is a symbolic link is watched through its link too: a Kubernetes ConfigMap swaps
 * {@code ..data}, the directory its files link through, in one rename, and that is one change. The set of
 * files is asked for again after every reload, so a reload that names new modules watches them too.
 */
final class ConfigWatcher extends AbstractLifeCycle {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigWatcher.class);

    private final Path configFile;
    private final Supplier<Set<Path>> files;
    private final Supplier<Duration> settle;
    private final Consumer<byte[]> onChange;
    private final Set<Path> watchedDirs = new HashSet<>();
    private WatchService watchService;
    private FileSnapshot loaded;
    private Thread thread;

    /**
     * @param configFile the configuration file, one of {@code files}
     * @param files the files to watch, asked for again after each reload
     * @param settle how long a change must rest before it counts
     * @param onChange takes the settled bytes of the configuration file
     */
    ConfigWatcher(Path configFile, Supplier<Set<Path>> files, Supplier<Duration> settle, Consumer<byte[]> onChange) {
        this.configFile = configFile.toAbsolutePath().normalize();
        this.files = files;
        this.settle = settle;
        this.onChange = onChange;
    }

    @Override
    protected void doStart() throws IOException {
        watchService = FileSystems.getDefault().newWatchService();
        registerDirectories();
        loaded = FileSnapshot.read(files.get());
        thread = new Thread(this::run, "wasmgate-config-watcher");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    protected void doStop() throws Exception {
        watchService.close();
        thread.join(5000);
        watchedDirs.clear();
    }

    private void registerDirectories() throws IOException {
        for (Path file : files.get()) {
            Path dir = file.getParent();
            if (dir != null && watchedDirs.add(dir)) {
                dir.register(watchService, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                        StandardWatchEventKinds.ENTRY_DELETE);
            }
        }
    }

    private void run() {
        try {
            while (true) {
                if (!relevant(watchService.take())) {
                    continue;
                }
                FileSnapshot settled = settled();
                if (settled.sameAs(loaded)) {
                    LOG.debug("watched files touched but their content is unchanged: no reload");
                    continue;
                }
                loaded = settled;
                byte[] config = settled.content(configFile);
                if (config == null) {
                    LOG.warn("{} is gone: the running configuration keeps serving", configFile);
                    continue;
                }
                LOG.info("configuration or module file changed and settled: reloading");
                onChange.accept(config);
                registerDirectories();
            }
        } catch (ClosedWatchServiceException | InterruptedException e) {
            // stopped
        } catch (IOException | RuntimeException e) {
            LOG.error("the configuration watcher stopped: {}", e.toString(), e);
        }
    }

    /** Reads the files until two reads a settle period apart, with no change seen between them, agree. */
    private FileSnapshot settled() throws IOException, InterruptedException {
        FileSnapshot before = FileSnapshot.read(files.get());
        while (true) {
            boolean quiet = quietFor(settle.get());
            FileSnapshot after = FileSnapshot.read(files.get());
            if (quiet && after.sameAs(before)) {
                return after;
            }
            before = after;
        }
    }

    /** {@code false} as soon as a watched file changes within {@code period}. */
    private boolean quietFor(Duration period) throws InterruptedException {
        long deadline = System.nanoTime() + period.toNanos();
        for (long left = period.toNanos(); left > 0; left = deadline - System.nanoTime()) {
            WatchKey key = watchService.poll(left, TimeUnit.NANOSECONDS);
            if (key != null && relevant(key)) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code key}'s events touch a watched file or a link it resolves through; resets the key. */
    private boolean relevant(WatchKey key) {
        Path dir = (Path) key.watchable();
        Set<Path> names = watchedNames(dir);
        boolean relevant = false;
        for (WatchEvent<?> event : key.pollEvents()) {
            if (event.kind() == StandardWatchEventKinds.OVERFLOW
                    || event.context() instanceof Path name && names.contains(name)) {
                relevant = true;
            }
        }
        key.reset();
        return relevant;
    }

    /**
     * The names in {@code dir} whose change can change a watched file: the file's own, and for a file that
     * is a relative symbolic link the first element of its target ({@code ..data} of a ConfigMap's
     * {@code gateway.yaml -> ..data/gateway.yaml}).
     */
    private Set<Path> watchedNames(Path dir) {
        Set<Path> names = new HashSet<>();
        for (Path file : files.get()) {
            if (!dir.equals(file.getParent())) {
                continue;
            }
            names.add(file.getFileName());
            if (Files.isSymbolicLink(file)) {
                try {
                    Path target = Files.readSymbolicLink(file);
                    if (!target.isAbsolute()) {
                        names.add(target.getName(0));
                    }
                } catch (IOException e) {
                    // replaced while we looked: its own name's event covers it
                }
            }
        }
        return names;
    }
}
