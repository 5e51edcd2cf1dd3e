package io.wasmgate.abi.vm;

import com.dylibso.chicory.compiler.Cache;
import java.io.IOException;

/**
 * Hands Chicory's compiler the classes of a code cache entry, the jar it once stored: served for whatever key
 * it asks, because a module parsed {@link CodeBodies#withoutBodies without its bodies} has a digest of its own,
 * and it may never compile instead, because its code of such a module would be wrong.
 */
final class StoredClasses implements Cache {
    private final byte[] jar;

    StoredClasses(byte[] jar) {
        this.jar = jar;
    }

    @Override
    public byte[] get(String key) {
        return jar;
    }

    @Override
    public void putIfAbsent(String key, byte[] classes) throws IOException {
        throw new IOException("only stored classes are loaded here, none compiled");
    }
}
