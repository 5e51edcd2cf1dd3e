package io.wasmgate.examples.shutdown;

import org.springframework.boot.web.context.WebServerGracefulShutdownLifecycle;
import org.springframework.context.SmartLifecycle;

/**
 * Releases the authorization service's answer when the application closes, in the lifecycle phase of
 * Boot's graceful shutdown: the checked request is in flight when the close begins and ends while the web
 * server drains. Anything stopping the plugins earlier would cancel its callout.
 */
final class ReleaseWhenShuttingDown implements SmartLifecycle {
    private final HeldAuthorizationService authz;
    private volatile boolean running;

    ReleaseWhenShuttingDown(HeldAuthorizationService authz) {
        this.authz = authz;
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        authz.release();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE;
    }
}
