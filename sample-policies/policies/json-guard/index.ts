// json-guard: validates JSON request bodies and redacts fields of JSON response bodies.
//
// Root id: "json_guard" (also registered under "").
// Configuration (JSON; at least one of the two sections):
//   {
//     "request": {
//       "methods": ["POST", "PUT", "PATCH"],   // which requests are checked (default these three)
//       "max_body_bytes": 65536,               // larger bodies are refused (default 1 MiB)
//       "require_json": true,                  // a body must be Content-Type application/json or
//                                              // application/<x>+json (default true)
//       "required": ["name", "address.city"]   // members that must be present (dotted paths into
//                                              // nested objects); the body must then be an object
//     },
//     "response": {
//       "redact": ["password", "ssn"],         // members whose values are replaced, at any depth
//       "replacement": "[redacted]"            // what replaces them: any JSON value (default "[redacted]")
//     }
//   }
//
// Requests: a checked request whose body is too large (by Content-Length, or once more bytes arrived),
// has the wrong content type, is not valid JSON, or lacks required members gets
//   400 {"error":"invalid_request","reason":"...","fields":[<missing members>]}
// before the body reaches the upstream. A checked request without a body passes unless members are
// required. A body followed by trailers is checked when the trailers arrive. The body is buffered (StopIterationAndBuffer) until it is complete; the host's
// max_buffered_body must be at least max_body_bytes.
// Responses (with "redact"): JSON responses (by Content-Type, not content-encoded) are buffered and every
// member named in "redact" gets the replacement; everything else is kept byte for byte. Content-Length is
// removed from such responses (the host sets the new one) and Accept-Encoding from the requests, so the
// upstream answers uncompressed. A response body that is not valid JSON is passed unchanged.
// Counters: json_guard.rejected, json_guard.redacted (members redacted).

export * from "@solo-io/proxy-runtime/proxy"; // the proxy-wasm exports the host calls
import {
  RootContext, Context, registerRootContext, FilterHeadersStatusValues, FilterDataStatusValues, FilterTrailersStatusValues,
  stream_context, Counter,
} from "@solo-io/proxy-runtime";
import { BufferTypeValues, get_buffer_bytes } from "@solo-io/proxy-runtime/runtime";
import { Settings, NameValue } from "../lib/config";
import { requestHeader, responseHeader, jsonBodyReply, replaceBody } from "../lib/http";
import { Json, parseJson, redactJson, quoteJson, JsonObjectWriter } from "../lib/json";

class JsonGuardRoot extends RootContext {
  methods: Array<string> = ["POST", "PUT", "PATCH"];
  maxBodyBytes: i64 = 1048576;
  requireJson: bool = true;
  required: Array<string> = new Array<string>(0);
  redact: Set<string> = new Set<string>();
  replacement: string = "\"[redacted]\"";
  rejected: Counter | null = null;
  redacted: Counter | null = null;

  onConfigure(configuration_size: u32): bool {
    const settings = Settings.read("json-guard", configuration_size);
    const root = settings.root;
    root.allowOnly(["request", "response"]);
    if (!root.has("request") && !root.has("response")) root.invalid("request", "give a request section, a response section or both");
    const request = root.section("request");
    request.allowOnly(["methods", "max_body_bytes", "require_json", "required"]);
    let methods: Array<string> = ["POST", "PUT", "PATCH"];
    if (request.has("methods")) methods = request.strings("methods");
    for (let i = 0; i < methods.length; i++) methods[i] = methods[i].toUpperCase();
    const maxBodyBytes = request.integer("max_body_bytes", 1048576, 0, 1073741824);
    const requireJson = request.boolean("require_json", true);
    const required = request.strings("required");
    const response = root.section("response");
    response.allowOnly(["redact", "replacement"]);
    const redactList = response.strings("redact");
    const redact = new Set<string>();
    for (let i = 0; i < redactList.length; i++) redact.add(redactList[i]);
    const replacementValue = response.json.get("replacement");
    let replacement = "\"[redacted]\"";
    if (replacementValue !== null) replacement = (replacementValue as Json).stringify();
    if (!settings.ok()) return false;
    this.methods = methods;
    this.maxBodyBytes = maxBodyBytes;
    this.requireJson = requireJson;
    this.required = required;
    this.redact = redact;
    this.replacement = replacement;
    this.rejected = new Counter("json_guard.rejected");
    this.redacted = new Counter("json_guard.redacted");
    return true;
  }

  createContext(context_id: u32): Context {
    return new JsonGuardContext(context_id, this);
  }
}

// true for application/json and application/<anything>+json (parameters ignored).
function isJson(contentType: string | null): bool {
  if (contentType === null) return false;
  let media = contentType as string;
  const semicolon = media.indexOf(";");
  if (semicolon >= 0) media = media.substring(0, semicolon);
  media = media.trim().toLowerCase();
  return media == "application/json" || (media.startsWith("application/") && media.endsWith("+json"));
}

class JsonGuardContext extends Context {
  checkRequest: bool = false;
  buffered: u32 = 0;
  redactResponse: bool = false;

  constructor(context_id: u32, private root: JsonGuardRoot) {
    super(context_id, root);
  }

  private reject(reason: string, fields: Array<string>): void {
    (this.root.rejected as Counter).increment(1);
    const writer = new JsonObjectWriter().string("error", "invalid_request").string("reason", reason);
    if (fields.length > 0) {
      let list = "[";
      for (let i = 0; i < fields.length; i++) {
        if (i > 0) list += ",";
        list += quoteJson(fields[i]);
      }
      writer.raw("fields", list + "]");
    }
    jsonBodyReply(400, "json_guard_rejected", writer.toString(), new Array<NameValue>(0));
  }

  onRequestHeaders(headers: u32, end_of_stream: bool): FilterHeadersStatusValues {
    const root = this.root;
    if (root.redact.size > 0) stream_context.headers.request.remove("accept-encoding");
    const method = requestHeader(":method");
    if (method === null || !root.methods.includes(method as string)) return FilterHeadersStatusValues.Continue;
    if (end_of_stream) {
      if (root.required.length > 0) {
        this.reject("a JSON body is required", root.required);
        return FilterHeadersStatusValues.StopIteration;
      }
      return FilterHeadersStatusValues.Continue;
    }
    const length = requestHeader("content-length");
    if (length !== null && I64.parseInt(length as string) > root.maxBodyBytes) {
      this.reject("the body is larger than " + root.maxBodyBytes.toString() + " bytes", []);
      return FilterHeadersStatusValues.StopIteration;
    }
    if (root.requireJson && !isJson(requestHeader("content-type"))) {
      // A declared empty body has no content type to check.
      if (length === null || I64.parseInt(length as string) > 0) {
        this.reject("the content type must be application/json", []);
        return FilterHeadersStatusValues.StopIteration;
      }
    }
    this.checkRequest = true;
    return FilterHeadersStatusValues.Continue;
  }

  onRequestBody(body_buffer_length: usize, end_of_stream: bool): FilterDataStatusValues {
    if (!this.checkRequest) return FilterDataStatusValues.Continue;
    const root = this.root;
    this.buffered = <u32>body_buffer_length;
    if (<i64>body_buffer_length > root.maxBodyBytes) {
      this.checkRequest = false;
      this.reject("the body is larger than " + root.maxBodyBytes.toString() + " bytes", []);
      return FilterDataStatusValues.StopIterationNoBuffer;
    }
    if (!end_of_stream) return FilterDataStatusValues.StopIterationAndBuffer;
    this.checkRequest = false;
    return this.validate(<u32>body_buffer_length) ? FilterDataStatusValues.Continue : FilterDataStatusValues.StopIterationNoBuffer;
  }

  // A body that ends with trailers ends here: it is checked before anything goes on.
  onRequestTrailers(trailers: u32): FilterTrailersStatusValues {
    if (!this.checkRequest) return FilterTrailersStatusValues.Continue;
    this.checkRequest = false;
    return this.validate(this.buffered) ? FilterTrailersStatusValues.Continue : FilterTrailersStatusValues.StopIteration;
  }

  // Checks the whole buffered body (length bytes); false after a rejection.
  private validate(length: u32): bool {
    const root = this.root;
    if (length == 0) {
      if (root.required.length > 0) {
        this.reject("a JSON body is required", root.required);
        return false;
      }
      return true;
    }
    const body = get_buffer_bytes(BufferTypeValues.HttpRequestBody, 0, length);
    if (<u32>body.byteLength != length) {
      this.reject("the body could not be read for validation", []);
      return false;
    }
    const parsed = parseJson(body);
    if (parsed.value === null) {
      this.reject("the body is not valid JSON: " + parsed.error, []);
      return false;
    }
    const document = parsed.value as Json;
    if (root.required.length > 0) {
      if (!document.isObject()) {
        this.reject("the body must be a JSON object", []);
        return false;
      }
      const missing = new Array<string>(0);
      for (let i = 0; i < root.required.length; i++) {
        if (document.path(root.required[i]) === null) missing.push(root.required[i]);
      }
      if (missing.length > 0) {
        this.reject("missing required members: " + missing.join(", "), missing);
        return false;
      }
    }
    return true;
  }

  onResponseHeaders(headers: u32, end_of_stream: bool): FilterHeadersStatusValues {
    if (this.root.redact.size == 0 || end_of_stream) return FilterHeadersStatusValues.Continue;
    const encoding = responseHeader("content-encoding");
    if (!isJson(responseHeader("content-type"))
      || (encoding !== null && (encoding as string).trim().toLowerCase() != "identity")) {
      return FilterHeadersStatusValues.Continue;
    }
    this.redactResponse = true;
    stream_context.headers.response.remove("content-length");
    return FilterHeadersStatusValues.Continue;
  }

  onResponseBody(body_buffer_length: usize, end_of_stream: bool): FilterDataStatusValues {
    if (!this.redactResponse) return FilterDataStatusValues.Continue;
    if (!end_of_stream) return FilterDataStatusValues.StopIterationAndBuffer;
    this.redactResponse = false;
    if (body_buffer_length == 0) return FilterDataStatusValues.Continue;
    const body = get_buffer_bytes(BufferTypeValues.HttpResponseBody, 0, <u32>body_buffer_length);
    const parsed = parseJson(body);
    if (parsed.value === null) return FilterDataStatusValues.Continue;
    const redaction = redactJson(body, parsed.value as Json, this.root.redact, this.root.replacement);
    if (redaction.count > 0) {
      (this.root.redacted as Counter).increment(<u32>redaction.count);
      replaceBody(BufferTypeValues.HttpResponseBody, <u32>body_buffer_length, redaction.body);
    }
    return FilterDataStatusValues.Continue;
  }
}

function newRoot(context_id: u32): RootContext {
  return new JsonGuardRoot(context_id);
}
registerRootContext(newRoot, "json_guard");
registerRootContext(newRoot, "");
