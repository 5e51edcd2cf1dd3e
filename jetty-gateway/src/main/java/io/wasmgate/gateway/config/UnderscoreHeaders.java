package io.wasmgate.gateway.config;

/**
 * What the gateway does with a request header whose name has an underscore ({@code x_user}), the
 * {@code headers_with_underscores} setting, as Envoy's {@code headers_with_underscores_action}. Java servlet
 * containers keep {@code x_user} apart from {@code x-user}, but CGI-style upstreams (PHP, Python WSGI, Ruby
 * Rack) read both as {@code HTTP_X_USER}: a client could then send, as {@code x_user}, a header that a
 * policy sets or removes as {@code x-user}.
 */
public enum UnderscoreHeaders {
    /** Passed like any other header, as Envoy's default. */
    ALLOW,
    /** The request is refused with 400 before routing and plugins. */
    REJECT,
    /** The header is removed before routing and plugins: neither route matches, plugins nor upstream see it. */
    DROP
}
