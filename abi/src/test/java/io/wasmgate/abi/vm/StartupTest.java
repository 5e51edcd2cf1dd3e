package io.wasmgate.abi.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wasmgate.abi.PluginStartException;
import io.wasmgate.abi.config.Engine;
import io.wasmgate.abi.config.PluginConfig;
import io.wasmgate.abi.plugin.Plugin;
import io.wasmgate.abi.testing.CapturingLog;
import io.wasmgate.abi.testing.Modules;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * VM and plugin start-up: which start functions run and in what order,
 * which allocator serves the host, and the root context's create / vm_start / configure sequence. The
 * {@code startup*} fixtures log every call they receive.
 */
class StartupTest {
    private static final String STARTUP_ORIGIN = "classpath:wasmgate/fixtures/startup.wasm";

    private final CapturingLog log = new CapturingLog();

    private PluginConfig.Builder plugin(String fixture, Engine engine) {
        return PluginConfig.builder(fixture)
                .withModule(Modules.fixture(fixture))
                .withEngine(engine)
                .withInstances(1)
                .withLog(log);
    }

    private PluginConfig.Builder startup(Engine engine) {
        return plugin("startup", engine)
                .withRootId("root-a")
                .withVmId("vm-1")
                .withVmConfiguration("vm-conf".getBytes(StandardCharsets.UTF_8))
                .withConfiguration("plugin-conf");
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void startUpRunsInitializeAndMainOnceThenCreatesStartsAndConfiguresTheSameRoot(Engine engine) {
        try (Plugin plugin = Plugin.start(startup(engine).build())) {
            assertThat(log.messages()).containsExactly(
                    "_initialize",
                    "main argc=0 argv=0",
                    "proxy_on_context_create ctx=1 parent=0",
                    "proxy_on_memory_allocate size=7",
                    "plugin_name=startup",
                    "proxy_on_memory_allocate size=6",
                    "plugin_root_id=root-a",
                    "proxy_on_memory_allocate size=4",
                    "plugin_vm_id=vm-1",
                    "proxy_on_vm_start root=1 size=7",
                    "proxy_on_memory_allocate size=7",
                    "vm_configuration=vm-conf",
                    "proxy_on_configure root=1 size=11",
                    "proxy_on_memory_allocate size=11",
                    "plugin_configuration=plugin-conf");
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void mainVoidRunsWhenMainIsAbsentAndStartNeverRunsAfterInitialize(Engine engine) {
        try (Plugin plugin = Plugin.start(plugin("startup-main-void", engine).build())) {
            assertThat(log.messages()).containsExactly("_initialize", "__main_void");
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void startRunsOnlyWithoutInitializeAndMallocServesAModuleWithoutProxyOnMemoryAllocate(Engine engine) {
        try (Plugin plugin = Plugin.start(plugin("startup-command", engine).build())) {
            assertThat(log.messages()).containsExactly("_start", "malloc", "startup-command");
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void proxyOnMemoryAllocateIsPreferredOverMallocWhenBothAreExported(Engine engine) {
        try (Plugin plugin = Plugin.start(startup(engine).build())) {
            assertThat(log.messages()).filteredOn(line -> line.startsWith("proxy_on_memory_allocate")).hasSize(5);
            assertThat(log.messages()).noneMatch(line -> line.startsWith("malloc"));
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void pluginIdentityIsReadableWhileTheRootContextIsCreated(Engine engine) {
        try (Plugin plugin = Plugin.start(startup(engine).withRootId("").build())) {
            assertThat(log.messages())
                    .containsSubsequence("proxy_on_context_create ctx=1 parent=0", "plugin_name=startup",
                            "plugin_root_id=", "plugin_vm_id=vm-1", "proxy_on_vm_start root=1 size=7")
                    .doesNotContain("plugin_root_id status=1");
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void everyInstanceOfThePoolStartsItsOwnRootWithId1(Engine engine) {
        try (Plugin plugin = Plugin.start(startup(engine).withInstances(2).build())) {
            assertThat(log.messages()).filteredOn(line -> line.equals("_initialize")).hasSize(2);
            assertThat(log.messages()).filteredOn(line -> line.startsWith("proxy_on_configure")).containsExactly(
                    "proxy_on_configure root=1 size=11", "proxy_on_configure root=1 size=11");
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void vmStartReturningFalseRejectsThePluginBeforeConfigure(Engine engine) {
        assertThatThrownBy(() -> Plugin.start(startup(engine).withVmConfiguration("fail".getBytes(StandardCharsets.UTF_8)).build()))
                .isInstanceOf(PluginStartException.class)
                .hasMessage("plugin 'startup' (module " + STARTUP_ORIGIN + "): proxy_on_vm_start returned false: the plugin failed to start");
        assertThat(log.messages()).contains("vm_configuration=fail").noneMatch(line -> line.startsWith("proxy_on_configure"));
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void configureReturningFalseRejectsThePlugin(Engine engine) {
        assertThatThrownBy(() -> Plugin.start(startup(engine).withConfiguration("fail").build()))
                .isInstanceOf(PluginStartException.class)
                .hasMessage("plugin 'startup' (module " + STARTUP_ORIGIN + "): proxy_on_configure returned false: "
                        + "the plugin rejected its configuration");
        assertThat(log.messages()).endsWith("plugin_configuration=fail");
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aTrapInInitializeFailsStartNamingTheCallback(Engine engine) {
        assertThatThrownBy(() -> Plugin.start(plugin("startup-trap-initialize", engine).build()))
                .isInstanceOf(PluginStartException.class)
                .hasMessageStartingWith("plugin 'startup-trap-initialize' (module "
                        + "classpath:wasmgate/fixtures/startup-trap-initialize.wasm): trap in _initialize: ");
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aTrapInVmStartFailsStartNamingTheCallback(Engine engine) {
        assertThatThrownBy(() -> Plugin.start(startup(engine).withVmConfiguration("trap".getBytes(StandardCharsets.UTF_8)).build()))
                .isInstanceOf(PluginStartException.class)
                .hasMessageStartingWith("plugin 'startup' (module " + STARTUP_ORIGIN + "): trap in proxy_on_vm_start: ");
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aTrapInConfigureFailsStartNamingTheCallback(Engine engine) {
        assertThatThrownBy(() -> Plugin.start(startup(engine).withConfiguration("trap").build()))
                .isInstanceOf(PluginStartException.class)
                .hasMessageStartingWith("plugin 'startup' (module " + STARTUP_ORIGIN + "): trap in proxy_on_configure: ");
    }
}
