/** TLS material as operators keep it: PEM files of certificates and private keys, read with the JDK alone. */
package io.wasmgate.filter.tls;
