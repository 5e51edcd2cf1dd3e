package io.wasmgate.filter;

import java.util.function.BiConsumer;

/**
 * A request that hands the filter all of its header fields in one pass, as they arrived: each field once,
 * in the client's order, with its name in lower case. An integration's request wrapper implements it when
 * its container can list the fields directly; the filter then reads the client's headers through it instead
 * of asking the Servlet API name by name (which on Jetty scans every field for each name, and groups a
 * repeated header at its first appearance). The fields must be exactly those {@code getHeaderNames} and
 * {@code getHeaders} of the same request give. The filter's own request is one too: what runs behind the
 * filter (a proxy, another filter) reads the fields the plugins left, in their order.
 */
public interface HeaderFieldSource {
    /** Calls {@code field} with each header's lower-case name and its value, in the order they arrived. */
    void forEachHeaderField(BiConsumer<String, String> field);
}
