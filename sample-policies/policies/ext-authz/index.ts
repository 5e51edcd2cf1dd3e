// ext-authz: asks an authorization service about every request (proxy_http_call) and lets it through
// only on a 2xx answer, as Envoy's ext_authz filter does with an HTTP service.
//
// Root id: "ext_authz" (also registered under "").
// Configuration (JSON):
//   {
//     "cluster": "authz",                       // the cluster of the service (required)
//     "path_prefix": "/check",                  // the check goes to <path_prefix><original path and query>
//     "authority": "authz",                     // its :authority (default: the cluster name)
//     "timeout": "200ms",                       // how long to wait (default 200ms, as Envoy)
//     "allowed_headers": ["authorization", "cookie"],  // request headers sent with the check
//                                               // (default ["authorization"]); :method and :path always
//     "upstream_headers": ["x-auth-user"],      // headers of an allowing answer copied onto the request
//     "client_headers": ["www-authenticate", "location"],  // headers of a denying answer sent to the client
//     "status_on_error": 403                    // the answer when the service cannot be asked or does not
//                                               // answer in time (default 403, as Envoy)
//   }
//
// The check is a request with the original method, <path_prefix><path>, the allowed headers and no body;
// a header the request repeats goes once, its values joined with "," in order (as Envoy merges them), so
// the service judges every value the upstream may read, not only the first. The original request waits
// (no thread is held) until the answer comes:
// - 2xx: the request continues, with the upstream_headers of the answer set on it;
// - anything else: the client gets the service's status and body (and its content-type and the
//   client_headers); an answer outside 200-599 becomes 403;
// - no answer (timeout, connection refused, unknown cluster): fail closed with status_on_error and
//   {"error":"authorization_unavailable","reason":"..."}.
// Counters: ext_authz.allowed, ext_authz.denied, ext_authz.errors.

export * from "@solo-io/proxy-runtime/proxy"; // the proxy-wasm exports the host calls
import {
  RootContext, Context, registerRootContext, FilterHeadersStatusValues, stream_context, Counter, log, LogLevelValues,
  send_local_response, continue_request, Headers, HeaderPair, GrpcStatusValues, WasmResultValues,
} from "@solo-io/proxy-runtime";
import { BufferTypeValues, get_buffer_bytes, get_status, HeaderMapTypeValues } from "@solo-io/proxy-runtime/runtime";
import { Settings, NameValue } from "../lib/config";
import { requestHeader, requestHeaderValues, jsonReply, pair, headerValue } from "../lib/http";

class ExtAuthzRoot extends RootContext {
  cluster: string = "";
  pathPrefix: string = "";
  authority: string = "";
  timeoutMillis: u32 = 200;
  allowedHeaders: Array<string> = ["authorization"];
  upstreamHeaders: Array<string> = new Array<string>(0);
  clientHeaders: Array<string> = new Array<string>(0);
  statusOnError: u32 = 403;
  allowed: Counter | null = null;
  denied: Counter | null = null;
  errors: Counter | null = null;

  onConfigure(configuration_size: u32): bool {
    const settings = Settings.read("ext-authz", configuration_size);
    const root = settings.root;
    root.allowOnly(["cluster", "path_prefix", "authority", "timeout", "allowed_headers", "upstream_headers",
      "client_headers", "status_on_error"]);
    const cluster = root.string("cluster", "");
    if (cluster.length == 0) root.invalid("cluster", "is required");
    const pathPrefix = root.string("path_prefix", "");
    if (pathPrefix.length > 0 && !pathPrefix.startsWith("/")) root.invalid("path_prefix", "must start with /");
    const authority = root.string("authority", cluster);
    const timeout = root.durationMillis("timeout", 200, 1);
    let allowedHeaders: Array<string> = ["authorization"];
    if (root.has("allowed_headers")) allowedHeaders = lowered(root.strings("allowed_headers"));
    const upstreamHeaders = lowered(root.strings("upstream_headers"));
    const clientHeaders = lowered(root.strings("client_headers"));
    const statusOnError = root.integer("status_on_error", 403, 200, 599);
    if (!settings.ok()) return false;
    this.cluster = cluster;
    this.pathPrefix = pathPrefix;
    this.authority = authority;
    this.timeoutMillis = <u32>timeout;
    this.allowedHeaders = allowedHeaders;
    this.upstreamHeaders = upstreamHeaders;
    this.clientHeaders = clientHeaders;
    this.statusOnError = <u32>statusOnError;
    this.allowed = new Counter("ext_authz.allowed");
    this.denied = new Counter("ext_authz.denied");
    this.errors = new Counter("ext_authz.errors");
    return true;
  }

  createContext(context_id: u32): Context {
    return new ExtAuthzContext(context_id, this);
  }
}

function lowered(names: Array<string>): Array<string> {
  const out = new Array<string>(0);
  for (let i = 0; i < names.length; i++) out.push(names[i].toLowerCase());
  return out;
}

// The answer of the authorization service (or its absence: headers == 0), with the request's context
// effective again.
function onCheckResponse(origin: Context, headers: u32, body_size: usize, trailers: u32): void {
  const context = changetype<ExtAuthzContext>(origin);
  context.checked(headers, body_size);
}

class ExtAuthzContext extends Context {
  constructor(context_id: u32, private root: ExtAuthzRoot) {
    super(context_id, root);
  }

  onRequestHeaders(headers: u32, end_of_stream: bool): FilterHeadersStatusValues {
    const root = this.root;
    const method = requestHeader(":method");
    const path = requestHeader(":path");
    // (if/else rather than ?: with a nullable: AssemblyScript 0.14 miscounts references in such a ?:)
    let methodText = "GET";
    if (method !== null) methodText = method as string;
    let pathText = "/";
    if (path !== null) pathText = path as string;
    const check: Headers = [
      pair(":method", methodText),
      pair(":path", root.pathPrefix + pathText),
      pair(":authority", root.authority),
    ];
    for (let i = 0; i < root.allowedHeaders.length; i++) {
      const values = requestHeaderValues(root.allowedHeaders[i]);
      if (values.length > 0) check.push(pair(root.allowedHeaders[i], values.join(",")));
    }
    const result = root.httpCall(root.cluster, check, new ArrayBuffer(0), [], root.timeoutMillis, this, onCheckResponse);
    if (result != WasmResultValues.Ok) {
      this.failClosed("the authorization service cannot be called (proxy_http_call: " + result.toString() + ")");
    }
    return FilterHeadersStatusValues.StopIteration;
  }

  checked(headers: u32, body_size: usize): void {
    const root = this.root;
    if (headers == 0) {
      const status = get_status();
      let message = "no answer";
      if (status.data.byteLength > 0) message = String.UTF8.decode(status.data);
      this.failClosed("the authorization service did not answer: " + message);
      return;
    }
    const statusText = headerValue(HeaderMapTypeValues.HttpCallResponseHeaders, ":status");
    let status = 0;
    if (statusText !== null) status = I32.parseInt(statusText as string);
    if (status >= 200 && status < 300) {
      (root.allowed as Counter).increment(1);
      const request = stream_context.headers.request;
      for (let i = 0; i < root.upstreamHeaders.length; i++) {
        const value = headerValue(HeaderMapTypeValues.HttpCallResponseHeaders, root.upstreamHeaders[i]);
        if (value !== null) request.replace(root.upstreamHeaders[i], value as string);
        else request.remove(root.upstreamHeaders[i]);
      }
      continue_request();
      return;
    }
    (root.denied as Counter).increment(1);
    const reply: Headers = new Array<HeaderPair>(0);
    const contentType = headerValue(HeaderMapTypeValues.HttpCallResponseHeaders, "content-type");
    if (contentType !== null) reply.push(pair("content-type", contentType as string));
    for (let i = 0; i < root.clientHeaders.length; i++) {
      const value = headerValue(HeaderMapTypeValues.HttpCallResponseHeaders, root.clientHeaders[i]);
      if (value !== null) reply.push(pair(root.clientHeaders[i], value as string));
    }
    let body = new ArrayBuffer(0);
    if (body_size > 0) body = get_buffer_bytes(BufferTypeValues.HttpCallResponseBody, 0, <u32>body_size);
    const replyStatus: u32 = status >= 200 && status <= 599 ? <u32>status : 403;
    send_local_response(replyStatus, "ext_authz_denied", body, reply, GrpcStatusValues.InvalidCode);
  }

  private failClosed(reason: string): void {
    (this.root.errors as Counter).increment(1);
    log(LogLevelValues.warn, "ext-authz: " + reason + "; answering " + this.root.statusOnError.toString());
    jsonReply(this.root.statusOnError, "ext_authz_error", "authorization_unavailable", reason, new Array<NameValue>(0));
  }
}

function newRoot(context_id: u32): RootContext {
  return new ExtAuthzRoot(context_id);
}
registerRootContext(newRoot, "ext_authz");
registerRootContext(newRoot, "");
