package io.wasmgate.abi.context;

import io.wasmgate.abi.spi.Body;
import io.wasmgate.abi.spi.Headers;
import io.wasmgate.abi.spi.LocalReply;
import io.wasmgate.abi.wire.BufferType;
import io.wasmgate.abi.wire.MapType;
import io.wasmgate.abi.wire.PropertyValue;
import io.wasmgate.abi.wire.StreamType;
import io.wasmgate.abi.wire.WasmResult;
import java.util.List;
import java.util.Optional;

/**
 * A proxy-wasm context: the root (plugin) context or a stream context of one VM instance. Hostcalls act
 * on the current or effective context through these methods; each default answers as a context without
 * that capability does, so a root context refuses stream operations with the reference's codes.
 */
public abstract sealed class ContextBase permits RootContext, HttpContext {
    private final int id;
    final ProxyWasmVm vm;

    ContextBase(ProxyWasmVm vm, int id) {
        this.vm = vm;
        this.id = id;
    }

    /** The context id the guest knows. */
    public int id() {
        return id;
    }

    /** The plugin's root context in the same VM. */
    public abstract RootContext root();

    /**
     * The map a map hostcall addresses, if this context has it now; empty means BAD_ARGUMENT. A call
     * response belongs to the root but is readable from whichever context the SDK made effective.
     */
    public Optional<Headers> headerMap(MapType type) {
        return switch (type) {
            case HTTP_CALL_RESPONSE_HEADERS -> root().callResponseMap(false);
            case HTTP_CALL_RESPONSE_TRAILERS -> root().callResponseMap(true);
            case GRPC_RECEIVE_INITIAL_METADATA -> root().grpcMetadata(false);
            case GRPC_RECEIVE_TRAILING_METADATA -> root().grpcMetadata(true);
            default -> Optional.empty();
        };
    }

    /** The map if the plugin may change it now; empty means BAD_ARGUMENT. */
    public Optional<Headers> writableHeaderMap(MapType type) {
        return Optional.empty();
    }

    /**
     * {@code true} while {@code proxy_on_log} runs for this context: Envoy's access-log phase, in which a map
     * that never arrived has no values rather than being a bad argument.
     */
    public boolean accessLogPhase() {
        return false;
    }

    /**
     * The buffer a buffer hostcall addresses; empty means NOT_FOUND. Bodies of a context without a stream
     * read as empty, configuration buffers come from the root context.
     */
    public Optional<Body> buffer(BufferType type) {
        return switch (type) {
            case VM_CONFIGURATION, PLUGIN_CONFIGURATION -> root().configurationBuffer(type);
            case HTTP_CALL_RESPONSE_BODY -> root().callResponseBody();
            case GRPC_RECEIVE_BUFFER -> Optional.of(root().grpcMessage().orElseGet(Body::new));
            case FOREIGN_FUNCTION_ARGUMENTS -> Optional.empty();
            default -> Optional.of(new Body());
        };
    }

    /** {@code true} if the plugin may change {@code type} now. */
    public boolean bufferWritable(BufferType type) {
        return false;
    }

    /** An attribute by path; empty means NOT_FOUND. */
    public Optional<PropertyValue> property(List<String> path) {
        return Attributes.plugin(vm.config(), path);
    }

    /** Stores a value for {@code proxy_set_property}; contexts without a stream have nowhere to keep it. */
    public WasmResult setProperty(List<String> path, byte[] value) {
        return WasmResult.NOT_FOUND;
    }

    /** {@code proxy_continue_stream}: there is no stream here. */
    public WasmResult continueStream(StreamType type) {
        return WasmResult.BAD_ARGUMENT;
    }

    /** {@code proxy_close_stream}: there is no stream here. */
    public WasmResult closeStream(StreamType type) {
        return WasmResult.BAD_ARGUMENT;
    }

    /** {@code proxy_send_local_response}: there is no stream here. */
    public WasmResult sendLocalResponse(LocalReply reply) {
        return WasmResult.BAD_ARGUMENT;
    }

    /** {@code proxy_done}: only root contexts that deferred their {@code proxy_on_done} may finish. */
    public WasmResult done() {
        return WasmResult.NOT_FOUND;
    }
}
