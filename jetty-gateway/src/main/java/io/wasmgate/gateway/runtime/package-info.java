/**
 * The gateway's configuration as it serves and changes: a {@link io.wasmgate.gateway.runtime.Generation}
 * per loaded configuration (routes, plugins, clients), swapped atomically by
 * {@link io.wasmgate.gateway.runtime.Generations} while requests in flight finish on the one they
 * started with; unchanged plugins and clients are shared between generations.
 */
package io.wasmgate.gateway.runtime;
