package io.wasmgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.wasmgate.abi.testing.RecordingUpstream;
import io.wasmgate.gateway.testing.GatewayFixture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http2.api.Session;
import org.eclipse.jetty.http2.api.Stream;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.frames.HeadersFrame;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The request the plugins see is the request the upstream gets: one normalised path for routing, plugins
 * and upstream; only upper-case methods; {@code Expect} answered by the gateway; the client's hop-by-hop
 * headers gone before the plugins. Every request goes over a raw socket to a raw-socket upstream.
 */
class RequestCanonicalTest {
    private static final Duration IDLE = Duration.ofSeconds(10);

    @TempDir
    static Path dir;

    static RecordingUpstream open;
    static RecordingUpstream checked;
    static RecordingUpstream silent;
    static RecordingUpstream continuing;
    static GatewayFixture gateway;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        open = RecordingUpstream.start();
        checked = RecordingUpstream.start();
        silent = RecordingUpstream.start(false, null);
        continuing = RecordingUpstream.start(true, null);
        gateway = GatewayFixture.start(dir, GatewayFixture.PORTS + """
                plugins:
                  - name: actions
                    module: { file: policies/test-actions.wasm }
                  - name: untyped
                    module: { file: policies/headers.wasm }
                    configuration: '{"request": {"remove": ["content-type"]}}'
                  - name: forwarding
                    module: { file: policies/headers.wasm }
                    configuration: '{"request": {"remove": ["x-forwarded-host"], "set": {"x-forwarded-proto": "https"}}}'
                clusters:
                  - { name: open, url: "%s" }
                  - { name: checked, url: "%s" }
                  - { name: silent, url: "%s", timeout: 5s }
                  - { name: continuing, url: "%s", timeout: 5s }
                routes:
                  - { match: { prefix: /open, headers: { x-route: checked } }, cluster: checked }
                  - { match: { path: /open/guarded }, cluster: checked, plugins: [ actions ] }
                  - { match: { prefix: /open }, cluster: open }
                  - { match: { prefix: /checked }, cluster: checked, plugins: [ actions ] }
                  - { match: { prefix: /untyped }, cluster: checked, plugins: [ untyped ] }
                  - { match: { prefix: /forwarding }, cluster: checked, plugins: [ forwarding ] }
                  - { match: { prefix: /upload/plain }, cluster: silent }
                  - { match: { prefix: /upload/checked }, cluster: silent, plugins: [ actions ] }
                  - { match: { prefix: /upload100/plain }, cluster: continuing }
                  - { match: { prefix: /upload100/checked }, cluster: continuing, plugins: [ actions ] }
                """.formatted(open.uri(), checked.uri(), silent.uri(), continuing.uri()));
        port = gateway.proxy("/").getPort();
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        for (RecordingUpstream upstream : new RecordingUpstream[] {open, checked, silent, continuing}) {
            upstream.close();
        }
    }

    // ---- path ----------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"/checked/../open/x", "/checked;a=b/../open/x", "/checked/./y/../../open/./x"})
    void dotSegmentsAreRemovedBeforeRoutingAndForwarding(String target) throws Exception {
        Reply reply = get(target, "x-case: " + target);

        assertThat(reply.status()).isEqualTo(200);
        RecordingUpstream.Received received = open.last("/open/x");
        assertThat(received.target()).isEqualTo("/open/x");
        assertThat(received.header("x-case")).isEqualTo(target);
        assertThat(checked.received()).noneMatch(r -> target.equals(r.header("x-case")));
    }

    @Test
    void thePluginsSeeThePathTheUpstreamGetsAndTheQueryAsSent() throws Exception {
        Reply reply = get("/open/../checked/./%7Ealice/%61b%3b/x/..?q=/../a%2f&b", "x-test-action: echo-request");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("x-seen-path")).isEqualTo("/checked/~alice/ab%3B/?q=/../a%2f&b");
        assertThat(checked.last("/checked/~alice").target()).isEqualTo("/checked/~alice/ab%3B/?q=/../a%2f&b");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/open%2F..%2Fchecked/x", "/open/a%2fb", "/checked/a%5Cb", "/open/..;/checked/x",
            "/open/%2e%2e;x/checked/x", "/open/%2E%2E/checked/x", "/../open/x", "/open/../../open/x", "/open/a%zz",
            "/open/a\\b", "/open/;x/checked/x", "/;x/checked/x"})
    void aPathTheGatewayCannotNormaliseSafelyIsABadRequestBeforeRoutingAndPlugins(String target) throws Exception {
        int before = open.received().size() + checked.received().size();

        Reply reply = get(target, "x-test-action: echo-request");

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.header("x-seen-path")).isNull();
        assertThat(open.received().size() + checked.received().size()).isEqualTo(before);
    }

    @Test
    void thePluginsAndTheUpstreamGetThePathWithoutItsParametersAsAServletContainerMapsIt() throws Exception {
        Reply reply = get("/checked;v=1/admin;jsessionid=0A1B?q=a;b", "x-test-action: echo-request");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("x-seen-path")).isEqualTo("/checked/admin?q=a;b");
        assertThat(checked.last("/checked/admin").target()).isEqualTo("/checked/admin?q=a;b");
    }

    @Test
    void aPathParameterDoesNotTakeARequestAroundTheRouteOfItsPath() throws Exception {
        // A Java upstream serves /open/guarded;x=1 as /open/guarded: it must take the route with the plugins.
        Reply reply = get("/open/guarded;x=1", "x-test-action: echo-request");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("x-seen-path")).isEqualTo("/open/guarded");
        assertThat(checked.last("/open/guarded").target()).isEqualTo("/open/guarded");
        assertThat(open.received()).noneMatch(r -> r.target().startsWith("/open/guarded"));
    }

    @Test
    void aRequestAPluginPausedAndResumedKeepsTheNormalisedPath() throws Exception {
        Reply reply = get("/checked/paused/a/../b", "x-test-action: pause");

        assertThat(reply.status()).isEqualTo(200);
        RecordingUpstream.Received received = checked.last("/checked/paused");
        assertThat(received.target()).isEqualTo("/checked/paused/b");
        assertThat(received.header("x-resumed")).isEqualTo("tick");
    }

    @Test
    void anH2cRequestIsNormalisedLikeAnHttp1One() throws Exception {
        MetaData.Response response = h2c("GET", "/open/../checked/./h2-dots");

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getHttpFields().get("x-seen-path")).isEqualTo("/checked/h2-dots");
        assertThat(checked.last("/checked/h2-dots").target()).isEqualTo("/checked/h2-dots");
    }

    // ---- method --------------------------------------------------------------------------------------

    @Test
    void aLowerCaseMethodIsABadRequestOverHttp1() throws Exception {
        Reply lower = Reply.parse(RecordingUpstream.exchange(port, "post /checked/json-lower HTTP/1.1\r\nHost: gw\r\n"
                + "x-test-action: echo-request\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}", IDLE));
        Reply mixed = Reply.parse(RecordingUpstream.exchange(port, "Post /open/json-mixed HTTP/1.1\r\nHost: gw\r\n"
                + "Content-Length: 2\r\nConnection: close\r\n\r\n{}", IDLE));
        Reply upper = Reply.parse(RecordingUpstream.exchange(port, "POST /checked/json-upper HTTP/1.1\r\nHost: gw\r\n"
                + "x-test-action: echo-request\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}", IDLE));

        assertThat(lower.status()).isEqualTo(400);
        assertThat(lower.header("x-seen-method")).isNull();
        assertThat(mixed.status()).isEqualTo(400);
        assertThat(upper.status()).isEqualTo(200);
        assertThat(upper.header("x-seen-method")).isEqualTo("POST");
        assertThat(checked.last("/checked/json-upper").method()).isEqualTo("POST");
        assertThat(checked.received()).noneMatch(r -> r.target().startsWith("/checked/json-lower"));
        assertThat(open.received()).noneMatch(r -> r.target().startsWith("/open/json-mixed"));
    }

    @Test
    void aLowerCaseMethodIsABadRequestOverH2c() throws Exception {
        MetaData.Response lower = h2c("post", "/checked/h2-lower");
        MetaData.Response upper = h2c("POST", "/checked/h2-upper");

        assertThat(lower.getStatus()).isEqualTo(400);
        assertThat(lower.getHttpFields().get("x-seen-method")).isNull();
        assertThat(upper.getStatus()).isEqualTo(200);
        assertThat(upper.getHttpFields().get("x-seen-method")).isEqualTo("POST");
        assertThat(checked.last("/checked/h2-upper").method()).isEqualTo("POST");
        assertThat(checked.received()).noneMatch(r -> r.target().startsWith("/checked/h2-lower"));
    }

    /** Characters browsers leave raw in a query ({@code " < > ` ^ \\ { | }} by the URL standard, less {@code "}). */
    @ParameterizedTest
    @ValueSource(strings = {"/open/raw-query", "/checked/raw-query"})
    void aQueryWithCharactersBrowsersLeaveRawReachesThePluginsAndTheUpstreamAsSent(String path) throws Exception {
        String target = path + "?f={\"a\":[1,2]}&p=a|b^c&t=`x`&s=a\\b&x=<y>";

        Reply reply = get(target, "x-test-action: echo-header-order");

        assertThat(reply.status()).isEqualTo(200);
        assertThat((path.startsWith("/open") ? open : checked).requestLines()).contains("GET " + target + " HTTP/1.1");
        if (path.startsWith("/checked")) {
            assertThat(reply.header("x-seen-headers")).startsWith(":method=GET | :path=" + target + " | ");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/checked/bad-query?q=%zz", "/checked/bad-query?q=a%", "/checked/bad-query?q=%4", "/open/bad-query?q=%G0"})
    void aQueryWithAMalformedPercentEscapeIsABadRequestBeforeThePlugins(String target) throws Exception {
        Reply reply = get(target, "x-test-action: local-reply-403");

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.body()).isEqualTo("bad request query: a malformed percent-escape\n");
        assertThat(open.requestLines()).noneMatch(line -> line.contains("bad-query"));
        assertThat(checked.requestLines()).noneMatch(line -> line.contains("bad-query"));
    }

    // ---- Expect: 100-continue ------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"/upload/plain", "/upload/checked", "/upload100/plain", "/upload100/checked"})
    void anExpectContinueUploadIsAnsweredByTheGatewayAndNeverForwarded(String route) throws Exception {
        byte[] body = new byte[2 * 1024 * 1024];
        new Random(route.hashCode()).nextBytes(body);
        RecordingUpstream upstream = route.startsWith("/upload100") ? continuing : silent;

        Reply reply = expectContinueUpload(route + "/file", body);

        assertThat(reply.status()).isEqualTo(200);
        RecordingUpstream.Received received = upstream.last(route + "/file");
        assertThat(received.header("expect")).isNull();
        assertThat(received.body()).isEqualTo(body);
        if (route.endsWith("checked")) {
            assertThat(reply.header("x-seen-expect")).isEmpty();
            assertThat(received.header("x-user")).isEqualTo("alice");
        }
    }

    // ---- hop-by-hop headers --------------------------------------------------------------------------

    @Test
    void theClientsConnectionHeaderCannotRemoveWhatAPluginSets() throws Exception {
        Reply reply = get("/checked/connection", "x-test-action: echo-request",
                "Connection: close, x-user, x-tenant, x-listed", "x-user: mallory", "x-listed: 1", "x-other: 2");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("x-seen-connection")).isEmpty();
        RecordingUpstream.Received received = checked.last("/checked/connection");
        assertThat(received.headers("x-user")).containsExactly("alice");
        assertThat(received.headers("x-tenant")).containsExactly("t1");
        assertThat(received.header("x-listed")).isNull();
        assertThat(received.header("x-other")).isEqualTo("2");
    }

    @Test
    void aHeaderTheClientsConnectionNamesDoesNotRoute() throws Exception {
        get("/open/routed-by-header", "x-route: checked");
        get("/open/named-in-connection", "x-route: checked", "Connection: close, x-route");

        assertThat(checked.last("/open/routed-by-header").header("x-route")).isEqualTo("checked");
        RecordingUpstream.Received named = open.last("/open/named-in-connection");
        assertThat(named.header("x-route")).isNull();
    }

    @Test
    void aChunkedBodysTrailersReachTheUpstreamAsThePluginsLeftThem() throws Exception {
        String chunked = "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nx-checksum: abc\r\n\r\n";

        Reply plain = post("/open/trailers", chunked);
        Reply throughPlugin = post("/checked/trailers", "x-test-action: trailers\r\n" + chunked);

        assertThat(plain.status()).isEqualTo(200);
        assertThat(throughPlugin.status()).isEqualTo(200);
        RecordingUpstream.Received untouched = open.last("/open/trailers");
        assertThat(untouched.bodyText()).isEqualTo("hello");
        assertThat(new String(untouched.raw(), StandardCharsets.ISO_8859_1)).endsWith("\r\n0\r\nx-checksum: abc\r\n\r\n");
        RecordingUpstream.Received edited = checked.last("/checked/trailers");
        assertThat(edited.bodyText()).isEqualTo("hello");
        assertThat(new String(edited.raw(), StandardCharsets.ISO_8859_1)).as("the trailers action set it")
                .endsWith("\r\n0\r\nx-checksum: checked\r\n\r\n");
    }

    @Test
    void hopByHopHeadersAreGoneBeforeThePluginsAndTheUpstream() throws Exception {
        Reply seen = get("/checked/hop", "x-test-action: echo-request", "Keep-Alive: timeout=5",
                "Proxy-Connection: keep-alive", "TE: trailers", "Upgrade: example/1", "Expect: 100-continue",
                "Connection: close, upgrade, keep-alive");
        get("/open/hop", "Keep-Alive: timeout=5", "TE: trailers", "Connection: close, x-listed", "x-listed: 1",
                "x-other: 2");

        for (RecordingUpstream.Received received : new RecordingUpstream.Received[] {checked.last("/checked/hop"),
                open.last("/open/hop")}) {
            for (String name : new String[] {"keep-alive", "proxy-connection", "te", "upgrade", "expect", "x-listed"}) {
                assertThat(received.header(name)).as(name).isNull();
            }
        }
        assertThat(open.last("/open/hop").header("x-other")).isEqualTo("2");
        assertThat(seen.header("x-seen-expect")).isEmpty();
        assertThat(seen.header("x-seen-connection")).isEmpty();
    }

    @Test
    void hopByHopHeadersAreHiddenFromThePluginsHoweverTheClientSpellsThem() throws Exception {
        Reply seen = get("/checked/hop-case", "x-test-action: echo-request", "eXpEcT: 100-continue",
                "cOnNeCtIoN: close, X-Listed", "x-LISTED: 1");

        assertThat(seen.header("x-seen-expect")).isEmpty();
        assertThat(seen.header("x-seen-connection")).isEmpty();
        assertThat(checked.last("/checked/hop-case").header("x-listed")).isNull();
    }

    @Test
    void thePluginsSeeTheClientsHeadersInTheClientsOrderWithoutTheHopByHopOnes() throws Exception {
        Reply seen = get("/checked/order", "X-First: 1", "X-Repeat: a", "Connection: close, x-private",
                "X-Private: secret", "X-Mixed-Case: Value B", "Keep-Alive: timeout=5", "x-repeat: c", "X-Empty:",
                "x-test-action: echo-header-order");

        assertThat(seen.status()).isEqualTo(200);
        assertThat(seen.header("x-seen-headers")).as(seen.headers().toString()).isEqualTo(":method=GET | :path=/checked/order | :authority=gw"
                + " | :scheme=http | x-first=1 | x-repeat=a | x-mixed-case=Value B | x-repeat=c | x-empty="
                + " | x-test-action=echo-header-order" + forwardingSeen("1.1"));
        RecordingUpstream.Received received = checked.last("/checked/order");
        assertThat(received.headers("x-repeat")).containsExactly("a", "c");
        assertThat(received.header("x-private")).isNull();
        assertThat(received.header("x-mixed-case")).isEqualTo("Value B");
    }

    @Test
    void thePluginsSeeTheForwardingHeadersOfThisHopTheClientsChainFirst() throws Exception {
        Reply seen = get("/checked/forwarded", "X-Forwarded-For: 203.0.113.7", "Via: 1.0 edge", "x-test-action: echo-header-order");

        assertThat(seen.header("x-seen-headers")).endsWith(" | x-forwarded-for=203.0.113.7, 127.0.0.1 | via=1.0 edge, 1.1 wasmgate"
                + " | x-test-action=echo-header-order | forwarded=by=\"127.0.0.1\";for=\"127.0.0.1\";host=\"gw\";proto=http"
                + " | x-forwarded-proto=http | x-forwarded-host=gw");
        assertThat(checked.last("/checked/forwarded").header("x-forwarded-for")).isEqualTo("203.0.113.7, 127.0.0.1");
    }

    @Test
    void aForwardingHeaderAPluginChangesOrRemovesReachesTheUpstreamAsItLeftIt() throws Exception {
        Reply reply = get("/forwarding/x", "X-Forwarded-Proto: spoofed", "X-Forwarded-Host: spoofed.example");

        assertThat(reply.status()).isEqualTo(200);
        RecordingUpstream.Received received = checked.last("/forwarding/x");
        assertThat(received.headers("x-forwarded-proto")).containsExactly("https");
        assertThat(received.header("x-forwarded-host")).isNull();
        assertThat(received.header("x-forwarded-for")).isEqualTo("127.0.0.1");
    }

    /** The forwarding headers this hop adds, as the echo-header-order plugin lists them, for a client of {@code version}. */
    private static String forwardingSeen(String version) {
        return " | via=" + version + " wasmgate | forwarded=by=\"127.0.0.1\";for=\"127.0.0.1\";host=\"gw\";proto=http"
                + " | x-forwarded-for=127.0.0.1 | x-forwarded-proto=http | x-forwarded-host=gw";
    }

    @Test
    void anH2cRequestsPluginsSeeItsHeadersInOrderToo() throws Exception {
        MetaData.Response response = h2c("GET", "/checked/h2-order", HttpFields.build().add("x-test-action", "echo-header-order")
                .add("x-b", "1").add("x-a", "2").add("x-b", "3"));

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getHttpFields().get("x-seen-headers")).isEqualTo(":method=GET | :path=/checked/h2-order"
                + " | :authority=gw | :scheme=http | x-test-action=echo-header-order | x-b=1 | x-a=2 | x-b=3" + forwardingSeen("2.0"));
        assertThat(clientHeaders(checked.last("/checked/h2-order"))).containsExactly("x-test-action: echo-header-order",
                "x-b: 1", "x-a: 2", "x-b: 3");
        assertThat(checked.last("/checked/h2-order").headers("host")).as("the :authority, without the default port")
                .containsExactly("gw");
    }

    @Test
    void anH2cRequestsCookieFieldsReachThePluginsAndTheUpstreamAsOneCookieHeader() throws Exception {
        MetaData.Response response = h2c("GET", "/checked/h2-cookie", HttpFields.build().add("x-test-action", "echo-header-order")
                .add("cookie", "a=1").add("x-mid", "m").add("cookie", "b=2"));

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getHttpFields().get("x-seen-headers")).isEqualTo(":method=GET | :path=/checked/h2-cookie"
                + " | :authority=gw | :scheme=http | x-test-action=echo-header-order | cookie=a=1; b=2 | x-mid=m" + forwardingSeen("2.0"));
        RecordingUpstream.Received received = checked.last("/checked/h2-cookie");
        assertThat(received.headers("cookie")).containsExactly("a=1; b=2");
    }

    @Test
    void withoutPluginsAnH2cRequestsCookieFieldsReachTheUpstreamAsOneCookieHeaderWhereTheFirstStood() throws Exception {
        h2c("GET", "/open/h2-cookie", HttpFields.build().add("x-first", "1").add("cookie", "a=1").add("x-mid", "m")
                .add("cookie", "b=2").add("cookie", "c=3"));

        RecordingUpstream.Received received = open.last("/open/h2-cookie");
        assertThat(received.headers("cookie")).containsExactly("a=1; b=2; c=3");
        assertThat(received.headers().stream().map(h -> h.getKey().toLowerCase(Locale.ROOT)).toList())
                .as("the :authority as Host first, as Envoy writes it").startsWith("host", "x-first", "cookie", "x-mid");
    }

    @Test
    void anH2cRequestWithOneCookieFieldKeepsIt() throws Exception {
        h2c("GET", "/open/h2-one-cookie", HttpFields.build().add("cookie", "a=1; b=2"));

        assertThat(open.last("/open/h2-one-cookie").headers("cookie")).containsExactly("a=1; b=2");
    }

    /** Without plugins the upstream gets the client's fields as they came: in order, each name spelled as sent. */
    @Test
    void withoutPluginsTheUpstreamGetsTheClientsHeadersInOrderAsSpelled() throws Exception {
        get("/open/order", "X-First: 1", "X-Repeat: a", "Connection: close, x-private", "X-Private: secret",
                "X-Mixed-Case: Value B", "x-repeat: c", "X-Empty:");

        assertThat(clientHeaders(open.last("/open/order"))).containsExactly("X-First: 1", "X-Repeat: a",
                "X-Mixed-Case: Value B", "x-repeat: c", "X-Empty: ");
    }

    /**
     * The upstream gets the map the plugins left, in its order: a replaced header where its first value stood,
     * an added one last, a repeated one's values apart as the client sent them.
     */
    @Test
    void theUpstreamGetsTheHeadersThePluginsLeftInTheirOrder() throws Exception {
        get("/checked/edited", "x-test-action: headers", "X-Repeat: a", "x-replace: old", "x-remove: gone",
                "X-Other: o", "x-repeat: c", "x-replace: older", "x-remove: again");

        assertThat(clientHeaders(checked.last("/checked/edited"))).containsExactly("x-test-action: headers",
                "x-repeat: a", "x-replace: replaced", "x-other: o", "x-repeat: c", "x-added: yes");
    }

    /** The {@code x-} headers an upstream got, as {@code name: value} in order, without the proxy's own. */
    private static List<String> clientHeaders(RecordingUpstream.Received received) {
        return received.headers().stream().filter(h -> h.getKey().toLowerCase(Locale.ROOT).startsWith("x-")
                && !h.getKey().toLowerCase(Locale.ROOT).startsWith("x-forwarded")).map(h -> h.getKey() + ": " + h.getValue())
                .toList();
    }

    @Test
    void connectionCannotHideTheBodysFraming() throws Exception {
        Reply reply = Reply.parse(RecordingUpstream.exchange(port, "POST /checked/framing HTTP/1.1\r\nHost: gw\r\n"
                + "Transfer-Encoding: chunked\r\nConnection: close, transfer-encoding, content-length, host\r\n\r\n"
                + "5\r\nhello\r\n0\r\n\r\n", IDLE));

        assertThat(reply.status()).isEqualTo(200);
        RecordingUpstream.Received received = checked.last("/checked/framing");
        assertThat(received.bodyText()).isEqualTo("hello");
        assertThat(received.header("host")).isEqualTo("gw");
    }

    // ---- proxy headers -------------------------------------------------------------------------------

    /**
     * Every header the upstream gets, in order: the client's own (its {@code Host} as sent, the chain it brought
     * in {@code X-Forwarded-For} extended), then Jetty's {@code Via} and {@code Forwarded}, then the
     * {@code X-Forwarded-Proto/Host} the gateway adds.
     */
    @ParameterizedTest
    @ValueSource(strings = {"/open/headers", "/checked/headers"})
    void theUpstreamGetsTheClientsHeadersThenTheProxyHeaders(String path) throws Exception {
        Reply reply = Reply.parse(RecordingUpstream.exchange(port, ("GET " + path + " HTTP/1.1\r\nHost: api.example\r\n"
                + "X-Forwarded-For: 203.0.113.7\r\nx-custom: 1\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII), IDLE));

        assertThat(reply.status()).isEqualTo(200);
        RecordingUpstream.Received received = (path.startsWith("/open") ? open : checked).last(path);
        assertThat(received.headers()).extracting(h -> h.getKey() + ": " + h.getValue()).containsExactly(
                "Host: api.example",
                "X-Forwarded-For: 203.0.113.7, 127.0.0.1",
                "x-custom: 1",
                "Via: 1.1 wasmgate",
                "Forwarded: by=\"127.0.0.1\";for=\"127.0.0.1\";host=\"api.example\";proto=http",
                "X-Forwarded-Proto: http",
                "X-Forwarded-Host: api.example");
    }

    /**
     * A client's {@code Forwarded} values reach the upstream as sent, in order, before this hop's element: a
     * quoted IPv6 {@code for} keeps its quotes (Jetty's proxy dropped them).
     */
    @ParameterizedTest
    @ValueSource(strings = {"/open/forwarded", "/checked/forwarded"})
    void theUpstreamGetsTheClientsForwardedElementsThenThisHops(String path) throws Exception {
        Reply reply = get(path, "Forwarded: for=198.51.100.1;proto=https, for=\"[2001:db8::1]\"",
                "forwarded: for=203.0.113.9");

        assertThat(reply.status()).isEqualTo(200);
        RecordingUpstream.Received received = (path.startsWith("/open") ? open : checked).last(path);
        assertThat(received.headers("forwarded")).containsExactly("for=198.51.100.1;proto=https, for=\"[2001:db8::1]\","
                + " for=203.0.113.9, by=\"127.0.0.1\";for=\"127.0.0.1\";host=\"gw\";proto=http");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/open/via", "/checked/via"})
    void theUpstreamGetsTheClientsViaValuesAsSentThenThisHop(String path) throws Exception {
        Reply reply = get(path, "Via: 1.0 fred, 1.1 p.example.net (Apache/1.1; \"x, y\")", "via: HTTP/1.1  spaced");

        assertThat(reply.status()).isEqualTo(200);
        RecordingUpstream.Received received = (path.startsWith("/open") ? open : checked).last(path);
        assertThat(received.headers("via")).containsExactly(
                "1.0 fred, 1.1 p.example.net (Apache/1.1; \"x, y\"), HTTP/1.1  spaced, 1.1 wasmgate");
    }

    /**
     * An HTTP/1.0 request without {@code Host}: the upstream gets the address the client reached, in {@code Host},
     * {@code Forwarded} and {@code X-Forwarded-Host} alike.
     */
    @Test
    void withoutAHostTheUpstreamGetsTheAddressTheClientReached() throws Exception {
        Reply reply = Reply.parse(RecordingUpstream.exchange(port,
                "GET /open/no-host HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII), IDLE));

        assertThat(reply.status()).isEqualTo(200);
        String reached = gateway.proxy("/").getAuthority();
        assertThat(open.last("/open/no-host").headers()).extracting(h -> h.getKey() + ": " + h.getValue())
                .containsExactly(
                        "Host: " + reached,
                        "Via: 1.0 wasmgate",
                        "Forwarded: by=\"127.0.0.1\";for=\"127.0.0.1\";host=\"" + reached + "\";proto=http",
                        "X-Forwarded-For: 127.0.0.1",
                        "X-Forwarded-Proto: http",
                        "X-Forwarded-Host: " + reached);
    }

    // ---- Content-Type --------------------------------------------------------------------------------

    /** {@code framing} is the request's framing header and body, with {@code |} for each CRLF. */
    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "/open/untyped-length; Content-Length: 5||hello",
        "/open/untyped-chunked; Transfer-Encoding: chunked||5|hello|0||",
        "/checked/untyped-length; Content-Length: 5||hello",
        "/checked/untyped-chunked; Transfer-Encoding: chunked||5|hello|0||"})
    void aBodySentWithoutAContentTypeReachesTheUpstreamWithoutOne(String target, String framing) throws Exception {
        RecordingUpstream upstream = target.startsWith("/open") ? open : checked;

        Reply reply = post(target, framing.replace("|", "\r\n"));

        assertThat(reply.status()).isEqualTo(200);
        RecordingUpstream.Received received = upstream.last(target);
        assertThat(received.bodyText()).isEqualTo("hello");
        assertThat(received.header("content-type")).as(received.headers().toString()).isNull();
    }

    @Test
    void aContentTypeAPluginRemovedDoesNotReachTheUpstream() throws Exception {
        Reply reply = post("/untyped/removed", "Content-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello");

        assertThat(reply.status()).isEqualTo(200);
        RecordingUpstream.Received received = checked.last("/untyped/removed");
        assertThat(received.bodyText()).isEqualTo("hello");
        assertThat(received.header("content-type")).as(received.headers().toString()).isNull();
    }

    @Test
    void aContentTypeTheClientSentReachesTheUpstreamAsSent() throws Exception {
        Reply reply = post("/open/typed", "Content-Type: text/plain; charset=utf-8\r\nContent-Length: 5\r\n\r\nhello");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(open.last("/open/typed").headers("content-type")).containsExactly("text/plain; charset=utf-8");
    }

    // ---- clients -------------------------------------------------------------------------------------

    /** {@code GET target} on a connection the gateway closes after answering. */
    private static Reply get(String target, String... headers) throws IOException {
        StringBuilder request = new StringBuilder("GET ").append(target).append(" HTTP/1.1\r\nHost: gw\r\n");
        boolean close = false;
        for (String header : headers) {
            request.append(header).append("\r\n");
            close |= header.toLowerCase(Locale.ROOT).startsWith("connection:");
        }
        if (!close) {
            request.append("Connection: close\r\n");
        }
        return Reply.parse(RecordingUpstream.exchange(port, request.append("\r\n").toString(), IDLE));
    }

    /** {@code POST target} with the header lines and body given, on a connection the gateway closes after answering. */
    private static Reply post(String target, String headersAndBody) throws IOException {
        return Reply.parse(RecordingUpstream.exchange(port, "POST " + target + " HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n"
                + headersAndBody, IDLE));
    }

    /** Sends the head with {@code Expect: 100-continue}, waits for the interim 100, then sends {@code body}. */
    private static Reply expectContinueUpload(String target, byte[] body) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
            socket.setSoTimeout((int) IDLE.toMillis());
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write(("POST " + target + " HTTP/1.1\r\nHost: gw\r\nx-test-action: echo-request\r\n"
                    + "Content-Type: application/octet-stream\r\nContent-Length: " + body.length
                    + "\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(readHead(in)).startsWith("HTTP/1.1 100");
            out.write(body);
            out.flush();
            return Reply.parse(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** A request without body over prior-knowledge h2c with {@code :method} as given; the response head. */
    private static MetaData.Response h2c(String method, String path) throws Exception {
        return h2c(method, path, HttpFields.build().put("x-test-action", "echo-request"));
    }

    /** {@link #h2c(String, String)} with these request {@code fields}. */
    private static MetaData.Response h2c(String method, String path, HttpFields.Mutable fields) throws Exception {
        HTTP2Client client = new HTTP2Client();
        client.start();
        try {
            Session session = client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                    new Session.Listener() {}).get(5, TimeUnit.SECONDS);
            MetaData.Request request = new MetaData.Request(method, HttpURI.from("http://gw" + path), HttpVersion.HTTP_2,
                    fields);
            CompletableFuture<MetaData.Response> response = new CompletableFuture<>();
            session.newStream(new HeadersFrame(request, null, true), new Stream.Listener() {
                @Override
                public void onHeaders(Stream stream, HeadersFrame frame) {
                    if (frame.getMetaData() instanceof MetaData.Response head && head.getStatus() >= 200) {
                        response.complete(head);
                    }
                }

                @Override
                public void onFailure(Stream stream, int error, String reason, Throwable failure,
                        org.eclipse.jetty.util.Callback callback) {
                    response.completeExceptionally(failure);
                    callback.succeeded();
                }
            });
            return response.get(10, TimeUnit.SECONDS);
        } finally {
            client.stop();
        }
    }

    /** A response as a raw client read it: the final status, the first value of each header, the body. */
    private record Reply(int status, Map<String, String> headers, String body) {
        static Reply parse(String raw) {
            String rest = raw;
            while (rest.startsWith("HTTP/1.1 1")) {
                rest = rest.substring(rest.indexOf("\r\n\r\n") + 4);
            }
            int end = rest.indexOf("\r\n\r\n");
            assertThat(end).as("a response head in: %s", raw).isPositive();
            String[] lines = rest.substring(0, end).split("\r\n");
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.putIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim());
            }
            return new Reply(Integer.parseInt(lines[0].split(" ")[1]), headers, rest.substring(end + 4));
        }

        String header(String name) {
            return headers.get(name);
        }
    }
}
