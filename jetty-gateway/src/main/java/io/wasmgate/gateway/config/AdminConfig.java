package io.wasmgate.gateway.config;

import java.nio.file.Path;
import java.util.List;

/**
 * The validated {@code admin} section.
 *
 * @param endpoint where the admin endpoints listen
 * @param exposeConfiguration {@code true}: {@code /config_dump} shows plugin configurations verbatim;
 *     otherwise only their SHA-256 and size
 * @param tokenFile the file the token was read from, or {@code null} when no token is required
 * @param token the bearer token every admin request but {@code /ready} must carry, or {@code null}
 * @param allowedHosts host names the admin answers to besides its bind address and {@code localhost}
 */
public record AdminConfig(Endpoint endpoint, boolean exposeConfiguration, Path tokenFile, String token,
        List<String> allowedHosts) {
    public AdminConfig {
        allowedHosts = List.copyOf(allowedHosts);
    }

    /** Never shows the token. */
    @Override
    public String toString() {
        return "AdminConfig[endpoint=" + endpoint + ", exposeConfiguration=" + exposeConfiguration + ", tokenFile="
                + tokenFile + ", allowedHosts=" + allowedHosts + "]";
    }
}
