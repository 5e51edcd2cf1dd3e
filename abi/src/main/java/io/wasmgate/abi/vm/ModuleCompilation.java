package io.wasmgate.abi.vm;

import com.dylibso.chicory.compiler.InterpreterFallback;
import com.dylibso.chicory.compiler.internal.Compiler;
import com.dylibso.chicory.compiler.internal.MachineFactory;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.WasmModule;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

/**
 * One run of Chicory's compiler over a module, as {@code MachineFactoryCompiler} runs it, but with each
 * generated class defined once ({@link ClassesDefinedOnce}) and the classes kept as they are: Chicory only
 * hands them out packed into a jar, for its code cache, and deflating the Go SDK module's 3.7 MB of classes
 * into one (then inflating it again to inspect them) cost ~0.15 s of CPU on a start that stores nothing.
 * The jar is made here, in Chicory's layout, only when the code is stored. This drives classes of Chicory's
 * {@code compiler.internal} package, as its {@code MachineFactoryCompiler} does in 1.7.5: a Chicory upgrade
 * has to compare the two ({@code ModuleCompilationTest} and the code cache tests catch a changed layout).
 */
final class ModuleCompilation {
    /** What Chicory's compiler reads back from its cache: this entry names the main class, then the classes. */
    private static final String PROPERTIES = "wasm-module.properties";

    private final Function<Instance, Machine> machineFactory;
    private final ClassesDefinedOnce classes;

    private ModuleCompilation(Function<Instance, Machine> machineFactory, ClassesDefinedOnce classes) {
        this.machineFactory = machineFactory;
        this.classes = classes;
    }

    /**
     * Compiles {@code module} and loads its classes.
     *
     * @throws com.dylibso.chicory.wasm.ChicoryException if {@code fallback} is {@code FAIL} and some function
     *     can only run in the interpreter, or the compiler rejects the module
     */
    static ModuleCompilation of(WasmModule module, InterpreterFallback fallback) {
        ClassesDefinedOnce classes = (ClassesDefinedOnce) Compiler.builder(module)
                .withInterpreterFallback(fallback)
                .withClassCollectorFactory(ClassesDefinedOnce::new)
                .build()
                .compile()
                .collector();
        return new ModuleCompilation(new MachineFactory(module, classes.machineFactory()), classes);
    }

    Function<Instance, Machine> machineFactory() {
        return machineFactory;
    }

    /** The bytes of each generated class. */
    Collection<byte[]> classes() {
        return classes.classBytes().values();
    }

    /** The classes as the jar Chicory's compiler stores in and loads from its cache. */
    byte[] jar() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(out)) {
            Properties properties = new Properties();
            properties.put("mainClass", classes.mainClassName());
            jar.putNextEntry(new JarEntry(PROPERTIES));
            properties.store(jar, "");
            jar.closeEntry();
            for (Map.Entry<String, byte[]> generated : classes.classBytes().entrySet()) {
                jar.putNextEntry(new JarEntry(generated.getKey().replace('.', '/') + ".class"));
                jar.write(generated.getValue());
                jar.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
