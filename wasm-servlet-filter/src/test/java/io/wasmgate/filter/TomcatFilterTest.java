package io.wasmgate.filter;

import io.wasmgate.filter.testing.TestServer;
import io.wasmgate.filter.testing.TomcatServer;

/** {@link FilterScenarios} on embedded Tomcat 10.1. */
class TomcatFilterTest extends FilterScenarios {
    @Override
    TestServer newServer() {
        return new TomcatServer();
    }
}
