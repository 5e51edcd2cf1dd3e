package io.wasmgate.gateway.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wasmgate.abi.config.PluginConfig;
import io.wasmgate.filter.callout.Cluster;
import io.wasmgate.filter.callout.ClusterTls;
import io.wasmgate.filter.config.Canary;
import io.wasmgate.gateway.config.AdminConfig;
import io.wasmgate.gateway.config.Endpoint;
import io.wasmgate.gateway.config.GatewayConfig;
import io.wasmgate.gateway.config.RouteConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * {@code GET /config_dump}: the configuration serving now as JSON, with every default filled in (the keys
 * of docs/configuration.md; durations in milliseconds, sizes in bytes). Plugin configurations show as their SHA-256 and
 * size, or as text with {@code admin.expose_configuration: true}. Each plugin shows the code cache folder it
 * uses ({@code cache_dir}, {@code null} when the cache is off).
 */
final class ConfigDump {
    private final ObjectMapper json;
    private final AdminConfig admin;

    /** @param admin the admin settings in force, which the dump shows and whose {@code expose_configuration} it obeys */
    ConfigDump(ObjectMapper json, AdminConfig admin) {
        this.json = json;
        this.admin = admin;
    }

    ObjectNode build(GatewayConfig config) {
        ObjectNode dump = json.createObjectNode();
        dump.put("file", config.file() == null ? null : config.file().toString());
        dump.put("path_parameters", config.plugins().pathParameters().name().toLowerCase(Locale.ROOT));
        dump.put("shared_queue_limit_bytes", config.plugins().sharedQueueMaxBytes());
        dump.put("headers_with_underscores", config.underscoreHeaders().name().toLowerCase(Locale.ROOT));
        ObjectNode listen = endpoint(dump.putObject("listen"), config.listen())
                .put("drain_timeout_ms", config.drainTimeout().toMillis())
                .put("max_threads", config.clientLimits().maxThreads())
                .put("virtual_threads", config.clientLimits().virtualThreads())
                .put("request_body_timeout_ms", config.clientLimits().requestBodyTimeout().toMillis())
                .put("min_request_data_rate", config.clientLimits().minRequestDataRate());
        if (config.listenTls() != null) {
            listen.putObject("tls")
                    .put("certificate", config.listenTls().certificate().toString())
                    .put("private_key", config.listenTls().privateKey().toString())
                    .put("subject", config.listenTls().chain().get(0).getSubjectX500Principal().getName())
                    .put("not_after", config.listenTls().chain().get(0).getNotAfter().toInstant().toString());
        }
        ObjectNode adminNode = endpoint(dump.putObject("admin"), admin.endpoint())
                .put("expose_configuration", admin.exposeConfiguration())
                .put("token_file", admin.tokenFile() == null ? null : admin.tokenFile().toString());
        admin.allowedHosts().forEach(adminNode.putArray("allowed_hosts")::add);
        dump.putObject("watch").put("settle_ms", config.watchSettle().toMillis());
        plugins(dump.putArray("plugins"), config.plugins().plugins(), config);
        plugins(dump.putArray("log_plugins"), config.plugins().logPlugins(), config);
        plugins(dump.putArray("services"), config.plugins().services(), config);
        ArrayNode clusters = dump.putArray("clusters");
        config.plugins().clusters().forEach(cluster -> clusters.add(tls(cluster(cluster), cluster.tls())));
        ArrayNode routes = dump.putArray("routes");
        config.routes().forEach(route -> routes.add(route(route)));
        return dump;
    }

    private static ObjectNode endpoint(ObjectNode node, Endpoint endpoint) {
        return node.put("host", endpoint.host()).put("port", endpoint.port());
    }

    private void plugins(ArrayNode array, List<PluginConfig> plugins, GatewayConfig config) {
        for (PluginConfig plugin : plugins) {
            ObjectNode node = plugin(plugin);
            Canary canary = config.plugins().canaries().get(plugin.name());
            if (canary != null) {
                node.set("canary", plugin(canary.config()).put("weight", canary.weight()));
            }
            array.add(node);
        }
    }

    private ObjectNode plugin(PluginConfig plugin) {
        ObjectNode node = json.createObjectNode()
                .put("name", plugin.name())
                .put("module", plugin.module().origin())
                .put("root_id", plugin.rootId())
                .put("vm_id", plugin.vmId());
        configuration(node, "configuration", plugin.configuration());
        configuration(node, "vm_configuration", plugin.vmConfiguration());
        node.put("engine", plugin.engine().name().toLowerCase(Locale.ROOT))
                .put("cache_dir", plugin.codeCache().map(cache -> cache.dir().toString()).orElse(null))
                .put("instances", plugin.instances())
                .put("failure_policy", plugin.failurePolicy().name().toLowerCase(Locale.ROOT));
        ObjectNode environment = node.putObject("environment");
        plugin.environment().forEach((name, value) -> configuration(environment, name, value.getBytes(StandardCharsets.UTF_8)));
        node.putObject("limits")
                .put("memory_bytes", plugin.limits().memoryBytes())
                .put("callback_deadline_ms", plugin.limits().callbackDeadline().toMillis())
                .put("pause_deadline_ms", plugin.limits().pauseDeadline().toMillis())
                .put("max_buffered_body_bytes", plugin.limits().maxBufferedBody());
        return node;
    }

    /**
     * Plugin configurations and environment variables hold API keys and signing secrets: unless
     * {@code expose_configuration} says otherwise, the dump shows only what identifies them.
     */
    private void configuration(ObjectNode node, String key, byte[] configuration) {
        if (admin.exposeConfiguration()) {
            node.put(key, new String(configuration, StandardCharsets.UTF_8));
        } else {
            node.putObject(key).put("sha256", sha256(configuration)).put("bytes", configuration.length);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private ObjectNode cluster(Cluster cluster) {
        return json.createObjectNode()
                .put("name", cluster.name())
                .put("url", cluster.url().toString())
                .put("http2", cluster.http2())
                .put("connect_timeout_ms", cluster.connectTimeout().toMillis())
                .put("timeout_ms", cluster.timeout().toMillis())
                .put("max_connections", cluster.maxConnections());
    }

    /** A cluster's {@code tls}, shown when any of it is set. */
    private static ObjectNode tls(ObjectNode cluster, ClusterTls tls) {
        if (tls.isSet()) {
            cluster.putObject("tls")
                    .put("ca_file", tls.caFile() == null ? null : tls.caFile().toString())
                    .put("verify", tls.verify())
                    .put("server_name", tls.serverName());
        }
        return cluster;
    }

    private ObjectNode route(RouteConfig route) {
        ObjectNode node = json.createObjectNode().put("name", route.name());
        ObjectNode match = node.putObject("match");
        if (route.match().prefix() != null) {
            match.put("prefix", route.match().prefix());
        }
        if (route.match().path() != null) {
            match.put("path", route.match().path());
        }
        ObjectNode headers = match.putObject("headers");
        route.match().headers().forEach(headers::put);
        node.put("cluster", route.cluster());
        route.plugins().forEach(node.putArray("plugins")::add);
        route.logPlugins().forEach(node.putArray("log_plugins")::add);
        if (route.maxConcurrentRequests() != RouteConfig.UNLIMITED) {
            node.put("max_concurrent_requests", route.maxConcurrentRequests());
        }
        return node;
    }
}
