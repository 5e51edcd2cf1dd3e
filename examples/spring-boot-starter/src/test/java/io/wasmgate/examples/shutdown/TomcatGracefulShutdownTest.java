package io.wasmgate.examples.shutdown;

/** Graceful shutdown on embedded Tomcat. */
class TomcatGracefulShutdownTest extends GracefulShutdownSpec {}
