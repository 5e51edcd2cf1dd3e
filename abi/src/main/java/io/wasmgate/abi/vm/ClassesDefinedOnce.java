package io.wasmgate.abi.vm;

import com.dylibso.chicory.compiler.internal.ClassCollector;
import com.dylibso.chicory.compiler.internal.ClassLoadingCollector;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Chicory's {@link ClassLoadingCollector} with every generated class defined and verified once, when the
 * machine factory is first asked for. Chicory's own collector defines each class as it is added, and its
 * compiler adds each class twice (to a scratch collector that sizes the class chunks, then to the final one),
 * so every class was defined and verified twice: 0.1 s more for the Go SDK module's 3.4 MB class.
 */
final class ClassesDefinedOnce extends ClassLoadingCollector {
    private final Map<String, byte[]> classes = new LinkedHashMap<>();
    private String mainClass;
    private byte[] mainBytes;
    private boolean defined;

    @Override
    public String mainClassName() {
        return mainClass;
    }

    @Override
    public void putMainClass(String className, byte[] bytes) {
        mainClass = className;
        mainBytes = bytes;
    }

    @Override
    public void put(String className, byte[] bytes) {
        classes.put(className, bytes);
    }

    @Override
    public void putAll(ClassCollector collector) {
        classes.putAll(collector.classBytes());
    }

    /** The main class first, then the others in the order they came, as Chicory's collector keeps them. */
    @Override
    public Map<String, byte[]> classBytes() {
        Map<String, byte[]> all = new LinkedHashMap<>();
        if (mainClass != null) {
            all.put(mainClass, mainBytes);
        }
        all.putAll(classes);
        return Collections.unmodifiableMap(all);
    }

    /**
     * Defines and initializes (so verifies) the classes in the order Chicory's collector would have, the main
     * class last, then makes the factory.
     */
    @Override
    public synchronized Function<Instance, Machine> machineFactory() {
        if (!defined) {
            defined = true;
            classes.forEach(super::put);
            super.putMainClass(mainClass, mainBytes);
        }
        return super.machineFactory();
    }
}
