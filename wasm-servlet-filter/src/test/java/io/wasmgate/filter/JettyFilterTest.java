package io.wasmgate.filter;

import io.wasmgate.filter.testing.JettyServer;
import io.wasmgate.filter.testing.TestServer;

/** {@link FilterScenarios} on embedded Jetty 12 (ee10). */
class JettyFilterTest extends FilterScenarios {
    @Override
    TestServer newServer() {
        return new JettyServer();
    }
}
