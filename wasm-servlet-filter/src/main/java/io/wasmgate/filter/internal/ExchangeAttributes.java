package io.wasmgate.filter.internal;

import io.wasmgate.abi.spi.Headers;
import io.wasmgate.abi.wire.HeaderField;
import io.wasmgate.abi.wire.PropertyValue;
import io.wasmgate.filter.AddressText;
import io.wasmgate.filter.ProxyWasmFilter;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The Envoy attributes (reference §9) only the servlet side knows: time, id, protocol and sizes of the
 * request and response, the peers' addresses, TLS facts from the servlet attributes. It also answers the
 * header-derived {@code request.*} / {@code response.*} attributes for contexts that never saw the
 * header maps (log plugins, and responses the plugins did not see, like failure replies).
 */
final class ExchangeAttributes {
    private static final String TLS_PROTOCOL = "jakarta.servlet.request.secure_protocol";
    private static final String TOMCAT_TLS_PROTOCOL = "org.apache.tomcat.util.net.secure_protocol_version";
    private static final String CERTIFICATES = "jakarta.servlet.request.X509Certificate";

    private final ExchangeFacts facts;
    private final HttpServletRequest request;
    private final Instant start = Instant.now();
    private final long requestHeaderBytes;
    private String generatedId;

    ExchangeAttributes(ExchangeFacts facts, HttpServletRequest request) {
        this.facts = facts;
        this.request = request;
        this.requestHeaderBytes = facts.requestHeaders().byteSize();
    }

    Optional<PropertyValue> get(String name) {
        return switch (name) {
            case "request.time" -> Optional.of(PropertyValue.ofTimestamp(start));
            case "request.id" -> Optional.of(text(facts.requestHeaders().first("x-request-id").orElseGet(this::generatedId)));
            case "request.protocol" -> Optional.of(text(protocol(request.getProtocol())));
            case "request.duration" -> facts.finishedAt().map(end -> PropertyValue.ofDuration(Duration.between(start, end)));
            case "request.size" -> Optional.of(PropertyValue.ofInt(requestSize()));
            case "request.total_size" -> Optional.of(PropertyValue.ofInt(facts.requestBytesRead() + requestHeaderBytes));
            case "response.size" -> Optional.of(PropertyValue.ofInt(facts.responseBytesWritten()));
            case "response.total_size" -> Optional.of(PropertyValue.ofInt(facts.responseBytesWritten()
                    + facts.responseHeaders().map(Headers::byteSize).orElse(0L)));
            case "response.code_details" -> Optional.of(text(codeDetails()));
            case "source.address" -> Optional.of(text(AddressText.withPort(request.getRemoteAddr(), request.getRemotePort())));
            case "source.port" -> Optional.of(PropertyValue.ofInt(request.getRemotePort()));
            case "destination.address" -> Optional.of(text(AddressText.withPort(request.getLocalAddr(), request.getLocalPort())));
            case "destination.port" -> Optional.of(PropertyValue.ofInt(request.getLocalPort()));
            case "connection.tls_version" -> tlsVersion().map(ExchangeAttributes::text);
            case "connection.mtls" -> Optional.of(PropertyValue.ofBool(request.isSecure() && peerCertificates()));
            default -> fromHeaders(name);
        };
    }

    /** For contexts without header maps: what the request and response headers say. */
    private Optional<PropertyValue> fromHeaders(String name) {
        Headers requestHeaders = facts.requestHeaders();
        return switch (name) {
            case "request.path" -> header(requestHeaders, ":path");
            case "request.url_path" -> requestHeaders.first(":path").map(path -> text(path.split("\\?", 2)[0]));
            case "request.host" -> header(requestHeaders, ":authority");
            case "request.scheme" -> header(requestHeaders, ":scheme");
            case "request.method" -> header(requestHeaders, ":method");
            case "request.headers" -> Optional.of(joined(requestHeaders));
            case "request.referer" -> header(requestHeaders, "referer");
            case "request.useragent" -> header(requestHeaders, "user-agent");
            case "request.query" -> requestHeaders.first(":path").map(path -> text(path.contains("?") ? path.split("\\?", 2)[1] : ""));
            case "response.code" -> facts.responseHeaders().flatMap(h -> h.first(":status")).map(s -> PropertyValue.ofInt(Long.parseLong(s)));
            case "response.headers" -> facts.responseHeaders().map(ExchangeAttributes::joined);
            default -> Optional.empty();
        };
    }

    /**
     * The run's details, or, where the run only knows the application answered ({@code via_upstream}),
     * what the application said about its answer ({@link ProxyWasmFilter#CODE_DETAILS_ATTRIBUTE}).
     */
    private String codeDetails() {
        String details = facts.codeDetails();
        Object own = request.getAttribute(ProxyWasmFilter.CODE_DETAILS_ATTRIBUTE);
        return details.equals("via_upstream") && own instanceof String said ? said : details;
    }

    private synchronized String generatedId() {
        if (generatedId == null) {
            generatedId = UUID.randomUUID().toString();
        }
        return generatedId;
    }

    private long requestSize() {
        long declared = request.getContentLengthLong();
        return declared >= 0 ? declared : facts.requestBytesRead();
    }

    private Optional<String> tlsVersion() {
        if (!request.isSecure()) {
            return Optional.empty();
        }
        Object protocol = request.getAttribute(TLS_PROTOCOL);
        if (protocol == null) {
            protocol = request.getAttribute(TOMCAT_TLS_PROTOCOL);
        }
        return Optional.ofNullable(protocol).map(Object::toString);
    }

    private boolean peerCertificates() {
        return request.getAttribute(CERTIFICATES) instanceof X509Certificate[] certificates && certificates.length > 0;
    }

    /** {@code HTTP/2.0} as Envoy names it: {@code HTTP/2}. */
    private static String protocol(String servletProtocol) {
        return servletProtocol.endsWith(".0") && !servletProtocol.equals("HTTP/1.0")
                ? servletProtocol.substring(0, servletProtocol.length() - 2) : servletProtocol;
    }

    private static Optional<PropertyValue> header(Headers headers, String name) {
        return headers.first(name).map(ExchangeAttributes::text);
    }

    /** A header map as Envoy serves it: one entry per name, repeated values joined with {@code ,}. */
    private static PropertyValue joined(Headers headers) {
        Map<String, PropertyValue> values = new LinkedHashMap<>();
        Map<String, String> joined = new LinkedHashMap<>();
        for (HeaderField field : headers.fields()) {
            joined.merge(field.name(), field.value(), (a, b) -> a + "," + b);
        }
        joined.forEach((name, value) -> values.put(name, text(value)));
        return PropertyValue.ofMap(values);
    }

    /** Header text holds one char per byte; the guest gets those bytes unchanged. */
    private static PropertyValue text(String value) {
        return PropertyValue.ofBytes(value.getBytes(StandardCharsets.ISO_8859_1));
    }
}
