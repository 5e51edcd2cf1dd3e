package io.wasmgate.filter.callout;

/** How a gRPC call ended: the status code (0 = OK) and its message. */
record GrpcStatus(int code, String message) {
    static final int OK = 0;
    static final int UNKNOWN = 2;
    static final int DEADLINE_EXCEEDED = 4;
    static final int PERMISSION_DENIED = 7;
    static final int RESOURCE_EXHAUSTED = 8;
    static final int UNIMPLEMENTED = 12;
    static final int INTERNAL = 13;
    static final int UNAVAILABLE = 14;
    static final int UNAUTHENTICATED = 16;
}
