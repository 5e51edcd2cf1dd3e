package io.wasmgate.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.wasmgate.abi.config.FailurePolicy;
import io.wasmgate.abi.config.Limits;
import io.wasmgate.abi.config.PluginConfig;
import io.wasmgate.abi.testing.CapturingLog;
import io.wasmgate.abi.testing.Poll;
import io.wasmgate.abi.testing.RawResponse;
import io.wasmgate.abi.testing.RecordingUpstream;
import io.wasmgate.abi.wire.LogLevel;
import io.wasmgate.filter.config.PluginChainConfig;
import io.wasmgate.filter.testing.ApplicationServlet;
import io.wasmgate.filter.testing.ChunkedResponse;
import io.wasmgate.filter.testing.Policies;
import io.wasmgate.filter.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The filter's behaviour through a real container and real HTTP: a chain of the {@code test-actions}
 * policy (driven by the request header {@code x-test-action}) and {@code add-header}, with the
 * {@code access-log} log plugin, in front of {@link ApplicationServlet}. Each container runs it by
 * extending this class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class FilterScenarios {
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final ApplicationServlet application = new ApplicationServlet();
    private final CapturingLog accessLog = new CapturingLog(LogLevel.INFO);
    private final CapturingLog jsonAccessLog = new CapturingLog(LogLevel.INFO);
    private TestServer server;
    private TestServer blockingServer;
    private TestServer stopIterationServer;
    private final ApplicationServlet stopIterationApplication = new ApplicationServlet();

    /** A new, unstarted container. */
    abstract TestServer newServer();

    @BeforeAll
    void start() throws Exception {
        server = newServer();
        server.start(newFilter(), application, true, true);
        blockingServer = newServer();
        blockingServer.start(newFilter(), new ApplicationServlet(), false);
        stopIterationServer = newServer();
        stopIterationServer.start(new ProxyWasmFilter(List.of(PluginConfig.builder("test-actions")
                .withModule(Policies.policy("test-actions")).withInstances(1).withAllowOnHeadersStopIteration(true)
                .withLimits(Limits.defaults().withPauseDeadline(Duration.ofSeconds(2)).withMaxBufferedBody(64 * 1024))
                .build())), stopIterationApplication, true);
    }

    /** test-actions then add-header, with access-log as log plugin. */
    private ProxyWasmFilter newFilter() {
        PluginConfig testActions = PluginConfig.builder("test-actions").withModule(Policies.policy("test-actions"))
                .withInstances(1).withFailurePolicy(FailurePolicy.FAIL_CLOSED)
                .withLimits(Limits.defaults().withPauseDeadline(Duration.ofMillis(500)).withMaxBufferedBody(64 * 1024))
                .build();
        PluginConfig addHeader = PluginConfig.builder("add-header").withModule(Policies.policy("add-header"))
                .withRootId("add_header").withInstances(1).build();
        PluginConfig accessLogger = PluginConfig.builder("access-log").withModule(Policies.policy("access-log"))
                .withInstances(1).withLog(accessLog).build();
        PluginConfig jsonAccessLogger = PluginConfig.builder("access-json").withModule(Policies.policy("access-log"))
                .withConfiguration("{\"format\": \"json\"}").withInstances(1).withLog(jsonAccessLog).build();
        return new ProxyWasmFilter(PluginChainConfig.of(List.of(testActions, addHeader))
                .withLogPlugins(List.of(accessLogger, jsonAccessLogger)));
    }

    @AfterAll
    void stop() throws Exception {
        server.stop();
        blockingServer.stop();
        stopIterationServer.stop();
    }

    private HttpRequest.Builder request(String path, String action) {
        return request(server, path, action);
    }

    private static HttpRequest.Builder request(TestServer target, String path, String action) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(target.uri(path)).timeout(Duration.ofSeconds(10));
        return action == null ? builder : builder.header("x-test-action", action);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return client.send(request.build(), BodyHandlers.ofString());
    }

    @Test
    void requestAndResponseHeadersAreAddedReplacedAndRemoved() throws Exception {
        HttpResponse<String> response = send(request("/app/echo", "headers").header("x-replace", "original")
                .header("x-remove", "bye"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("header.x-added=yes", "header.x-replace=replaced", "header.x-remove=null");
        assertThat(response.headers().firstValue("x-resp-added")).hasValue("yes");
        assertThat(response.headers().firstValue("x-resp-replace")).hasValue("replaced");
        assertThat(response.headers().firstValue("x-resp-remove")).isEmpty();
        assertThat(response.headers().firstValue("x-wasmgate")).as("the second plugin ran too").hasValue("hello");
    }

    @Test
    void theApplicationSeesTheRewrittenPathAndQuery() throws Exception {
        HttpResponse<String> response = send(request("/app/echo?original=1", "rewrite-path"));

        assertThat(response.body()).contains("uri=/app/rewritten\n", "path-info=/rewritten\n", "query=q=1\n", "param.q=1\n");
    }

    @Test
    void formParametersComeFromTheBodyThePluginsSaw() throws Exception {
        String form = "a=1&b=x+y&a=2";
        HttpResponse<String> response = send(request("/app/form?c=3", "count-body")
                .header("content-type", "application/x-www-form-urlencoded").POST(BodyPublishers.ofString(form)));

        assertThat(response.body()).isEqualTo("c=3\na=1,2\nb=x y\n");
        assertThat(response.headers().firstValue("x-request-body-bytes")).hasValue(Integer.toString(form.length()));
    }

    @Test
    void aLocalReplyAnswersWithoutCallingTheApplication() throws Exception {
        int before = application.calls();
        HttpResponse<String> response = send(request("/app/echo", "local-reply-403"));

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).isEqualTo("forbidden by policy");
        assertThat(response.headers().firstValue("x-policy")).hasValue("denied");
        assertThat(response.headers().firstValue("x-wasmgate")).as("local replies pass the response callbacks").hasValue("hello");
        assertThat(application.calls()).isEqualTo(before);
    }

    @Test
    void aLocalReplyToAGrpcRequestCarriesTheGrpcStatus() throws Exception {
        HttpResponse<String> response = send(request("/app/echo", "local-reply-grpc").header("content-type", "application/grpc")
                .POST(BodyPublishers.ofByteArray(new byte[5])));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("grpc-status")).hasValue("7");
        assertThat(response.headers().firstValue("grpc-message")).hasValue("forbidden by policy");
        assertThat(response.body()).isEmpty();
    }

    @Test
    void theApplicationReadsTheRequestBodyThePluginReplaced() throws Exception {
        HttpResponse<String> response = send(request("/app/echo", "replace-request-body")
                .POST(BodyPublishers.ofString("the original body")));

        assertThat(response.body()).contains("body=replaced request body\n");
    }

    /**
     * Whatever a plugin does to a body, the application reads exactly the bytes it left, and the length
     * it is told (before and after reading) is that of those bytes or unknown, never the client's.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "body-prepend-append, prepend.hello.append, helloprepend..append",
            "body-replace, replace, replace",
            "body-remove, '', ''",
            "body-append-no-length, hello.append, hello.append",
            "body-hold-chunks, hello, hello",
            "count-body, hello, hello"})
    void theApplicationReadsExactlyTheBodyThePluginsLeftWithATruthfulLength(String action, String sized, String chunked)
            throws Exception {
        String head = "POST /app/framing HTTP/1.1\r\nHost: app\r\nx-test-action: " + action + "\r\nConnection: close\r\n";
        for (String[] request : new String[][] {
                {head + "Content-Length: 5\r\n\r\nhello", sized},
                {head + "Transfer-Encoding: chunked\r\n\r\n3\r\nhel\r\n2\r\nlo\r\n0\r\n\r\n", chunked}}) {
            List<RawResponse> responses = RawResponse.parseAll(RecordingUpstream.exchange(server.uri("/").getPort(),
                    request[0], Duration.ofSeconds(10)));

            assertThat(responses).hasSize(1);
            String seen = responses.get(0).body();
            String body = request[1];
            assertThat(seen).endsWith("\nbody=" + body).contains("length-after=" + body.length() + "\n");
            String before = seen.lines().filter(line -> line.startsWith("length-before=")).findFirst().orElseThrow();
            assertThat(before).isIn("length-before=-1", "length-before=" + body.length());
            String declared = seen.lines().filter(line -> line.startsWith("header.content-length=")).findFirst().orElseThrow();
            assertThat(declared).isIn("header.content-length=null", "header.content-length=" + body.length());
            if (before.equals("length-before=-1")) {
                assertThat(seen).contains("header.transfer-encoding=chunked");
            }
        }
    }

    /** The application declares {@code Content-Length: 5} for "hello"; the client gets what the plugins left, framed truthfully. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "response-body-prepend-append, prepend.hello.append",
            "response-body-replace, replace",
            "response-body-remove, ''",
            "count-body, hello"})
    void theClientReceivesExactlyTheResponseBodyThePluginsLeftAndTheConnectionStaysInStep(String action, String expected)
            throws Exception {
        String answer = RecordingUpstream.exchange(server.uri("/").getPort(), "GET /app/declared-length HTTP/1.1\r\n"
                + "Host: app\r\nx-test-action: " + action + "\r\n\r\nGET /app/echo HTTP/1.1\r\nHost: app\r\n"
                + "Connection: close\r\n\r\n", Duration.ofSeconds(10));

        List<RawResponse> responses = RawResponse.parseAll(answer);
        assertThat(responses).extracting(RawResponse::status).containsExactly(200, 200);
        assertThat(responses.get(0).body()).isEqualTo(expected);
        assertThat(responses.get(1).body()).startsWith("method=GET\nuri=/app/echo\n");
    }

    @Test
    void aBodyTheApplicationNeverReadsStillPassesThePlugins() throws Exception {
        int before = application.calls();
        HttpResponse<String> sized = send(request("/app/ignore-body", "count-body")
                .POST(BodyPublishers.ofByteArray(new byte[10_000])));
        HttpResponse<String> chunked = send(request("/app/ignore-body", "count-body")
                .POST(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[30_000]))));

        assertThat(application.calls()).isEqualTo(before + 2);
        assertThat(sized.body()).isEqualTo("ignored the body");
        assertThat(sized.headers().firstValue("x-request-body-bytes")).hasValue("10000");
        assertThat(chunked.headers().firstValue("x-request-body-bytes")).hasValue("30000");
    }

    @Test
    void aBodyPolicyRefusingABodyTheApplicationNeverReadReplacesTheResponse() throws Exception {
        HttpResponse<String> response = send(request("/app/ignore-body", "reject-body").POST(BodyPublishers.ofString("{}")));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).isEqualTo("body refused");
        assertThat(response.headers().firstValue("x-wasmgate")).as("the reply passed the response plugins").hasValue("hello");
    }

    @Test
    void aBodyPolicyRefusingWhileTheApplicationReadsAnswersThroughTheResponsePlugins() throws Exception {
        String answer = exchangeRaw("POST /app/echo HTTP/1.1\r\nHost: app\r\nx-test-action: reject-body\r\n"
                + "Content-Length: 2\r\nConnection: close\r\n\r\n{}");

        RawResponse response = RawResponse.parseAll(answer).get(0);
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body()).isEqualTo("body refused");
        assertThat(response.header("x-wasmgate")).isEqualTo("hello");
    }

    @Test
    void headersHeldWithStopIterationReachTheApplicationOnlyOnceTheBodyPassedThePlugin() throws Exception {
        int before = stopIterationApplication.calls();
        HttpResponse<String> allowed = send(request(stopIterationServer, "/app/framing", "hold-headers-for-body")
                .POST(BodyPublishers.ofString("hello")));
        HttpResponse<String> denied = send(request(stopIterationServer, "/app/framing", "hold-headers-for-body")
                .POST(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream("please deny me".getBytes(StandardCharsets.US_ASCII)))));

        assertThat(allowed.statusCode()).isEqualTo(200);
        assertThat(allowed.body()).contains("length-before=5\n").endsWith("body=hello");
        assertThat(denied.statusCode()).isEqualTo(403);
        assertThat(stopIterationApplication.calls()).as("only the allowed request reached the application").isEqualTo(before + 1);
    }

    @Test
    void headersHeldWithoutStopIterationHoldTheBodyTooAndTheApplicationNeverRuns() throws Exception {
        int before = application.calls();
        HttpResponse<String> waiting = send(request("/app/echo", "hold-headers-for-body").POST(BodyPublishers.ofString("hello")));
        HttpResponse<String> tooLarge = send(request("/app/echo", "hold-headers-for-body")
                .POST(BodyPublishers.ofByteArray(new byte[200 * 1024])));

        assertThat(waiting.statusCode()).as("the plugin never sees the body it waits for: its pause deadline").isEqualTo(504);
        assertThat(tooLarge.statusCode()).as("the body waiting behind the held headers outgrew max_buffered_body").isEqualTo(413);
        assertThat(application.calls()).isEqualTo(before);
    }

    @Test
    void multipartPartsAreParsedFromTheBodyThePluginsLetThrough() throws Exception {
        String boundary = "wasmgateboundary";
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhi\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.json\"\r\n"
                + "Content-Type: application/json\r\n\r\n{\"name\":\"x\"}\r\n--" + boundary + "--\r\n";
        HttpRequest.Builder upload = request("/app/upload", "count-body")
                .header("content-type", "multipart/form-data; boundary=" + boundary);

        HttpResponse<String> counted = send(upload.POST(BodyPublishers.ofString(body)));
        HttpResponse<String> replaced = send(request("/app/upload", "body-replace")
                .header("content-type", "multipart/form-data; boundary=" + boundary).POST(BodyPublishers.ofString(body)));

        assertThat(counted.statusCode()).isEqualTo(200);
        assertThat(counted.body()).isEqualTo("note=null:hi\nfile=a.json:{\"name\":\"x\"}\nparam.note=hi\n");
        assertThat(counted.headers().firstValue("x-request-body-bytes")).hasValue(Integer.toString(body.length()));
        assertThat(replaced.body()).as("the parser saw the plugin's body, which holds no part any more")
                .isEqualTo("param.note=null\n");
    }

    @Test
    void aMultipartBodyOverTheServletsLimitIsRefusedLikeTheContainerWould() throws Exception {
        String boundary = "b";
        String body = "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big\"\r\n\r\n"
                + "x".repeat(100 * 1024) + "\r\n--b--\r\n";
        HttpResponse<String> response = send(request("/app/upload", "count-body")
                .header("content-type", "multipart/form-data; boundary=" + boundary).POST(BodyPublishers.ofString(body)));

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.body()).startsWith("error page for 500: the multipart request exceeds its maximum permitted size");
    }

    @Test
    void aWebSocketUpgradePassesTheRequestPluginsThenProceedsUntouched() throws Exception {
        assumeTrue(server.servesWebSockets(), server + " has no WebSocket implementation in this build");
        List<String> received = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.CompletableFuture<String> echoed = new java.util.concurrent.CompletableFuture<>();
        WebSocket socket = client.newWebSocketBuilder().header("x-test-action", "count-body")
                .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/app/ws"), new WebSocket.Listener() {
                    @Override
                    public java.util.concurrent.CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        received.add(data.toString());
                        echoed.complete(data.toString());
                        return WebSocket.Listener.super.onText(webSocket, data, last);
                    }
                }).get(10, java.util.concurrent.TimeUnit.SECONDS);
        socket.sendText("hello", true);

        assertThat(echoed.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("echo hello");
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, java.util.concurrent.TimeUnit.SECONDS);
        awaitLogLine(" access GET /app/ws 101");
    }

    @Test
    void anH2cUpgradeOfferTheContainerDeclinesIsAnOrdinaryRequestThroughThePlugins() throws Exception {
        // The blocking server's container speaks no h2c, so it answers the offer in HTTP/1.1.
        RawResponse response = RawResponse.parseAll(exchangeRaw(blockingServer, "GET /app/echo HTTP/1.1\r\nHost: app\r\n"
                + "Connection: Upgrade, HTTP2-Settings, close\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQBAAAAAAIAAAAA\r\n"
                + "x-test-action: headers\r\n\r\n")).get(0);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("x-wasmgate")).isEqualTo("hello");
        assertThat(response.header("x-resp-added")).isEqualTo("yes");
    }

    @Test
    void anApplicationReadingAndWritingWithListenersGetsTheBodyThePluginsLeft() throws Exception {
        HttpResponse<String> response = send(request("/app/nio-echo", "body-prepend-append")
                .POST(BodyPublishers.ofString("hello")));
        HttpResponse<String> counted = send(request("/app/nio-echo", "count-body")
                .POST(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[20_000]))));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("echo:prepend.hello.append");
        assertThat(counted.body()).hasSize("echo:".length() + 20_000);
        assertThat(counted.headers().firstValue("x-request-body-bytes")).hasValue("20000");
    }

    @Test
    void aPluginCanRefuseAWebSocketUpgrade() throws Exception {
        assumeTrue(server.servesWebSockets(), server + " has no WebSocket implementation in this build");
        java.util.concurrent.CompletableFuture<WebSocket> upgrade = client.newWebSocketBuilder()
                .header("x-test-action", "local-reply-403")
                .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/app/ws"), new WebSocket.Listener() { });

        assertThatThrownBy(() -> upgrade.get(10, java.util.concurrent.TimeUnit.SECONDS))
                .hasCauseInstanceOf(java.net.http.WebSocketHandshakeException.class)
                .satisfies(e -> assertThat(((java.net.http.WebSocketHandshakeException) e.getCause()).getResponse().statusCode())
                        .isEqualTo(403));
    }

    @Test
    void aSentErrorKeepsTheContainersErrorPageAndThePluginsSeeItOnce() throws Exception {
        HttpResponse<String> response = send(request("/app/send-error?trace=sent-error", "headers"));

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).isEqualTo("error page for 404: nothing here");
        assertThat(response.headers().firstValue("x-wasmgate")).hasValue("hello");
        assertThat(response.headers().firstValue("x-resp-added")).hasValue("yes");
        awaitLogLine(" access GET /app/send-error?trace=sent-error 404");
        assertThat(accessLog.texts()).filteredOn(line -> line.contains("trace=sent-error")).hasSize(1);
    }

    @Test
    void anApplicationExceptionGetsTheContainersErrorPageThroughThePlugins() throws Exception {
        HttpResponse<String> response = send(request("/app/throw?trace=thrown", null));

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.body()).isEqualTo("error page for 500: the application broke");
        assertThat(response.headers().firstValue("x-wasmgate")).hasValue("hello");
        awaitLogLine(" access GET /app/throw?trace=thrown 500");
    }

    /** Over h2c the body has no chunks and may have no length: the application still reads exactly what the plugins left. */
    @ParameterizedTest(name = "{0} declared={1}")
    @CsvSource({
            "body-replace, true, replace",
            "body-replace, false, replace",
            "body-append-no-length, true, hello.append",
            "count-body, false, hello"})
    void overH2cTheApplicationReadsExactlyTheBodyThePluginsLeft(String action, boolean declared, String expected)
            throws Exception {
        org.eclipse.jetty.client.HttpClient h2 = new org.eclipse.jetty.client.HttpClient(
                new org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2(
                        new org.eclipse.jetty.http2.client.HTTP2Client()));
        h2.start();
        try {
            byte[] hello = "hello".getBytes(StandardCharsets.US_ASCII);
            org.eclipse.jetty.client.Request request = h2.newRequest(server.uri("/app/framing")).method("POST")
                    .timeout(10, java.util.concurrent.TimeUnit.SECONDS)
                    .headers(headers -> headers.put("x-test-action", action));
            if (declared) {
                request.body(new org.eclipse.jetty.client.BytesRequestContent(hello));
            } else {
                org.eclipse.jetty.client.AsyncRequestContent content = new org.eclipse.jetty.client.AsyncRequestContent();
                content.write(java.nio.ByteBuffer.wrap(hello), org.eclipse.jetty.util.Callback.NOOP);
                content.close();
                request.body(content);
            }
            org.eclipse.jetty.client.ContentResponse response = request.send();

            assertThat(response.getVersion()).isEqualTo(org.eclipse.jetty.http.HttpVersion.HTTP_2);
            assertThat(response.getContentAsString()).endsWith("\nbody=" + expected)
                    .contains("length-after=" + expected.length() + "\n");
        } finally {
            h2.stop();
        }
    }

    /**
     * An HTTP/2 client may split its cookies over several fields; the plugins get one cookie header, as from
     * Envoy (where it stands is the container's: Tomcat joins the fields itself, at the end).
     */
    @Test
    void overH2cThePluginsSeeTheCookieFieldsAsOneCookieHeader() throws Exception {
        org.eclipse.jetty.http.HttpFields response = h2cResponseHeaders("/app/echo", org.eclipse.jetty.http.HttpFields.build()
                .add("x-test-action", "echo-header-order").add("cookie", "a=1").add("x-mid", "m").add("cookie", "b=2"));

        List<String> seen = List.of(response.get("x-seen-headers").split(" \\| "));
        assertThat(seen).filteredOn(field -> field.startsWith("cookie=")).containsExactly("cookie=a=1; b=2");
        assertThat(seen).contains("x-mid=m", "x-test-action=echo-header-order");
    }

    /** The response head of a GET over prior-knowledge h2c whose request carries exactly {@code fields}. */
    private org.eclipse.jetty.http.HttpFields h2cResponseHeaders(String path, org.eclipse.jetty.http.HttpFields.Mutable fields)
            throws Exception {
        org.eclipse.jetty.http2.client.HTTP2Client client = new org.eclipse.jetty.http2.client.HTTP2Client();
        client.start();
        try {
            URI uri = server.uri(path);
            org.eclipse.jetty.http2.api.Session session = client.connect(new java.net.InetSocketAddress(uri.getHost(), uri.getPort()),
                    new org.eclipse.jetty.http2.api.Session.Listener() {}).get(5, java.util.concurrent.TimeUnit.SECONDS);
            org.eclipse.jetty.http.MetaData.Request request = new org.eclipse.jetty.http.MetaData.Request("GET",
                    org.eclipse.jetty.http.HttpURI.from(uri.toString()), org.eclipse.jetty.http.HttpVersion.HTTP_2, fields);
            java.util.concurrent.CompletableFuture<org.eclipse.jetty.http.HttpFields> head = new java.util.concurrent.CompletableFuture<>();
            session.newStream(new org.eclipse.jetty.http2.frames.HeadersFrame(request, null, true),
                    new org.eclipse.jetty.http2.api.Stream.Listener() {
                        @Override
                        public void onHeaders(org.eclipse.jetty.http2.api.Stream stream, org.eclipse.jetty.http2.frames.HeadersFrame frame) {
                            if (frame.getMetaData() instanceof org.eclipse.jetty.http.MetaData.Response response
                                    && response.getStatus() >= 200) {
                                head.complete(response.getHttpFields());
                            }
                            stream.demand();
                        }

                        @Override
                        public void onDataAvailable(org.eclipse.jetty.http2.api.Stream stream) {
                            org.eclipse.jetty.http2.api.Stream.Data data = stream.readData();
                            if (data != null) {
                                data.release();
                            }
                            if (data == null || !data.frame().isEndStream()) {
                                stream.demand();
                            }
                        }
                    });
            return head.get(10, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            client.stop();
        }
    }

    @Test
    void theClientReceivesTheResponseBodyThePluginReplacedWithItsLength() throws Exception {
        HttpResponse<String> response = send(request("/app/echo", "replace-response-body"));

        assertThat(response.body()).isEqualTo("replaced response body");
        assertThat(response.headers().firstValue("content-length")).hasValue("22");
    }

    @Test
    void aChunkedUploadReachesThePluginInSeveralBodyCallbacks() throws Exception {
        byte[] upload = new byte[64 * 1024];
        HttpResponse<String> response = send(request("/app/echo", "count-body")
                .POST(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(upload))));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-request-body-bytes")).hasValue(Integer.toString(upload.length));
        assertThat(Integer.parseInt(response.headers().firstValue("x-request-body-calls").orElseThrow())).isGreaterThan(1);
    }

    @Test
    void aPausedRequestResumesFromATick() throws Exception {
        HttpResponse<String> response = send(request("/app/echo", "pause"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("header.x-resumed=tick");
    }

    @Test
    void aPausedResponseResumesFromATickWithItsBody() throws Exception {
        HttpResponse<String> response = send(request("/app/stream?chunks=4", "pause-response"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-resumed")).hasValue("tick");
        assertThat(response.body()).hasSize(4 * 64 * "chunk 0\n".length()).startsWith("chunk 0\n").endsWith("chunk 3\n");
    }

    @Test
    void aResponseHeldTooLongForItsBodyGets502() throws Exception {
        HttpResponse<String> response = send(request("/app/stream?chunks=200", "pause-response-forever"));

        assertThat(response.statusCode()).as("more than 64KiB waited behind the held headers").isEqualTo(502);
        assertThat(response.body()).isEmpty();
    }

    @Test
    void aResponsePausedPastItsDeadlineGets504() throws Exception {
        HttpResponse<String> response = send(request("/app/stream?chunks=1&held=1", "pause-response-forever"));

        assertThat(response.statusCode()).isEqualTo(504);
        assertThat(response.body()).isEmpty();
        awaitLogLine("access GET /app/stream?chunks=1&held=1 504");
    }

    @Test
    void aRequestPausedPastItsDeadlineGets504() throws Exception {
        int before = application.calls();
        HttpResponse<String> response = send(request("/app/echo", "pause-forever"));

        assertThat(response.statusCode()).isEqualTo(504);
        assertThat(application.calls()).isEqualTo(before);
        awaitLogLine("access GET /app/echo 504");
    }

    @Test
    void withoutAsyncSupportAPausedRequestWaitsOnItsThreadUntilTheDeadline() throws Exception {
        HttpResponse<String> response = send(request(blockingServer, "/app/echo?blocking=1", "pause-forever"));

        assertThat(response.statusCode()).isEqualTo(504);
        awaitLogLine("access GET /app/echo?blocking=1 504");
    }

    @Test
    void aTrapAnswers503AndTheNextRequestIsServed() throws Exception {
        HttpResponse<String> failed = send(request("/app/echo?trap=1", "trap"));
        HttpResponse<String> next = send(request("/app/echo", null));

        assertThat(failed.statusCode()).isEqualTo(503);
        assertThat(failed.body()).isEmpty();
        assertThat(next.statusCode()).isEqualTo(200);
        assertThat(next.body()).contains("method=GET");
        awaitLogLine("access GET /app/echo?trap=1 503");
    }

    @Test
    void pluginsReadTheAttributesTheServletSideKnows() throws Exception {
        long before = System.currentTimeMillis();
        HttpResponse<String> response = send(request("/app/echo", "attributes").header("x-request-id", "req-42")
                .POST(BodyPublishers.ofString("12345")));
        HttpResponse<String> anonymous = send(request("/app/echo", "attributes"));

        assertThat(response.headers().firstValue("x-attr-protocol")).hasValue("HTTP/1.1");
        assertThat(response.headers().firstValue("x-attr-id")).hasValue("req-42");
        assertThat(response.headers().firstValue("x-attr-size")).hasValue("5");
        assertThat(response.headers().firstValue("x-attr-source").orElseThrow()).matches("127\\.0\\.0\\.1:\\d+");
        assertThat(response.headers().firstValue("x-attr-destination-port")).hasValue(Integer.toString(server.port()));
        assertThat(response.headers().firstValue("x-attr-mtls")).hasValue("false");
        long requestTimeMillis = Long.parseLong(response.headers().firstValue("x-attr-time").orElseThrow()) / 1_000_000;
        assertThat(requestTimeMillis).isBetween(before - 1000, System.currentTimeMillis());
        assertThat(anonymous.headers().firstValue("x-attr-id").orElseThrow()).as("generated")
                .matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    }

    @Test
    void theLogPluginRecordsMethodPathAndFinalStatus() throws Exception {
        send(request("/app/echo?log=1", null).POST(BodyPublishers.ofString("x")));
        send(request("/app/echo?log=2", "local-reply-403"));

        awaitLogLine("access POST /app/echo?log=1 200");
        awaitLogLine("access GET /app/echo?log=2 403");
    }

    @Test
    void aClientThatDisconnectsMidResponseIsStillLogged() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET /app/stream?chunks=500&delay=10&abort=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] first = new byte[1024];
            assertThat(in.read(first)).isPositive();
        }

        awaitLogLine("access GET /app/stream?chunks=500&delay=10&abort=1 200");
    }

    @Test
    void aLocalReplyAfterTheResponseWasCommittedResetsTheStream() throws Exception {
        String answer = exchangeRaw("GET /app/stream?chunks=3 HTTP/1.1\r\nHost: app\r\n"
                + "x-test-action: reply-on-second-body\r\nConnection: close\r\n\r\n");

        // The status went out before the plugin's reply: the stream is broken off, its chunked body never ended.
        assertThat(answer).startsWith("HTTP/1.1 200").contains("chunked").doesNotEndWith("\r\n0\r\n\r\n");
    }


    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "/app/x/../echo, /app/echo",
            "/app/./echo, /app/echo",
            "/app/%65cho, /app/echo",
            "/%61pp/echo, /app/echo",
            "/app/a%3fb, /app/a%3Fb"})
    void thePluginsSeeThePathTheApplicationIsServedOnNormalised(String sent, String path) throws Exception {
        Echo echo = echoRaw(sent + "?q=1");

        assertThat(echo.status()).isEqualTo(200);
        assertThat(echo.seenPath()).isEqualTo(path + "?q=1");
        assertThat(echo.uri()).isEqualTo(path);
    }

    /**
     * Whatever path a container accepts, it maps the request on the path the plugins saw: a policy guarding
     * {@code /app/echo} sees every spelling that reaches it. Each container refuses some of these itself.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/app/x/%2e%2e/echo", "/app/x/.%2E/echo", "/app/%2e/echo", "/app/x/..;/echo", "/app//echo",
            "/app/echo/..", "/app/a%2Fb/../echo", "/app/a%5C../echo", "/app/%C3%A9/../echo", "/app;x=1/echo", "/app/echo;x=1", "/app/x;y/../echo", "/app/echo;/"})
    void noSpellingOfAPathReachesTheApplicationOtherThanThePluginsSawIt(String sent) throws Exception {
        Echo echo = echoRaw(sent);

        assertThat(echo.status()).isIn(200, 400, 404);
        if (echo.status() == 200) {
            assertThat(PathNormalizer.decode(echo.seenPath())).isEqualTo(echo.uri()).isEqualTo("/app" + echo.pathInfo());
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "/app/x/..;/echo, a dot segment with a path parameter",
            "/app//echo, an empty segment"})
    void aPathThePluginsCannotSeeAsTheApplicationGetsItIsRefusedBeforeThePlugins(String sent, String reason) throws Exception {
        int before = application.calls();

        String answer = exchangeRaw("GET " + sent + " HTTP/1.1\r\nHost: app\r\nx-test-action: echo-request\r\n"
                + "Connection: close\r\n\r\n");

        assertThat(answer).startsWith("HTTP/1.1 400");
        // Jetty refuses both itself, before any filter; Tomcat takes them, and the filter refuses them.
        if (answer.contains("bad request path")) {
            assertThat(answer).endsWith("\r\n\r\nbad request path: " + reason + "\n");
        }
        assertThat(answer).doesNotContainIgnoringCase("x-seen-path");
        assertThat(application.calls()).isEqualTo(before);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "/app;x=1/echo, /app/echo",
            "/app/echo;jsessionid=0A1B, /app/echo",
            "/app;a;b=2/echo;c, /app/echo",
            "/app/x;y/../echo, /app/echo"})
    void thePluginsAndTheApplicationSeeThePathWithoutItsParametersAsTheContainerMapsIt(String sent, String path)
            throws Exception {
        Echo echo = echoRaw(sent + "?q=1");

        assertThat(echo.status()).isEqualTo(200);
        assertThat(echo.seenPath()).isEqualTo(path + "?q=1");
        assertThat(echo.uri()).isEqualTo(path);
        assertThat(echo.pathInfo()).isEqualTo("/echo");
    }

    @Test
    void aSessionIdRewrittenIntoTheUrlStillFindsItsSessionOnceThePathIsStripped() throws Exception {
        String first = exchangeRaw("GET /app/session HTTP/1.1\r\nHost: app\r\nConnection: close\r\n\r\n");
        String id = first.substring(first.lastIndexOf("\r\n\r\n") + 4).split(" ")[0];

        // No cookie: only the id in the path (what encodeURL writes when cookies are off) names the session.
        String second = exchangeRaw("GET /app/session;jsessionid=" + id + " HTTP/1.1\r\nHost: app\r\n"
                + "Connection: close\r\n\r\n");

        assertThat(first).startsWith("HTTP/1.1 200").endsWith(" 1");
        assertThat(second).startsWith("HTTP/1.1 200").endsWith("\r\n\r\n" + id + " 2");
    }

    @Test
    void aSegmentThatIsOnlyAPathParameterIsRefusedBeforeThePlugins() throws Exception {
        int before = application.calls();

        String answer = exchangeRaw("GET /app/;x/echo HTTP/1.1\r\nHost: app\r\nx-test-action: echo-request\r\n"
                + "Connection: close\r\n\r\n");

        assertThat(answer).startsWith("HTTP/1.1 400").doesNotContainIgnoringCase("x-seen-path");
        // Jetty refuses the empty segment itself; Tomcat takes it, and the filter refuses it.
        if (answer.contains("bad request path")) {
            assertThat(answer).endsWith("\r\n\r\nbad request path: an empty segment with a path parameter\n");
        }
        assertThat(application.calls()).isEqualTo(before);
    }

    @Test
    void pathParametersRejectRefusesAPathCarryingOneBeforeThePlugins() throws Exception {
        ApplicationServlet app = new ApplicationServlet();
        TestServer rejecting = newServer();
        rejecting.start(new ProxyWasmFilter(PluginChainConfig.of(List.of(PluginConfig.builder("test-actions")
                .withModule(Policies.policy("test-actions")).withInstances(1).build()))
                .withPathParameters(PathParameters.REJECT)), app, true);
        try {
            String refused = exchangeRaw(rejecting, "GET /app/echo;jsessionid=0A1B HTTP/1.1\r\nHost: app\r\n"
                    + "x-test-action: echo-request\r\nConnection: close\r\n\r\n");
            String served = exchangeRaw(rejecting, "GET /app/echo HTTP/1.1\r\nHost: app\r\n"
                    + "x-test-action: echo-request\r\nConnection: close\r\n\r\n");

            assertThat(refused).startsWith("HTTP/1.1 400").endsWith("\r\n\r\nbad request path: a path parameter\n")
                    .doesNotContainIgnoringCase("x-seen-path");
            assertThat(served).startsWith("HTTP/1.1 200").containsIgnoringCase("x-seen-path: /app/echo\r\n");
            assertThat(app.calls()).isEqualTo(1);
        } finally {
            rejecting.stop();
        }
    }

    @Test
    void pathParametersKeepShowsThemToThePluginsAndTheApplicationAsSent() throws Exception {
        TestServer keeping = newServer();
        keeping.start(new ProxyWasmFilter(PluginChainConfig.of(List.of(PluginConfig.builder("test-actions")
                .withModule(Policies.policy("test-actions")).withInstances(1).build()))
                .withPathParameters(PathParameters.KEEP)), new ApplicationServlet(), true);
        try {
            String answer = exchangeRaw(keeping, "GET /app;x=1/echo HTTP/1.1\r\nHost: app\r\n"
                    + "x-test-action: echo-request\r\nConnection: close\r\n\r\n");

            // As Envoy: the parameter stays, though the container mapped the request as /app/echo.
            assertThat(answer).startsWith("HTTP/1.1 200").containsIgnoringCase("x-seen-path: /app;x=1/echo\r\n");
            assertThat(line(answer, "uri=")).isEqualTo("/app;x=1/echo");
        } finally {
            keeping.stop();
        }
    }

    /** What the echo plugin and the application reported for a request. */
    private record Echo(int status, String seenPath, String uri, String pathInfo) {}

    /** {@code GET target} (sent as is) through the echo-request plugin to the application's echo. */
    private Echo echoRaw(String target) throws IOException {
        String answer = exchangeRaw("GET " + target + " HTTP/1.1\r\nHost: app\r\nx-test-action: echo-request\r\n"
                + "Connection: close\r\n\r\n");
        int status = Integer.parseInt(answer.substring(9, 12));
        return new Echo(status, line(answer, "x-seen-path: "), line(answer, "uri="), line(answer, "path-info="));
    }

    private static String line(String answer, String prefix) {
        return answer.lines().filter(l -> l.regionMatches(true, 0, prefix, 0, prefix.length()))
                .map(l -> l.substring(prefix.length())).findFirst().orElse(null);
    }

    @Test
    void aNotModifiedTheApplicationGaveNoLengthReachesTheClientWithNone() throws Exception {
        String answer = exchangeRaw("GET /app/not-modified HTTP/1.1\r\nHost: app\r\nx-test-action: headers\r\n"
                + "Connection: close\r\n\r\n");

        // Content-Length: 0 would tell a cache revalidating its copy that the copy is now empty.
        assertThat(answer.substring(0, answer.indexOf("\r\n\r\n"))).startsWith("HTTP/1.1 304")
                .containsIgnoringCase("\r\netag: \"v1\"").containsIgnoringCase("\r\nx-resp-added: yes")
                .doesNotContainIgnoringCase("content-length").doesNotContainIgnoringCase("transfer-encoding");
        assertThat(answer).endsWith("\r\n\r\n");
    }

    @Test
    void theApplicationSeesTheSameHeadersWhetherOrNotAPluginChangedThem() throws Exception {
        String untouched = send(request("/app/header-names", "none").header("X-Mixed-Case", "a")).body();
        String changed = send(request("/app/header-names", "headers").header("X-Mixed-Case", "a")).body();

        List<String> untouchedHeaders = untouched.lines().map(FilterScenarios::lowerCaseName).toList();
        assertThat(untouchedHeaders).contains("x-mixed-case=a", "x-test-action=none")
                .noneMatch(line -> line.startsWith("x-added="));
        List<String> expected = new ArrayList<>(untouchedHeaders);
        expected.replaceAll(line -> line.equals("x-test-action=none") ? "x-test-action=headers" : line);
        expected.addAll(List.of("x-added=yes", "x-replace=replaced"));
        assertThat(changed.lines()).containsExactlyInAnyOrderElementsOf(expected);
    }

    @ParameterizedTest
    @CsvSource({"none", "headers"})
    void theApplicationSeesEachHeaderNameOnceInTheClientsOrderWithAllItsValues(String action) throws IOException {
        String answer = exchangeRaw("GET /app/header-names HTTP/1.1\r\nX-First: 1\r\nHost: 127.0.0.1\r\nX-Repeat: a\r\n"
                + "X-Mixed-Case: B\r\nx-repeat: c\r\nx-test-action: " + action + "\r\nConnection: close\r\n\r\n");

        List<String> lines = RawResponse.parseAll(answer).get(0).body().lines().toList();
        if (action.equals("none")) {
            assertThat(lines).containsExactly("x-first=1", "host=127.0.0.1", "x-repeat=a,c", "x-mixed-case=B",
                    "x-test-action=none", "connection=close");
        } else {
            // A plugin changed the map: the names come from it, where the authority leads.
            assertThat(lines).containsExactly("host=127.0.0.1", "x-first=1", "x-repeat=a,c", "x-mixed-case=B",
                    "x-test-action=headers", "connection=close", "x-added=yes", "x-replace=replaced");
        }
    }

    /**
     * A proxy behind the filter can read the request's fields in one pass: exactly what the names and their
     * values give, each value on its own, lower-case names, where the map put them once a plugin changed it.
     */
    @ParameterizedTest
    @CsvSource({"none", "headers"})
    void theRequestsFieldsInOnePassAreItsHeaderNamesAndValues(String action) throws IOException {
        String request = " HTTP/1.1\r\nX-First: 1\r\nHost: 127.0.0.1\r\nX-Repeat: a\r\nX-Mixed-Case: B\r\n"
                + "x-repeat: c\r\nx-test-action: " + action + "\r\nConnection: close\r\n\r\n";
        RawResponse fields = RawResponse.parseAll(exchangeRaw("GET /app/header-fields" + request)).get(0);
        RawResponse names = RawResponse.parseAll(exchangeRaw("GET /app/header-names" + request)).get(0);

        assertThat(fields.status()).as(fields.body()).isEqualTo(200);
        List<String> byName = new ArrayList<>();
        names.body().lines().forEach(line -> {
            int eq = line.indexOf('=');
            for (String value : line.substring(eq + 1).split(",")) {
                byName.add(line.substring(0, eq).toLowerCase(Locale.ROOT) + "=" + value);
            }
        });
        assertThat(fields.body().lines()).containsExactlyElementsOf(byName);
        if (action.equals("headers")) {
            assertThat(fields.body().lines()).startsWith("host=127.0.0.1").endsWith("x-added=yes", "x-replace=replaced");
        }
    }

    /** {@code Name=value} with the name lower-cased: containers spell unchanged names their own way. */
    private static String lowerCaseName(String line) {
        int eq = line.indexOf('=');
        return line.substring(0, eq).toLowerCase(Locale.ROOT) + line.substring(eq);
    }

    @Test
    void aBodyThatReachedItsDeclaredLengthIsCompleteAndRefusesMore() throws Exception {
        int rejectedBefore = application.overrunsRejected();

        HttpResponse<String> response = send(request("/app/declared-length", null));

        assertThat(response.body()).isEqualTo("hello");
        assertThat(response.headers().firstValue("content-length")).hasValue("5");
        assertThat(response.headers().firstValue("x-wasmgate")).as("the plugins saw the response").hasValue("hello");
        Poll.until("the application's write past the declared length failed",
                () -> application.overrunsRejected() == rejectedBefore + 1);
    }

    @Test
    void anAsyncApplicationResponseGoesThroughThePlugins() throws Exception {
        HttpResponse<String> plain = send(request("/app/async", null));
        HttpResponse<String> replaced = send(request("/app/async", "replace-response-body"));

        assertThat(plain.body()).isEqualTo("async done");
        assertThat(plain.headers().firstValue("x-wasmgate")).hasValue("hello");
        assertThat(replaced.body()).isEqualTo("replaced response body");
    }

    @Test
    void trailersPassThePluginsBothWays() throws Exception {
        String withAppTrailers = exchangeRaw("POST /app/trailers?app=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nx-test-action: trailers\r\n"
                + "TE: trailers\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                + "5\r\nhello\r\n0\r\nx-checksum: abc\r\n\r\n");
        String pluginTrailerOnly = exchangeRaw("GET /app/trailers HTTP/1.1\r\nHost: 127.0.0.1\r\nx-test-action: trailers\r\n"
                + "TE: trailers\r\nConnection: close\r\n\r\n");

        assertThat(ChunkedResponse.parse(withAppTrailers)).satisfies(response -> {
            assertThat(response.body()).isEqualTo("trailer=checked");
            assertThat(response.trailers()).containsEntry("x-app-trailer", "yes").containsEntry("x-plugin-trailer", "added");
        });
        assertThat(ChunkedResponse.parse(pluginTrailerOnly).trailers()).containsEntry("x-plugin-trailer", "added");
    }

    @Test
    void aResponseHeldPastItsLimitAfterItsStatusWentOutIsBrokenOffAndLoggedAsSuch() throws Exception {
        String answer = exchangeRaw("GET /app/stream?chunks=400&trace=reset HTTP/1.1\r\nHost: app\r\n"
                + "x-test-action: response-body-replace\r\nConnection: close\r\n\r\n");

        assertThat(answer).startsWith("HTTP/1.1 200").contains("chunked").doesNotEndWith("\r\n0\r\n\r\n");
        Poll.until("the access log line", () -> jsonAccessLog.texts().stream().anyMatch(line -> line.contains("trace=reset")));
        assertThat(jsonAccessLog.texts()).filteredOn(line -> line.contains("trace=reset")).singleElement().asString()
                .contains("\"details\":\"wasm_buffer_limit{stream_reset_after_response_started}\"");
    }

    /** Sends {@code request} as is on a new connection and reads the whole response (the request asks to close). */
    private String exchangeRaw(String request) throws IOException {
        return exchangeRaw(server, request);
    }

    /** {@link #exchangeRaw(String)} to {@code target}. */
    private static String exchangeRaw(TestServer target, String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", target.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private void awaitLogLine(String line) {
        Poll.until("the access log line '" + line + "'", () -> accessLog.texts().stream().anyMatch(l -> l.endsWith(line)));
        assertThat(accessLog.texts()).anyMatch(l -> l.endsWith(line));
    }
}
