package io.wasmgate.abi.hostcalls;

import static io.wasmgate.abi.hostcalls.HostcallTable.i32;

import io.wasmgate.abi.context.ProxyWasmVm;
import io.wasmgate.abi.spi.Headers;
import io.wasmgate.abi.wire.HeaderPairsCodec;
import io.wasmgate.abi.wire.MapType;
import io.wasmgate.abi.wire.WasmResult;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Header, trailer and metadata maps. A map the context does not have now, or may not
 * change now, is {@code BAD_ARGUMENT}; names are lower-cased; values are bytes, one char each.
 */
final class HeaderMapHostcalls {
    private final ProxyWasmVm vm;

    HeaderMapHostcalls(ProxyWasmVm vm) {
        this.vm = vm;
    }

    void register(HostcallTable table) {
        table.env("proxy_get_header_map_size", 2, a -> proxyGetHeaderMapSize(i32(a[0]), i32(a[1])));
        table.env("proxy_get_header_map_pairs", 3, a -> proxyGetHeaderMapPairs(i32(a[0]), i32(a[1]), i32(a[2])));
        table.env("proxy_set_header_map_pairs", 3, a -> proxySetHeaderMapPairs(i32(a[0]), i32(a[1]), i32(a[2])));
        table.env("proxy_get_header_map_value", 5,
                a -> proxyGetHeaderMapValue(i32(a[0]), i32(a[1]), i32(a[2]), i32(a[3]), i32(a[4])));
        table.env("proxy_add_header_map_value", 5,
                a -> proxyAddHeaderMapValue(i32(a[0]), i32(a[1]), i32(a[2]), i32(a[3]), i32(a[4])));
        table.env("proxy_replace_header_map_value", 5,
                a -> proxyReplaceHeaderMapValue(i32(a[0]), i32(a[1]), i32(a[2]), i32(a[3]), i32(a[4])));
        table.env("proxy_remove_header_map_value", 3, a -> proxyRemoveHeaderMapValue(i32(a[0]), i32(a[1]), i32(a[2])));
    }

    /** Envoy semantics: the sum of name and value bytes, not the serialized size. */
    WasmResult proxyGetHeaderMapSize(int type, int returnSize) {
        Optional<Headers> map = readable(type);
        if (map.isEmpty()) {
            return WasmResult.BAD_ARGUMENT;
        }
        vm.memory().writeU32(returnSize, (int) map.get().byteSize());
        return WasmResult.OK;
    }

    /** An unknown type is BAD_ARGUMENT; a map the context does not have reads as empty, as in Envoy. */
    WasmResult proxyGetHeaderMapPairs(int type, int returnData, int returnSize) {
        if (MapType.of(type).isEmpty()) {
            return WasmResult.BAD_ARGUMENT;
        }
        byte[] pairs = readable(type).map(map -> HeaderPairsCodec.encode(map.fields())).orElse(new byte[0]);
        vm.memory().returnBytes(pairs, returnData, returnSize);
        return WasmResult.OK;
    }

    /** Malformed or over-limit pairs clear the map, as Envoy does. */
    WasmResult proxySetHeaderMapPairs(int type, int dataPtr, int dataLen) {
        byte[] pairs = vm.memory().read(dataPtr, dataLen);
        Optional<Headers> map = writable(type);
        if (map.isEmpty()) {
            return WasmResult.BAD_ARGUMENT;
        }
        map.get().replaceAll(HeaderPairsCodec.decode(pairs));
        return WasmResult.OK;
    }

    /**
     * The first value; a missing key is NOT_FOUND from ABI 0.2.0 on, and OK with an empty value in 0.1.0. In
     * {@code proxy_on_log} a map that never arrived counts as empty, as in Envoy's access-log phase.
     */
    WasmResult proxyGetHeaderMapValue(int type, int keyPtr, int keyLen, int returnValue, int returnSize) {
        String key = latin1(keyPtr, keyLen);
        Optional<Headers> map = readable(type);
        if (map.isEmpty() && (MapType.of(type).isEmpty() || !vm.effectiveContext().accessLogPhase())) {
            return WasmResult.BAD_ARGUMENT;
        }
        Optional<String> value = map.flatMap(headers -> headers.first(key));
        if (value.isEmpty() && vm.abiVersion().atLeast020()) {
            return WasmResult.NOT_FOUND;
        }
        vm.memory().returnBytes(value.orElse("").getBytes(StandardCharsets.ISO_8859_1), returnValue, returnSize);
        return WasmResult.OK;
    }

    WasmResult proxyAddHeaderMapValue(int type, int keyPtr, int keyLen, int valuePtr, int valueLen) {
        String key = latin1(keyPtr, keyLen);
        String value = latin1(valuePtr, valueLen);
        Optional<Headers> map = writable(type);
        map.ifPresent(headers -> headers.add(key, value));
        return map.isPresent() ? WasmResult.OK : WasmResult.BAD_ARGUMENT;
    }

    WasmResult proxyReplaceHeaderMapValue(int type, int keyPtr, int keyLen, int valuePtr, int valueLen) {
        String key = latin1(keyPtr, keyLen);
        String value = latin1(valuePtr, valueLen);
        Optional<Headers> map = writable(type);
        map.ifPresent(headers -> headers.set(key, value));
        return map.isPresent() ? WasmResult.OK : WasmResult.BAD_ARGUMENT;
    }

    WasmResult proxyRemoveHeaderMapValue(int type, int keyPtr, int keyLen) {
        String key = latin1(keyPtr, keyLen);
        Optional<Headers> map = writable(type);
        map.ifPresent(headers -> headers.remove(key));
        return map.isPresent() ? WasmResult.OK : WasmResult.BAD_ARGUMENT;
    }

    private Optional<Headers> readable(int type) {
        return MapType.of(type).flatMap(vm.effectiveContext()::headerMap);
    }

    private Optional<Headers> writable(int type) {
        return MapType.of(type).flatMap(vm.effectiveContext()::writableHeaderMap);
    }

    private String latin1(int ptr, int len) {
        return new String(vm.memory().read(ptr, len), StandardCharsets.ISO_8859_1);
    }
}
