/** Test parts: a real upstream server and a gateway started from a YAML file on ephemeral ports. */
package io.wasmgate.gateway.testing;
