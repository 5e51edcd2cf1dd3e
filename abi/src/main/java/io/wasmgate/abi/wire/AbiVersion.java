package io.wasmgate.abi.wire;

import java.util.Optional;

/**
 * The proxy-wasm ABI a module was built against, announced by an empty exported marker function.
 *
 * <p>The version decides which legacy hostcalls apply and a few semantics, e.g. a missing header is
 * {@code OK} with an empty value in 0.1.0 but {@code NOT_FOUND} from 0.2.0 on, and the header callbacks
 * lose their {@code end_of_stream} argument in 0.1.0.
 */
public enum AbiVersion {
    V0_1_0("proxy_abi_version_0_1_0"),
    V0_2_0("proxy_abi_version_0_2_0"),
    V0_2_1("proxy_abi_version_0_2_1");

    private final String marker;

    AbiVersion(String marker) {
        this.marker = marker;
    }

    /** The name of the export that announces this version. */
    public String marker() {
        return marker;
    }

    /** {@code true} for 0.2.0 and later. */
    public boolean atLeast020() {
        return this != V0_1_0;
    }

    /** The version whose marker is {@code exportName}, if it is one. */
    public static Optional<AbiVersion> ofMarker(String exportName) {
        for (AbiVersion version : values()) {
            if (version.marker.equals(exportName)) {
                return Optional.of(version);
            }
        }
        return Optional.empty();
    }
}
