package io.wasmgate.gateway.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wasmgate.abi.plugin.Plugin;
import io.wasmgate.filter.PluginRelease;
import io.wasmgate.gateway.runtime.Generation;
import io.wasmgate.gateway.runtime.ReloadResult;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /plugins}: every plugin serving now, each version (stable, canary) with its module, sha256,
 * ABI version, engine, whether its compiled code came from the code cache, and instances; its state
 * ({@code ok}, {@code degraded} when VMs are missing, {@code reload_failed} when the last reload rejected a
 * new version and this one still serves) and the last error; and the outcome of the last reload.
 */
final class PluginsReport {
    private final ObjectMapper json;

    PluginsReport(ObjectMapper json) {
        this.json = json;
    }

    ObjectNode build(Optional<Generation> generation, Optional<ReloadResult> lastReload) {
        ObjectNode report = json.createObjectNode();
        Map<String, String> errors = lastReload.filter(r -> !r.ok()).map(ReloadResult::pluginErrors).orElse(Map.of());
        ArrayNode plugins = report.putArray("plugins");
        generation.ifPresent(g -> g.releases().forEach((name, release) -> plugins.add(plugin(name, release, errors.get(name)))));
        lastReload.ifPresentOrElse(r -> {
            ObjectNode reload = report.putObject("last_reload");
            reload.put("at", r.at().toString()).put("trigger", r.trigger()).put("ok", r.ok()).put("error", r.error());
        }, () -> report.putNull("last_reload"));
        return report;
    }

    private ObjectNode plugin(String name, PluginRelease release, String error) {
        ObjectNode node = json.createObjectNode().put("name", name);
        ArrayNode versions = node.putArray("versions");
        versions.add(version("stable", release.stable(), 100 - release.weight()));
        release.canary().ifPresent(canary -> versions.add(version("canary", canary, release.weight())));
        boolean degraded = release.stable().metrics().activeVms() < release.stable().config().instances();
        node.put("state", error != null ? "reload_failed" : degraded ? "degraded" : "ok");
        node.put("last_error", error);
        return node;
    }

    private ObjectNode version(String version, Plugin plugin, int weight) {
        return json.createObjectNode()
                .put("version", version)
                .put("weight", weight)
                .put("module", plugin.code().origin())
                .put("sha256", plugin.code().sha256())
                .put("abi", plugin.code().abiVersion().marker().replace("proxy_abi_version_", "").replace('_', '.'))
                .put("engine", plugin.config().engine().name().toLowerCase(Locale.ROOT))
                .put("code_from_cache", plugin.code().codeFromCache())
                .put("instances", plugin.config().instances())
                .put("active_vms", plugin.metrics().activeVms())
                .put("memory_bytes", plugin.memoryBytes());
    }
}
