package io.wasmgate.abi.vm;

import io.wasmgate.abi.config.Engine;
import io.wasmgate.abi.testing.Modules;
import java.nio.file.Path;

/**
 * Run in a JVM of its own by {@link DiskCodeCacheTest}, with Chicory's parser digest turned off (its
 * property is read once per JVM): loads the add-header policy with the code cache in {@code args[0]}, and
 * prints what the load took its code from and where the add-header policy says it came from.
 */
public final class DigestOffLoad {
    private DigestOffLoad() {}

    public static void main(String[] args) {
        DiskCodeCache cache = DiskCodeCache.in(Path.of(args[0]));
        WasmCode code = WasmCode.load("add-header", "add-header.wasm#digest-off", Modules.policy("add-header").read(""),
                Engine.COMPILER, cache);
        System.out.println("digest " + code.module().digest() + ", from cache " + code.codeFromCache());
        DiskCodeCacheTest.startAndServe(cache);
        System.out.println("served");
    }
}
