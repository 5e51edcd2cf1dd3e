package io.wasmgate.gateway.runtime;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Supplier;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the configuration file and the module files it names, and calls {@code onChange} once a burst of
 * changes to any of them has settled (editors and {@code cp} write in several steps). The set of files is
 * asked for again after every change, so a reload that names new modules watches them too.
 */
final class ConfigWatcher extends AbstractLifeCycle {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigWatcher.class);

    private final Supplier<Set<Path>> files;
    private final Runnable onChange;
    private final Duration settle;
    private final Set<Path> watchedDirs = new HashSet<>();
    private WatchService watchService;
    private Thread thread;

    ConfigWatcher(Supplier<Set<Path>> files, Runnable onChange, Duration settle) {
        this.files = files;
        this.onChange = onChange;
        this.settle = settle;
    }

    @Override
    protected void doStart() throws IOException {
        watchService = FileSystems.getDefault().newWatchService();
        registerDirectories();
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
                dir.register(watchService, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
            }
        }
    }

    private void run() {
        try {
            while (true) {
                if (changed(watchService.take())) {
                    Thread.sleep(settle.toMillis());
                    drainPending();
                    LOG.info("configuration or module file changed: reloading");
                    onChange.run();
                    registerDirectories();
                }
            }
        } catch (ClosedWatchServiceException | InterruptedException e) {
            // stopped
        } catch (IOException | RuntimeException e) {
            LOG.error("the configuration watcher stopped: {}", e.toString(), e);
        }
    }

    private boolean changed(WatchKey key) {
        Set<Path> watched = files.get();
        boolean changed = false;
        for (WatchEvent<?> event : key.pollEvents()) {
            if (event.context() instanceof Path name && watched.contains(((Path) key.watchable()).resolve(name))) {
                changed = true;
            }
        }
        key.reset();
        return changed;
    }

    private void drainPending() {
        for (WatchKey key = watchService.poll(); key != null; key = watchService.poll()) {
            key.pollEvents();
            key.reset();
        }
    }
}
