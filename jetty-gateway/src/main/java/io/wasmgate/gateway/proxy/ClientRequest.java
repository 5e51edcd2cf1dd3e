package io.wasmgate.gateway.proxy;

import io.wasmgate.filter.AddressText;
import io.wasmgate.filter.HeaderFieldSource;
import io.wasmgate.filter.RequestAuthority;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;

/**
 * The client's request as the plugins and then the upstream proxy read it: without its hop-by-hop headers
 * ({@code Connection} and the headers it names, {@code Keep-Alive}, {@code Proxy-Connection}, {@code TE},
 * {@code Upgrade}) and without {@code Expect}, which the gateway answers itself. Removing them here, before
 * the plugins, means nothing a plugin sets is removed on the way to the upstream.
 *
 * <p>{@code Connection} cannot hide the framing and the authority ({@code Content-Length},
 * {@code Transfer-Encoding}, {@code Host}): the plugins learn from them whether a body follows and for
 * which host the request is, and the upstream client frames the body itself.
 *
 * <p>An HTTP/2 client may split its cookies over several {@code cookie} fields; they are one
 * {@code cookie} header here, the values joined with {@code "; "} where the first one stood (RFC 9113
 * 8.2.3, which requires it before an HTTP/1.1 hop, and what Envoy's plugins see). The upstream then gets
 * the one {@code Cookie} line an HTTP/1.1 server expects.
 *
 * <p>It carries the forwarding headers this hop adds, as Envoy's connection manager adds them before its
 * filters: {@code Via} and {@code Forwarded} (the client's values as sent, then this hop: {@link HopChain},
 * {@link ForwardedElement}), {@code X-Forwarded-For} (the client's chain, then its address, an IPv6 one
 * bare in RFC 5952 text, as Envoy appends it: {@link AddressText}), {@code X-Forwarded-Proto} (its scheme)
 * and {@code X-Forwarded-Host} (the authority it asked for: {@link RequestAuthority}). Each stands where the
 * client's first field of its name stood, or after the client's fields. The plugins see them, so a policy
 * reading the last {@code X-Forwarded-For} entry reads the real client, and what a plugin changes or removes
 * reaches the upstream so, as every other header does.
 *
 * <p>The plugins read the fields in one pass over Jetty's own list ({@link HeaderFieldSource}), in the
 * client's order, rather than name by name through the Servlet API; so does the proxy when no plugin runs
 * ({@link #forEachField}, the names as the client spelled them).
 */
final class ClientRequest extends HttpServletRequestWrapper implements HeaderFieldSource {
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection", "te",
            "upgrade", "expect");
    private static final Set<String> NOT_NOMINABLE = Set.of("content-length", "transfer-encoding", "host");
    /** This hop's name in {@code Via}. */
    private static final String VIA_HOST = "wasmgate";

    private final Set<String> hidden;
    /** The HTTP/2 request's cookie fields as one; {@code null} when it sent at most one. */
    private final HttpField joinedCookie;
    /** The forwarding headers of this hop: Via, Forwarded, X-Forwarded-For, -Proto and -Host ({@link #hopIndex}). */
    private final List<HttpField> hopFields;

    ClientRequest(HttpServletRequest request) {
        super(request);
        this.hidden = hopByHop(Collections.list(request.getHeaders("Connection")));
        this.joinedCookie = joinedCookie(request);
        this.hopFields = hopFields(request, hidden);
    }

    private static List<HttpField> hopFields(HttpServletRequest request, Set<String> hidden) {
        // The client's Via, Forwarded and X-Forwarded-For, in one pass over its fields: most requests have none.
        List<HttpField> via = null;
        List<HttpField> forwarded = null;
        List<HttpField> forwardedFor = null;
        for (HttpField field : ServletContextRequest.getServletContextRequest(request).getHeaders()) {
            HttpHeader header = field.getHeader();
            if (header == HttpHeader.VIA) {
                via = kept(via, field, hidden);
            } else if (header == HttpHeader.FORWARDED) {
                forwarded = kept(forwarded, field, hidden);
            } else if (header == HttpHeader.X_FORWARDED_FOR) {
                forwardedFor = kept(forwardedFor, field, hidden);
            }
        }
        String protocol = request.getProtocol();
        String version = protocol.regionMatches(true, 0, "HTTP/", 0, 5) ? protocol.substring(5) : protocol;
        String authority = RequestAuthority.of(request);
        String remote = request.getRemoteAddr();
        String element = ForwardedElement.of(AddressText.host(request.getLocalAddr()), AddressText.host(remote), authority,
                request.getScheme());
        StringBuilder chain = new StringBuilder();
        if (forwardedFor != null) {
            for (HttpField field : forwardedFor) {
                chain.append(field.getValue()).append(", ");
            }
        }
        return List.of(
                HopChain.appended(HttpHeader.VIA, via, version + " " + VIA_HOST),
                HopChain.appended(HttpHeader.FORWARDED, forwarded, element),
                new HttpField(HttpHeader.X_FORWARDED_FOR, chain.append(AddressText.ip(remote)).toString()),
                new HttpField(HttpHeader.X_FORWARDED_PROTO, request.getScheme()),
                new HttpField(HttpHeader.X_FORWARDED_HOST, authority));
    }

    /** {@code list} with {@code field} added (a new list for the first), unless {@code Connection} named it. */
    private static List<HttpField> kept(List<HttpField> list, HttpField field, Set<String> hidden) {
        if (hidden.contains(field.getLowerCaseName())) {
            return list;
        }
        List<HttpField> kept = list == null ? new ArrayList<>(2) : list;
        kept.add(field);
        return kept;
    }

    /** The index in {@link #hopFields} of the field this hop writes for {@code header}, or -1. */
    private static int hopIndex(HttpHeader header) {
        if (header == null) {
            return -1;
        }
        return switch (header) {
            case VIA -> 0;
            case FORWARDED -> 1;
            case X_FORWARDED_FOR -> 2;
            case X_FORWARDED_PROTO -> 3;
            case X_FORWARDED_HOST -> 4;
            default -> -1;
        };
    }

    private static HttpField joinedCookie(HttpServletRequest request) {
        if (!request.getProtocol().startsWith("HTTP/2")) {
            return null;
        }
        HttpFields fields = ServletContextRequest.getServletContextRequest(request).getHeaders();
        List<String> crumbs = fields.getValuesList(HttpHeader.COOKIE);
        return crumbs.size() < 2 ? null
                : new HttpField(HttpHeader.COOKIE, fields.getField(HttpHeader.COOKIE).getName(), String.join("; ", crumbs));
    }

    /** The lower-case names of the hop-by-hop headers of a request whose {@code Connection} has these values. */
    static Set<String> hopByHop(List<String> connection) {
        if (connection.isEmpty()) {
            // Most requests name no header in Connection: the fixed set serves them without a copy.
            return HOP_BY_HOP;
        }
        Set<String> names = new HashSet<>(HOP_BY_HOP);
        for (String value : connection) {
            for (String token : value.split(",")) {
                String name = token.trim().toLowerCase(Locale.ROOT);
                if (!name.isEmpty() && !NOT_NOMINABLE.contains(name)) {
                    names.add(name);
                }
            }
        }
        return Set.copyOf(names);
    }

    private boolean hidden(String name) {
        return hidden.contains(lowerCase(name));
    }

    /**
     * {@code name} in lower case. Asked for every header the plugins and the proxy read: a header Jetty
     * knows (any case) has its lower-case name as a constant, so only other names are copied.
     */
    private static String lowerCase(String name) {
        HttpHeader known = HttpHeader.CACHE.get(name);
        return known != null ? known.lowerCaseName() : name.toLowerCase(Locale.ROOT);
    }

    /**
     * The client's fields in the order they arrived, hop-by-hop ones left out; on Jetty's lower-case names,
     * which are constants for the headers it knows.
     */
    @Override
    public void forEachHeaderField(BiConsumer<String, String> field) {
        forEachField(header -> field.accept(header.getLowerCaseName(), Objects.requireNonNullElse(header.getValue(), "")));
    }

    /**
     * Jetty's fields of the client's request in the order they arrived, as sent, hop-by-hop ones left out;
     * an HTTP/2 request's cookie fields as one, where the first stood; this hop's forwarding headers where
     * the client's first of their name stood, the others after the client's fields.
     */
    void forEachField(Consumer<HttpField> field) {
        boolean cookieGiven = false;
        int hopGiven = 0;
        for (HttpField header : ServletContextRequest.getServletContextRequest(getRequest()).getHeaders()) {
            String name = header.getLowerCaseName();
            if (hidden.contains(name)) {
                continue;
            }
            int hop = hopIndex(header.getHeader());
            if (hop >= 0) {
                if ((hopGiven & 1 << hop) == 0) {
                    field.accept(hopFields.get(hop));
                    hopGiven |= 1 << hop;
                }
                continue;
            }
            if (joinedCookie == null || header.getHeader() != HttpHeader.COOKIE) {
                field.accept(header);
            } else if (!cookieGiven) {
                field.accept(joinedCookie);
                cookieGiven = true;
            }
        }
        for (int hop = 0; hop < hopFields.size(); hop++) {
            if ((hopGiven & 1 << hop) == 0) {
                field.accept(hopFields.get(hop));
            }
        }
    }

    /** This hop's field {@code name}, or {@code null} if it writes none of that name. */
    private HttpField hopField(String name) {
        int hop = hopIndex(HttpHeader.CACHE.get(name));
        return hop < 0 ? null : hopFields.get(hop);
    }

    @Override
    public String getHeader(String name) {
        HttpField written = hopField(name);
        if (written != null) {
            return written.getValue();
        }
        if (hidden(name)) {
            return null;
        }
        return joinedCookie != null && HttpHeader.COOKIE.is(name) ? joinedCookie.getValue() : super.getHeader(name);
    }

    @Override
    public Enumeration<String> getHeaders(String name) {
        HttpField written = hopField(name);
        if (written != null) {
            return Collections.enumeration(List.of(written.getValue()));
        }
        if (hidden(name)) {
            return Collections.emptyEnumeration();
        }
        return joinedCookie != null && HttpHeader.COOKIE.is(name) ? Collections.enumeration(List.of(joinedCookie.getValue()))
                : super.getHeaders(name);
    }

    @Override
    public Enumeration<String> getHeaderNames() {
        List<String> names = Collections.list(super.getHeaderNames());
        names.removeIf(name -> hidden(name) || hopField(name) != null);
        hopFields.forEach(written -> names.add(written.getName()));
        return Collections.enumeration(names);
    }

    @Override
    public long getDateHeader(String name) {
        return hidden(name) ? -1 : super.getDateHeader(name);
    }

    @Override
    public int getIntHeader(String name) {
        return hidden(name) ? -1 : super.getIntHeader(name);
    }
}
