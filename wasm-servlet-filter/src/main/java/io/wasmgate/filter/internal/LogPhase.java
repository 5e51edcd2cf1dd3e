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
        for (Stage stage : stages) {
            quietly(stage, () -> stage.context().onLog());
        }
        for (Stage stage : logStages) {
            quietly(stage, () -> stage.context().onLog());
        }
        for (Stage stage : stages) {
            quietly(stage, () -> stage.context().onDone());
        }
        for (Stage stage : logStages) {
            quietly(stage, () -> stage.context().onDone());
        }
    }

    private static void quietly(Stage stage, Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException e) {
            LOG.warn("plugin '{}': the log phase failed", stage.name(), e);
        }
    }
}
