package io.wasmgate.filter.internal;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of an exchange for its plugins, as Envoy ends a stream: {@code proxy_on_log} for every plugin,
 * then for every log plugin, then {@code proxy_on_done} in the same order. A plugin that fails here is
 * logged and skipped: the exchange is over, and the others still log.
 */
final class LogPhase {
    // The run's category: one logger tells what happened to a request.
    private static final Logger LOG = LoggerFactory.getLogger(FilterChainRun.class);

    private final List<Stage> stages;
    private final List<Stage> logStages;

    LogPhase(List<Stage> stages, List<Stage> logStages) {
        this.stages = stages;
        this.logStages = logStages;
    }

    void run() {
        // Indexed loops and static calls: no iterator or callback objects for each request.
        for (int i = 0; i < stages.size(); i++) {
            log(stages.get(i));
        }
        for (int i = 0; i < logStages.size(); i++) {
            log(logStages.get(i));
        }
        for (int i = 0; i < stages.size(); i++) {
            done(stages.get(i));
        }
        for (int i = 0; i < logStages.size(); i++) {
            done(logStages.get(i));
        }
    }

    private static void log(Stage stage) {
        try {
            stage.context().onLog();
        } catch (RuntimeException e) {
            failed(stage, e);
        }
    }

    private static void done(Stage stage) {
        try {
            stage.context().onDone();
        } catch (RuntimeException e) {
            failed(stage, e);
        }
    }

    private static void failed(Stage stage, RuntimeException e) {
        LOG.warn("plugin '{}': the log phase failed", stage.name(), e);
    }
}
