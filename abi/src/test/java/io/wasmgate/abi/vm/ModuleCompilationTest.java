package io.wasmgate.abi.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dylibso.chicory.compiler.InterpreterFallback;
import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import io.wasmgate.abi.testing.Modules;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

class ModuleCompilationTest {
    /** No imports; exports {@code malloc}, which returns 1024. */
    private static final byte[] MALLOC_1024 = Modules.fixture("load-no-abi-marker").read("");

    @Test
    void theCompiledModuleRunsOnItsGeneratedClasses() {
        WasmModule module = Parser.parse(MALLOC_1024);

        ModuleCompilation compiled = ModuleCompilation.of(module, InterpreterFallback.FAIL);

        assertThat(malloc(module, compiled.machineFactory())).isEqualTo(1024);
    }

    @Test
    void itsJarHoldsEveryClassAndLoadsBackThroughChicorysCompilerCache() throws IOException {
        WasmModule module = Parser.parse(MALLOC_1024);
        ModuleCompilation compiled = ModuleCompilation.of(module, InterpreterFallback.FAIL);

        Function<Instance, Machine> reloaded = MachineFactoryCompiler.builder(module)
                .withCache(new StoredClasses(compiled.jar())).compile();

        assertThat(classFilesIn(compiled.jar())).hasSameSizeAs(compiled.classes()).hasSizeGreaterThan(1);
        assertThat(malloc(module, reloaded)).isEqualTo(1024);
    }

    @Test
    void classesAreDefinedAndVerifiedWhenTheFactoryIsAskedForNotAsTheyAreAdded() {
        ClassesDefinedOnce classes = new ClassesDefinedOnce();

        classes.put("gen.Unverifiable", unverifiable("gen/Unverifiable"));
        classes.putMainClass("gen.Main", unverifiable("gen/Main"));

        assertThat(classes.classBytes().keySet()).containsExactly("gen.Main", "gen.Unverifiable");
        assertThatThrownBy(classes::machineFactory).isInstanceOf(VerifyError.class).hasMessageContaining("Unverifiable");
    }

    @Test
    void theFactoryIsMadeOnceAndThenReused() {
        WasmModule module = Parser.parse(MALLOC_1024);
        ClassesDefinedOnce classes = (ClassesDefinedOnce) com.dylibso.chicory.compiler.internal.Compiler.builder(module)
                .withClassCollectorFactory(ClassesDefinedOnce::new).build().compile().collector();

        assertThat(classes.machineFactory()).isSameAs(classes.machineFactory());
    }

    /** A class whose one method pops from an empty stack. */
    private static byte[] unverifiable(String name) {
        ClassWriter writer = new ClassWriter(0);
        writer.visit(Opcodes.V11, Opcodes.ACC_PUBLIC, name, null, "java/lang/Object", null);
        MethodVisitor code = writer.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "broken", "()V", null, null);
        code.visitCode();
        code.visitInsn(Opcodes.POP);
        code.visitInsn(Opcodes.RETURN);
        code.visitMaxs(1, 0);
        code.visitEnd();
        writer.visitEnd();
        return writer.toByteArray();
    }

    private static long malloc(WasmModule module, Function<Instance, Machine> factory) {
        Instance instance = Instance.builder(module).withMachineFactory(factory).build();
        return instance.export("malloc").apply(5)[0];
    }

    private static List<String> classFilesIn(byte[] jar) throws IOException {
        List<String> names = new ArrayList<>();
        try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(jar))) {
            for (JarEntry entry = in.getNextJarEntry(); entry != null; entry = in.getNextJarEntry()) {
                if (entry.getName().endsWith(".class")) {
                    names.add(entry.getName());
                }
            }
        }
        return names;
    }
}
