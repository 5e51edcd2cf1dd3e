package io.wasmgate.abi.vm;

import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.NameCustomSection;
import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import org.objectweb.asm.ClassReader;

/**
 * The JVM methods of a compiled module that HotSpot will not JIT-compile: by default
 * ({@code -XX:+DontCompileHugeMethods}) a method of more than 8,000 bytes of bytecode stays in the JVM's
 * interpreter for good. Chicory compiles each Wasm function to one method, so the large functions of big
 * modules (the Go runtime's, typically) run 5-50 times slower than the rest unless the JVM is started with
 * {@code -XX:-DontCompileHugeMethods}. Found by reading the classes the compiler generated.
 */
final class HugeMethods {
    /** HotSpot's {@code HugeMethodLimit}, a develop flag: fixed in product builds. */
    static final int LIMIT = 8000;
    private static final String FUNCTION_PREFIX = "func_";

    private HugeMethods() {}

    /** Names ({@code class#method}) and sizes of the methods over {@link #LIMIT} in these class files. */
    static List<Method> in(Collection<byte[]> classes) {
        List<Method> huge = new ArrayList<>();
        for (byte[] bytes : classes) {
            scan(new ClassReader(bytes), huge);
        }
        return huge;
    }

    /** {@link #in(Collection)} of the classes in a jar. */
    static List<Method> inJar(byte[] jar) {
        List<byte[]> classes = new ArrayList<>();
        try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(jar))) {
            for (JarEntry entry = in.getNextJarEntry(); entry != null; entry = in.getNextJarEntry()) {
                if (entry.getName().endsWith(".class")) {
                    classes.add(in.readAllBytes());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable classes from the Chicory compiler", e);
        }
        return in(classes);
    }

    /*
     * ClassReader parses the constant pool; the member tables after it are walked here because ASM's
     * visitors do not report a method's code length. Layout: JVMS 4.1 (ClassFile), 4.5-4.7.
     */
    private static void scan(ClassReader reader, List<Method> huge) {
        char[] buffer = new char[reader.getMaxStringLength()];
        int offset = reader.header + 6;
        offset += 2 + 2 * reader.readUnsignedShort(offset);
        offset = skipMembers(reader, offset);
        int methods = reader.readUnsignedShort(offset);
        offset += 2;
        for (int i = 0; i < methods; i++) {
            String name = reader.readUTF8(offset + 2, buffer);
            int attributes = reader.readUnsignedShort(offset + 6);
            offset += 8;
            for (int j = 0; j < attributes; j++) {
                int length = reader.readInt(offset + 2);
                if ("Code".equals(reader.readUTF8(offset, buffer))) {
                    int codeLength = reader.readInt(offset + 10);
                    if (codeLength > LIMIT) {
                        huge.add(new Method(reader.getClassName() + '#' + name, codeLength));
                    }
                }
                offset += 6 + length;
            }
        }
    }

    private static int skipMembers(ClassReader reader, int offset) {
        int count = reader.readUnsignedShort(offset);
        offset += 2;
        for (int i = 0; i < count; i++) {
            int attributes = reader.readUnsignedShort(offset + 6);
            offset += 8;
            for (int j = 0; j < attributes; j++) {
                offset += 6 + reader.readInt(offset + 2);
            }
        }
        return offset;
    }

    /**
     * Whether this JVM leaves huge methods uncompiled: {@code true} on HotSpot unless started with
     * {@code -XX:-DontCompileHugeMethods}; {@code false} on a JVM without that option.
     */
    static boolean leftInterpreted() {
        try {
            HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            return hotspot != null && Boolean.parseBoolean(hotspot.getVMOption("DontCompileHugeMethods").getValue());
        } catch (IllegalArgumentException | LinkageError e) {
            return false;
        }
    }

    /** One generated method over the limit and its bytecode size. */
    record Method(String name, int bytecodeBytes) {
        /** The Wasm function it was compiled from, by its index and, if the module names it, its name. */
        String function(WasmModule module) {
            int hash = name.indexOf('#');
            String method = name.substring(hash + 1);
            if (!method.startsWith(FUNCTION_PREFIX)) {
                return method;
            }
            String index = method.substring(FUNCTION_PREFIX.length());
            NameCustomSection names = module.nameSection();
            String wasmName = null;
            if (names != null) {
                try {
                    wasmName = names.nameOfFunction(Integer.parseInt(index));
                } catch (NumberFormatException e) {
                    wasmName = null;
                }
            }
            return wasmName == null ? "function " + index : "function " + index + " (" + wasmName + ")";
        }
    }
}
