package io.wasmgate.filter;

import io.wasmgate.filter.testing.JettyServer;
import io.wasmgate.filter.testing.TestServer;

/** {@link FilterScenarios} on embedded Jetty 12 ({@link JettyServer}: ee10, or ee8 in the javax build). */
class JettyFilterTest extends FilterScenarios {
    @Override
    TestServer newServer() {
        return new JettyServer();
    }
}
