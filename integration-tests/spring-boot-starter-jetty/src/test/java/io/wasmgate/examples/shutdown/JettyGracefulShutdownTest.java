package io.wasmgate.examples.shutdown;

/** Graceful shutdown on embedded Jetty. */
class JettyGracefulShutdownTest extends GracefulShutdownSpec {}
