// test-actions: a policy driven by the request header `x-test-action`, so one module covers the
// servlet filter's scenario tests. Actions (one per request):
//   headers               request: add x-added, replace x-replace, remove x-remove;
//                         response: add x-resp-added, replace x-resp-replace, remove x-resp-remove
//   rewrite-path          :path becomes /app/rewritten?q=1
//   local-reply-403       local reply 403 "forbidden by policy" with x-policy: denied
//   local-reply-grpc      local reply 403 with gRPC status 7 (PERMISSION_DENIED)
//   count-body            response headers x-request-body-calls / x-request-body-bytes count the
//                         proxy_on_request_body calls and bytes the plugin saw
//   replace-request-body  buffers the request body until end_of_stream, then replaces it
//   replace-response-body buffers the response body until end_of_stream, then replaces it
//   reply-on-second-body  local reply 500 from the second proxy_on_response_body call (after commit)
//   attributes            response headers x-attr-* carry request.protocol, request.id, request.size,
//                         request.time, source.address, destination.port and connection.mtls
//   trailers              request trailer x-checksum becomes "checked"; the response gets the trailer
//                         x-plugin-trailer: added (from proxy_on_response_trailers, or added from the
//                         last proxy_on_response_body when the response has no trailers)
//   pause                 stops in proxy_on_request_headers; the next tick adds x-resumed: tick and
//                         continues the request
//   pause-response        stops in proxy_on_response_headers; the next tick adds the response header
//                         x-resumed: tick and continues the response
//   pause-response-forever stops in proxy_on_response_headers and never continues
//   pause-forever         stops in proxy_on_request_headers and never continues
//   trap                  traps (unreachable) in proxy_on_request_headers
//   body-prepend-append   request content-length kept; at end_of_stream the body gets "prepend." in
//                         front and ".append" behind (Envoy's set_buffer start/length semantics)
//   body-replace          request content-length kept; buffers the body, replaces it with "replace"
//   body-remove           every request body chunk is replaced by nothing
//   body-append-no-length removes content-length in the headers phase, buffers the body and appends
//                         ".append" at end_of_stream (the Go SDK's http_body example)
//   body-grow-then-buffer prepends "prepend." to the first request body chunk and buffers; at
//                         end_of_stream appends ".append" and continues
//   body-hold-chunks      buffers every request body chunk, releases the whole at end_of_stream
//   response-body-prepend-append / response-body-replace / response-body-remove: the same on the
//                         response body (response content-length kept)
//   echo-request          response headers x-seen-method / x-seen-path / x-seen-expect /
//                         x-seen-connection carry what the plugin saw; request headers x-user: alice
//                         and x-tenant: t1 are set for the upstream
//   echo-header-order     response header x-seen-headers lists the request's header pairs as the plugin
//                         saw them, in order: "name=value" joined by " | " (pseudo-headers included)
//   reject-body           at the request body's end_of_stream, local reply 400 "body refused"
//   hold-headers-for-body stops in proxy_on_request_headers (StopIteration) and buffers the request body;
//                         at end_of_stream a body containing "deny" gets a local reply 403, any other
//                         continues (with allow_on_headers_stop_iteration, releasing headers and body)
//   Every body-* and response-body-* action reports the body sizes its body callbacks saw in the
//   response header x-request-body-sizes (comma-separated, one entry per call).
// Root id: "" (the default). Configuration: none.

export * from "@solo-io/proxy-runtime/proxy"; // the proxy-wasm exports the host calls
import {
  RootContext, Context, registerRootContext, FilterHeadersStatusValues, FilterDataStatusValues,
  FilterTrailersStatusValues, continue_response,
  stream_context, send_local_response, GrpcStatusValues, HeaderPair, Headers, continue_request,
  proxy_set_effective_context,
} from "@solo-io/proxy-runtime";
import { BufferTypeValues, get_buffer_bytes } from "@solo-io/proxy-runtime/runtime";
import { proxy_set_tick_period_milliseconds } from "@solo-io/proxy-runtime/imports";
import { text, integer, boolean } from "../shared/properties";

// The SDK links its proxy_set_buffer_bytes wrapper to the wrong import; declare the real one.
// @ts-ignore: decorator
@external("env", "proxy_set_buffer_bytes")
declare function proxy_set_buffer_bytes(typ: i32, start: u32, length: u32, data: usize, size: usize): u32;

function replaceBody(typ: BufferTypeValues, size: u32, text: string): void {
  const bytes = String.UTF8.encode(text);
  proxy_set_buffer_bytes(typ, 0, size, changetype<usize>(bytes), bytes.byteLength);
}

function prepend(typ: BufferTypeValues, text: string): void {
  const bytes = String.UTF8.encode(text);
  proxy_set_buffer_bytes(typ, 0, 0, changetype<usize>(bytes), bytes.byteLength);
}

function append(typ: BufferTypeValues, size: u32, text: string): void {
  const bytes = String.UTF8.encode(text);
  proxy_set_buffer_bytes(typ, size, 0, changetype<usize>(bytes), bytes.byteLength);
}

// Applies a body-* edit to one body callback of the direction in typ.
function editBody(op: string, typ: BufferTypeValues, size: u32, end: bool, calls: u32): FilterDataStatusValues {
  if (op == "prepend-append") {
    if (end) {
      prepend(typ, "prepend.");
      append(typ, size + 8, ".append");
    }
  } else if (op == "replace") {
    if (!end) return FilterDataStatusValues.StopIterationAndBuffer;
    replaceBody(typ, size, "replace");
  } else if (op == "remove") {
    replaceBody(typ, size, "");
  } else if (op == "append-no-length") {
    if (!end) return FilterDataStatusValues.StopIterationAndBuffer;
    append(typ, size, ".append");
  } else if (op == "grow-then-buffer") {
    if (calls == 1) prepend(typ, "prepend.");
    if (!end) return FilterDataStatusValues.StopIterationAndBuffer;
    append(typ, calls == 1 ? size + 8 : size, ".append");
  } else if (op == "hold-chunks") {
    if (!end) return FilterDataStatusValues.StopIterationAndBuffer;
  }
  return FilterDataStatusValues.Continue;
}

function reply(status: u32, body: string, grpcStatus: GrpcStatusValues): void {
  const headers: Headers = [new HeaderPair(String.UTF8.encode("x-policy"), String.UTF8.encode("denied"))];
  send_local_response(status, "denied by test-actions", String.UTF8.encode(body), headers, grpcStatus);
}

class TestActionsRoot extends RootContext {
  paused: u32[] = [];
  pausedResponses: u32[] = [];

  onConfigure(configuration_size: u32): bool {
    return true;
  }

  createContext(context_id: u32): Context {
    return new TestActions(context_id, this);
  }

  onTick(): void {
    const paused = this.paused;
    const pausedResponses = this.pausedResponses;
    this.paused = [];
    this.pausedResponses = [];
    proxy_set_tick_period_milliseconds(0);
    for (let i = 0; i < paused.length; i++) {
      proxy_set_effective_context(paused[i]);
      stream_context.headers.request.add("x-resumed", "tick");
      continue_request();
    }
    for (let i = 0; i < pausedResponses.length; i++) {
      proxy_set_effective_context(pausedResponses[i]);
      stream_context.headers.response.add("x-resumed", "tick");
      continue_response();
    }
  }
}

class TestActions extends Context {
  action: string = "";
  requestBodyCalls: u32 = 0;
  requestBodyBytes: u32 = 0;
  responseBodyCalls: u32 = 0;
  bodySizes: string = "";
  seenMethod: string = "";
  seenPath: string = "";
  seenExpect: string = "";
  seenConnection: string = "";
  seenHeaders: string = "";

  constructor(context_id: u32, private root: TestActionsRoot) {
    super(context_id, root);
  }

  onRequestHeaders(headers: u32, end_of_stream: bool): FilterHeadersStatusValues {
    const request = stream_context.headers.request;
    this.action = request.get("x-test-action");
    const action = this.action;
    if (action == "headers") {
      request.add("x-added", "yes");
      request.replace("x-replace", "replaced");
      request.remove("x-remove");
    } else if (action == "rewrite-path") {
      request.replace(":path", "/app/rewritten?q=1");
    } else if (action == "local-reply-403") {
      reply(403, "forbidden by policy", GrpcStatusValues.InvalidCode);
      return FilterHeadersStatusValues.StopIteration;
    } else if (action == "local-reply-grpc") {
      reply(403, "forbidden by policy", GrpcStatusValues.PermissionDenied);
      return FilterHeadersStatusValues.StopIteration;
    } else if (action == "replace-request-body") {
      request.remove("content-length");
    } else if (action == "pause") {
      this.root.paused.push(this.context_id);
      proxy_set_tick_period_milliseconds(20);
      return FilterHeadersStatusValues.StopIteration;
    } else if (action == "pause-forever") {
      return FilterHeadersStatusValues.StopIteration;
    } else if (action == "trap") {
      unreachable();
    } else if (action == "hold-headers-for-body") {
      return FilterHeadersStatusValues.StopIteration;
    } else if (action == "body-append-no-length") {
      request.remove("content-length");
    } else if (action == "echo-request") {
      this.seenMethod = request.get(":method");
      this.seenPath = request.get(":path");
      this.seenExpect = request.get("expect");
      this.seenConnection = request.get("connection");
      request.replace("x-user", "alice");
      request.replace("x-tenant", "t1");
    } else if (action == "echo-header-order") {
      const pairs = request.get_headers();
      const seen = new Array<string>();
      for (let i = 0; i < pairs.length; i++) {
        seen.push(String.UTF8.decode(pairs[i].key) + "=" + String.UTF8.decode(pairs[i].value));
      }
      this.seenHeaders = seen.join(" | ");
    }
    return FilterHeadersStatusValues.Continue;
  }

  onRequestBody(body_buffer_length: usize, end_of_stream: bool): FilterDataStatusValues {
    this.requestBodyCalls++;
    if (this.action.startsWith("body-")) {
      this.bodySizes += (this.bodySizes.length > 0 ? "," : "") + body_buffer_length.toString();
      return editBody(this.action.substring(5), BufferTypeValues.HttpRequestBody, body_buffer_length as u32,
        end_of_stream, this.requestBodyCalls);
    }
    if (this.action == "reject-body") {
      if (!end_of_stream) return FilterDataStatusValues.Continue;
      send_local_response(400, "body refused by test-actions", String.UTF8.encode("body refused"), [], GrpcStatusValues.InvalidCode);
      return FilterDataStatusValues.StopIterationNoBuffer;
    }
    if (this.action == "hold-headers-for-body") {
      if (!end_of_stream) return FilterDataStatusValues.StopIterationAndBuffer;
      const body = String.UTF8.decode(get_buffer_bytes(BufferTypeValues.HttpRequestBody, 0, body_buffer_length as u32));
      if (body.includes("deny")) {
        reply(403, "denied by its body", GrpcStatusValues.InvalidCode);
        return FilterDataStatusValues.StopIterationNoBuffer;
      }
      return FilterDataStatusValues.Continue;
    }
    if (this.action == "replace-request-body") {
      if (!end_of_stream) return FilterDataStatusValues.StopIterationAndBuffer;
      replaceBody(BufferTypeValues.HttpRequestBody, body_buffer_length as u32, "replaced request body");
      return FilterDataStatusValues.Continue;
    }
    this.requestBodyBytes += body_buffer_length as u32;
    return FilterDataStatusValues.Continue;
  }

  onRequestTrailers(trailers: u32): FilterTrailersStatusValues {
    if (this.action == "trailers") {
      stream_context.trailers.request.replace("x-checksum", "checked");
    }
    return FilterTrailersStatusValues.Continue;
  }

  onResponseHeaders(headers: u32, end_of_stream: bool): FilterHeadersStatusValues {
    const response = stream_context.headers.response;
    if (this.action == "headers") {
      response.add("x-resp-added", "yes");
      response.replace("x-resp-replace", "replaced");
      response.remove("x-resp-remove");
    } else if (this.action == "count-body") {
      response.add("x-request-body-calls", this.requestBodyCalls.toString());
      response.add("x-request-body-bytes", this.requestBodyBytes.toString());
    } else if (this.action == "replace-response-body") {
      response.remove("content-length");
    } else if (this.action == "pause-response") {
      this.root.pausedResponses.push(this.context_id);
      proxy_set_tick_period_milliseconds(20);
      return FilterHeadersStatusValues.StopIteration;
    } else if (this.action == "pause-response-forever") {
      return FilterHeadersStatusValues.StopIteration;
    } else if (this.action == "echo-header-order") {
      response.add("x-seen-headers", this.seenHeaders);
    } else if (this.action == "echo-request") {
      response.add("x-seen-method", this.seenMethod);
      response.add("x-seen-path", this.seenPath);
      response.add("x-seen-expect", this.seenExpect);
      response.add("x-seen-connection", this.seenConnection);
    } else if (this.action.startsWith("body-")) {
      response.add("x-request-body-sizes", this.bodySizes);
    } else if (this.action == "attributes") {
      response.add("x-attr-protocol", text("request.protocol"));
      response.add("x-attr-id", text("request.id"));
      response.add("x-attr-size", integer("request.size"));
      response.add("x-attr-time", integer("request.time"));
      response.add("x-attr-source", text("source.address"));
      response.add("x-attr-destination-port", integer("destination.port"));
      response.add("x-attr-mtls", boolean("connection.mtls"));
    }
    return FilterHeadersStatusValues.Continue;
  }

  onResponseBody(body_buffer_length: usize, end_of_stream: bool): FilterDataStatusValues {
    this.responseBodyCalls++;
    if (this.action.startsWith("response-body-")) {
      return editBody(this.action.substring(14), BufferTypeValues.HttpResponseBody, body_buffer_length as u32,
        end_of_stream, this.responseBodyCalls);
    }
    if (this.action == "replace-response-body") {
      if (!end_of_stream) return FilterDataStatusValues.StopIterationAndBuffer;
      replaceBody(BufferTypeValues.HttpResponseBody, body_buffer_length as u32, "replaced response body");
    } else if (this.action == "trailers" && end_of_stream) {
      stream_context.trailers.response.add("x-plugin-trailer", "added");
    } else if (this.action == "reply-on-second-body" && this.responseBodyCalls == 2) {
      reply(500, "too late", GrpcStatusValues.InvalidCode);
      return FilterDataStatusValues.StopIterationNoBuffer;
    }
    return FilterDataStatusValues.Continue;
  }

  onResponseTrailers(trailers: u32): FilterTrailersStatusValues {
    if (this.action == "trailers") {
      stream_context.trailers.response.add("x-plugin-trailer", "added");
    }
    return FilterTrailersStatusValues.Continue;
  }
}

registerRootContext((context_id: u32): RootContext => new TestActionsRoot(context_id), "");
