package io.wasmgate.filter;

import static org.assertj.core.api.Assertions.assertThat;

import io.wasmgate.abi.testing.Poll;
import io.wasmgate.filter.testing.LoggedLines;
import io.wasmgate.filter.testing.TomcatServer;
import java.lang.ref.WeakReference;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Undeploying the example WAR lets its class loader go: nothing Wasmgate or its libraries leave in the
 * JVM (caches, thread locals, threads) keeps a web application alive after the container dropped it.
 */
class ExampleWarUndeployIT {
    private static final int CYCLES = 3;
    /** How long full GCs may take to clear the loaders. */
    private static final Duration GC_WAIT = Duration.ofSeconds(10);

    /** What the WAR's SLF4J provider (slf4j-jdk14) writes of the access-log plugin's lines. */
    private final LoggedLines accessLines = LoggedLines.of("wasmgate.plugin.access-log");
    /*
     * One client for every cycle, made before any deploy: the client's selector thread inherits the
     * context class loader of the thread that makes it, and a client made while a web application's
     * loader is current would keep that loader alive for as long as its thread runs.
     */
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Tomcat tomcat;

    @AfterEach
    void stop() throws Exception {
        accessLines.close();
        if (tomcat != null) {
            tomcat.stop();
            tomcat.destroy();
        }
    }

    @Test
    void deployingAndUndeployingThreeTimesLeavesNoWebappClassLoaderBehind() throws Exception {
        Path war = Path.of(System.getProperty("example.war", "target/example.war"));
        assertThat(war).exists();
        tomcat = TomcatServer.newTomcat();
        tomcat.setAddDefaultWebXmlToWebapp(false);
        tomcat.start();

        List<WeakReference<ClassLoader>> loaders = new ArrayList<>();
        for (int cycle = 0; cycle < CYCLES; cycle++) {
            loaders.add(deployServeAndUndeploy(war));
        }

        assertThat(collected(loaders)).as("web application class loaders collected after undeploy").isEqualTo(CYCLES);
    }

    /** One cycle; returns the web application's class loader, weakly. */
    private WeakReference<ClassLoader> deployServeAndUndeploy(Path war) throws Exception {
        Context context = TomcatServer.deployWar(tomcat, "/example", war);
        URI uri = URI.create("http://127.0.0.1:" + tomcat.getConnector().getLocalPort() + "/example/hello");
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                BodyHandlers.ofString());
        assertThat(response.headers().firstValue("x-served-by")).as("the policy ran").hasValue("wasmgate");
        assertThat(accessLines.next(Duration.ofSeconds(10))).as("the request's log phase is over").contains("/example/hello");

        WeakReference<ClassLoader> loader = new WeakReference<>(context.getLoader().getClassLoader());
        tomcat.getHost().removeChild(context);
        return loader;
    }

    /**
     * How many of {@code loaders} the collector cleared, once all are, full GCs running until then (at most
     * {@link #GC_WAIT}): an undeployed application's threads finish their last task after the container has
     * moved on, so a loader may become unreachable a moment after the undeploy returns.
     */
    private static int collected(List<WeakReference<ClassLoader>> loaders) {
        Poll.until("every undeployed application's class loader to be collected", GC_WAIT, () -> {
            System.gc();
            return allCleared(loaders);
        });
        return (int) loaders.stream().filter(loader -> loader.get() == null).count();
    }

    private static boolean allCleared(List<WeakReference<ClassLoader>> loaders) {
        return loaders.stream().allMatch(loader -> loader.get() == null);
    }
}
