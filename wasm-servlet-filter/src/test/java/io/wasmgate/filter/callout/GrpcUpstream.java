package io.wasmgate.filter.callout;

import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A real grpc-java server on a loopback ephemeral port with service {@code test.Echo}, its messages plain
 * bytes (no protobuf). Every response carries initial metadata {@code x-server-initial: hello} and trailing
 * metadata {@code x-server-trailer: bye}.
 *
 * <ul>
 *   <li>{@code Unary}: answers {@code echo:<request>}
 *   <li>{@code ServerStream}: request {@code N} or {@code N:SIZE}; answers N messages {@code msg-i} (or of SIZE
 *       bytes each), then OK
 *   <li>{@code Collect} (client streaming): answers the request messages joined with {@code ,}
 *   <li>{@code Fail}: PERMISSION_DENIED with message {@link #FAILURE_MESSAGE}
 *   <li>{@code Hang}: never answers; {@link #hanging} counts down once it waits, {@link #cancelled} when the
 *       client cancels
 * </ul>
 */
final class GrpcUpstream implements AutoCloseable {
    static final String SERVICE = "test.Echo";
    static final String FAILURE_MESSAGE = "denied: ünïcode, 100% sure";
    static final Metadata.Key<String> TENANT = Metadata.Key.of("x-tenant", Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> INITIAL = Metadata.Key.of("x-server-initial", Metadata.ASCII_STRING_MARSHALLER);
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

    /** The request metadata of every call, in arrival order. */
    final List<Metadata> requestMetadata = new CopyOnWriteArrayList<>();
    /** The deadline every call arrived with ({@code null}: none), in arrival order. */
    final List<Deadline> deadlines = new CopyOnWriteArrayList<>();
    /** Counts down when a {@code Hang} call got its request and waits. */
    final CountDownLatch hanging = new CountDownLatch(1);
    /** Counts down when a client cancels a {@code Hang} call. */
    final CountDownLatch cancelled = new CountDownLatch(1);
    private final Server server;

    private GrpcUpstream() throws IOException {
        ServerServiceDefinition service = ServerServiceDefinition.builder(SERVICE)
                .addMethod(method("Unary", MethodDescriptor.MethodType.UNARY), ServerCalls.asyncUnaryCall(GrpcUpstream::unary))
                .addMethod(method("ServerStream", MethodDescriptor.MethodType.SERVER_STREAMING),
                        ServerCalls.asyncServerStreamingCall(GrpcUpstream::serverStream))
                .addMethod(method("Collect", MethodDescriptor.MethodType.CLIENT_STREAMING),
                        ServerCalls.asyncClientStreamingCall(GrpcUpstream::collect))
                .addMethod(method("Fail", MethodDescriptor.MethodType.UNARY), ServerCalls.asyncUnaryCall((request, response) ->
                        response.onError(Status.PERMISSION_DENIED.withDescription(FAILURE_MESSAGE).asRuntimeException())))
                .addMethod(method("Hang", MethodDescriptor.MethodType.UNARY), ServerCalls.asyncUnaryCall((request, response) -> {
                    ((ServerCallStreamObserver<byte[]>) response).setOnCancelHandler(cancelled::countDown);
                    hanging.countDown();
                }))
                .build();
        server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .addService(ServerInterceptors.intercept(service, new MetadataInterceptor()))
                .build()
                .start();
    }

    static GrpcUpstream start() throws IOException {
        return new GrpcUpstream();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getPort());
    }

    @Override
    public void close() {
        try {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping the gRPC upstream", e);
        }
    }

    private static MethodDescriptor<byte[], byte[]> method(String name, MethodDescriptor.MethodType type) {
        return MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(type)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
                .setRequestMarshaller(BYTES)
                .setResponseMarshaller(BYTES)
                .build();
    }

    private static void unary(byte[] request, StreamObserver<byte[]> response) {
        response.onNext(("echo:" + text(request)).getBytes(StandardCharsets.UTF_8));
        response.onCompleted();
    }

    private static void serverStream(byte[] request, StreamObserver<byte[]> response) {
        String[] parts = text(request).split(":");
        int count = Integer.parseInt(parts[0]);
        for (int i = 0; i < count; i++) {
            byte[] message = parts.length > 1 ? new byte[Integer.parseInt(parts[1])] : ("msg-" + i).getBytes(StandardCharsets.UTF_8);
            response.onNext(message);
        }
        response.onCompleted();
    }

    private static StreamObserver<byte[]> collect(StreamObserver<byte[]> response) {
        List<String> received = new ArrayList<>();
        return new StreamObserver<>() {
            @Override
            public void onNext(byte[] message) {
                received.add(text(message));
            }

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onCompleted() {
                response.onNext(String.join(",", received).getBytes(StandardCharsets.UTF_8));
                response.onCompleted();
            }
        };
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Records request metadata and deadlines; adds the response metadata. */
    private final class MetadataInterceptor implements ServerInterceptor {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
            requestMetadata.add(headers);
            deadlines.add(Context.current().getDeadline());
            return next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
                @Override
                public void sendHeaders(Metadata responseHeaders) {
                    responseHeaders.put(INITIAL, "hello");
                    super.sendHeaders(responseHeaders);
                }

                @Override
                public void close(Status status, Metadata trailers) {
                    trailers.put(TRAILER, "bye");
                    super.close(status, trailers);
                }
            }, headers);
        }
    }
}
