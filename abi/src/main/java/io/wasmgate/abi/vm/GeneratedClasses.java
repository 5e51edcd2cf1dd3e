package io.wasmgate.abi.vm;

import com.dylibso.chicory.compiler.Cache;
import java.io.IOException;

/**
 * Chicory's compiler hands its generated classes, as one jar, only to a {@link Cache}: this one keeps the
 * jar of the compile it is passed to, so the classes can be inspected ({@link HugeMethods}), and forwards
 * to a {@code delegate} cache if there is one.
 */
final class GeneratedClasses implements Cache {
    private final Cache delegate;
    private final String codeOf;
    private byte[] jar;

    /** {@code delegate} may be {@code null}: then nothing is looked up or stored. */
    GeneratedClasses(Cache delegate) {
        this.delegate = delegate;
        this.codeOf = null;
    }

    /**
     * Serves {@code delegate}'s code for Chicory key {@code codeOf} whatever module the compiler was given,
     * and never lets it compile: for a module parsed {@link CodeBodies#withoutBodies without its bodies},
     * whose own code would be wrong. A miss fails the compile.
     */
    GeneratedClasses(Cache delegate, String codeOf) {
        this.delegate = delegate;
        this.codeOf = codeOf;
    }

    @Override
    public byte[] get(String key) throws IOException {
        byte[] cached = delegate == null ? null : delegate.get(codeOf == null ? key : codeOf);
        if (cached == null && codeOf != null) {
            throw new IOException("no compiled code for " + codeOf);
        }
        if (cached != null) {
            jar = cached;
        }
        return cached;
    }

    @Override
    public void putIfAbsent(String key, byte[] classes) throws IOException {
        if (codeOf != null) {
            throw new IOException("compiled code is only served for " + codeOf);
        }
        jar = classes;
        if (delegate != null) {
            delegate.putIfAbsent(key, classes);
        }
    }

    /** The jar of the compile this was used for, or {@code null} if the compiler produced none. */
    byte[] jar() {
        return jar;
    }
}
