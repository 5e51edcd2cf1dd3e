package io.wasmgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.ForwardingServerCall;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.wasmgate.gateway.testing.GatewayFixture;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * gRPC through the gateway, a grpc-java client on its h2c listener and a grpc-java server behind an
 * {@code http2: true} cluster, with and without a plugin on the route: messages both ways, the server's
 * status and trailing metadata (HTTP/2 trailers), and an error status with its message.
 */
class GrpcThroughTheGatewayTest {
    private static final String SERVICE = "test.Echo";
    private static final Metadata.Key<String> TRAILER = Metadata.Key.of("x-server-trailer", Metadata.ASCII_STRING_MARSHALLER);
    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };
    private static final MethodDescriptor<byte[], byte[]> UNARY = method("Unary", MethodDescriptor.MethodType.UNARY);
    private static final MethodDescriptor<byte[], byte[]> STREAM = method("ServerStream", MethodDescriptor.MethodType.SERVER_STREAMING);
    private static final MethodDescriptor<byte[], byte[]> FAIL = method("Fail", MethodDescriptor.MethodType.UNARY);
    private static final MethodDescriptor<byte[], byte[]> CHAT = method("Chat", MethodDescriptor.MethodType.BIDI_STREAMING);

    @TempDir
    static Path dir;

    static Server server;
    static GatewayFixture gateway;
    static ManagedChannel channel;

    @BeforeAll
    static void start() throws Exception {
        ServerServiceDefinition service = ServerServiceDefinition.builder(SERVICE)
                .addMethod(UNARY, ServerCalls.asyncUnaryCall((request, response) -> {
                    response.onNext(("echo:" + new String(request, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
                    response.onCompleted();
                }))
                .addMethod(STREAM, ServerCalls.asyncServerStreamingCall((request, response) -> {
                    for (int i = 0; i < Integer.parseInt(new String(request, StandardCharsets.UTF_8)); i++) {
                        response.onNext(("msg-" + i).getBytes(StandardCharsets.UTF_8));
                    }
                    response.onCompleted();
                }))
                .addMethod(CHAT, ServerCalls.asyncBidiStreamingCall(response -> new StreamObserver<byte[]>() {
                    @Override
                    public void onNext(byte[] message) {
                        response.onNext(("re:" + new String(message, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
                    }

                    @Override
                    public void onError(Throwable t) {}

                    @Override
                    public void onCompleted() {
                        response.onCompleted();
                    }
                }))
                .addMethod(FAIL, ServerCalls.asyncUnaryCall((request, response) ->
                        response.onError(Status.PERMISSION_DENIED.withDescription("denied: 100% sure").asRuntimeException())))
                .build();
        server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .addService(ServerInterceptors.intercept(service, new TrailerInterceptor()))
                .build()
                .start();
        GatewayFixture.copyModules(dir);
        gateway = GatewayFixture.start(dir, GatewayFixture.PORTS + """
                plugins:
                  - { name: actions, module: { file: policies/test-actions.wasm } }
                clusters:
                  - { name: grpc, url: "http://127.0.0.1:%d", http2: true }
                routes:
                  - { match: { prefix: /test.Echo/, headers: { x-route: plugged } }, cluster: grpc, plugins: [ actions ] }
                  - { match: { prefix: /test.Echo/ }, cluster: grpc }
                """.formatted(server.getPort()));
        channel = NettyChannelBuilder.forAddress("127.0.0.1", gateway.proxy("/").getPort()).usePlaintext().build();
    }

    @AfterAll
    static void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        gateway.close();
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private static MethodDescriptor<byte[], byte[]> method(String name, MethodDescriptor.MethodType type) {
        return MethodDescriptor.<byte[], byte[]>newBuilder().setType(type)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
                .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();
    }

    /** A call on {@code route} ("plugged" or "plain"), capturing the trailing metadata into {@code trailers}. */
    private static ClientCall<byte[], byte[]> call(MethodDescriptor<byte[], byte[]> method, String route,
            AtomicReference<Metadata> trailers) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("x-route", Metadata.ASCII_STRING_MARSHALLER), route);
        return io.grpc.ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers),
                MetadataUtils.newCaptureMetadataInterceptor(new AtomicReference<>(), trailers)).newCall(method, CallOptions.DEFAULT);
    }

    @ParameterizedTest(name = "route {0}")
    @ValueSource(strings = {"plain", "plugged"})
    void aUnaryCallGetsItsAnswerAndTheServersTrailingMetadata(String route) {
        AtomicReference<Metadata> trailers = new AtomicReference<>();

        byte[] answer = ClientCalls.blockingUnaryCall(call(UNARY, route, trailers), "hi".getBytes(StandardCharsets.UTF_8));

        assertThat(new String(answer, StandardCharsets.UTF_8)).isEqualTo("echo:hi");
        assertThat(trailers.get().get(TRAILER)).isEqualTo("bye");
    }

    @ParameterizedTest(name = "route {0}")
    @ValueSource(strings = {"plain", "plugged"})
    void aServerStreamDeliversEveryMessage(String route) {
        Iterator<byte[]> messages = ClientCalls.blockingServerStreamingCall(call(STREAM, route, new AtomicReference<>()),
                "50".getBytes(StandardCharsets.UTF_8));

        List<String> received = StreamSupport.stream(((Iterable<byte[]>) () -> messages).spliterator(), false)
                .map(m -> new String(m, StandardCharsets.UTF_8)).collect(Collectors.toList());

        assertThat(received).hasSize(50).startsWith("msg-0", "msg-1").endsWith("msg-49");
    }

    /** Each answer comes before the next message is sent: neither direction waits for the other to end. */
    @ParameterizedTest(name = "route {0}")
    @ValueSource(strings = {"plain", "plugged"})
    void aBidiStreamAnswersEachMessageWhileTheRequestStreamIsStillOpen(String route) throws Exception {
        BlockingQueue<String> answers = new LinkedBlockingQueue<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        StreamObserver<byte[]> requests = ClientCalls.asyncBidiStreamingCall(call(CHAT, route, new AtomicReference<>()),
                new StreamObserver<>() {
                    @Override
                    public void onNext(byte[] message) {
                        answers.add(new String(message, StandardCharsets.UTF_8));
                    }

                    @Override
                    public void onError(Throwable t) {
                        done.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        done.complete(null);
                    }
                });

        for (int i = 0; i < 3; i++) {
            requests.onNext(("m" + i).getBytes(StandardCharsets.UTF_8));
            assertThat(answers.poll(10, TimeUnit.SECONDS)).as("the answer to m%d, the request stream still open", i)
                    .isEqualTo("re:m" + i);
        }
        requests.onCompleted();

        assertThat(done).succeedsWithin(Duration.ofSeconds(10));
    }

    @ParameterizedTest(name = "route {0}")
    @ValueSource(strings = {"plain", "plugged"})
    void anErrorStatusReachesTheClientWithItsMessage(String route) {
        AtomicReference<Metadata> trailers = new AtomicReference<>();

        assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(call(FAIL, route, trailers), new byte[0]))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
                    assertThat(e.getStatus().getDescription()).isEqualTo("denied: 100% sure");
                });
        assertThat(trailers.get().get(TRAILER)).isEqualTo("bye");
    }

    /** Adds {@code x-server-trailer: bye} to every call's trailing metadata. */
    private static final class TrailerInterceptor implements ServerInterceptor {
        @Override
        public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
            return next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
                @Override
                public void close(Status status, Metadata trailers) {
                    trailers.put(TRAILER, "bye");
                    super.close(status, trailers);
                }
            }, headers);
        }
    }
}
