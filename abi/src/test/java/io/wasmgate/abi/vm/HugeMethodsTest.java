package io.wasmgate.abi.vm;

import static org.assertj.core.api.Assertions.assertThat;

import com.dylibso.chicory.compiler.InterpreterFallback;
import com.dylibso.chicory.wasm.Parser;
import io.wasmgate.abi.testing.Modules;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

class HugeMethodsTest {
    @Test
    void findsExactlyTheMethodsOverHotSpotsLimitWithTheirSizes() throws IOException {
        byte[] jar = jarOf("gen/Funcs", method("func_7", HugeMethods.LIMIT + 1), method("func_8", HugeMethods.LIMIT),
                method("call_indirect_0", 20_000));

        assertThat(HugeMethods.inJar(jar)).containsExactly(
                new HugeMethods.Method("gen/Funcs#func_7", HugeMethods.LIMIT + 1),
                new HugeMethods.Method("gen/Funcs#call_indirect_0", 20_000));
    }

    @Test
    void theCompiledAddHeaderPolicyHasNone() {
        ModuleCompilation compiled = ModuleCompilation.of(Parser.parse(Modules.policy("add-header").read("")),
                InterpreterFallback.FAIL);

        assertThat(compiled.classes()).isNotEmpty();
        assertThat(HugeMethods.in(compiled.classes())).isEmpty();
    }

    @Test
    void knowsWhetherThisJvmLeavesHugeMethodsInterpreted() {
        boolean compiled = ManagementFactory.getRuntimeMXBean().getInputArguments().contains("-XX:-DontCompileHugeMethods");

        assertThat(HugeMethods.leftInterpreted()).isEqualTo(!compiled);
    }

    /** A method whose code is {@code bytes} long: NOPs, then RETURN. */
    private record Spec(String name, int bytes) {}

    private static Spec method(String name, int bytes) {
        return new Spec(name, bytes);
    }

    private static byte[] jarOf(String className, Spec... methods) throws IOException {
        ClassWriter writer = new ClassWriter(0);
        writer.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, className, null, "java/lang/Object", null);
        writer.visitField(Opcodes.ACC_STATIC, "counter", "I", null, null).visitEnd();
        for (Spec spec : methods) {
            MethodVisitor code = writer.visitMethod(Opcodes.ACC_STATIC, spec.name(), "()V", null, null);
            code.visitCode();
            for (int i = 0; i < spec.bytes() - 1; i++) {
                code.visitInsn(Opcodes.NOP);
            }
            code.visitInsn(Opcodes.RETURN);
            code.visitMaxs(0, 0);
            code.visitEnd();
        }
        writer.visitEnd();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(out)) {
            jar.putNextEntry(new JarEntry("META-INF/chicory.properties"));
            jar.write("mainClass=gen.Funcs\n".getBytes(StandardCharsets.UTF_8));
            jar.putNextEntry(new JarEntry(className + ".class"));
            jar.write(writer.toByteArray());
        }
        return out.toByteArray();
    }
}
