package io.wasmgate.filter;

import io.wasmgate.filter.testing.TestServer;
import io.wasmgate.filter.testing.TomcatServer;

/** {@link FilterScenarios} on embedded Tomcat ({@link TomcatServer}: 10.1, or 9.0 in the javax build). */
class TomcatFilterTest extends FilterScenarios {
    @Override
    TestServer newServer() {
        return new TomcatServer();
    }
}
