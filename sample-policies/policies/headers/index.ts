// headers: edits request and response headers from configuration, and answers CORS preflights.
//
// Root id: "headers" (also registered under "", the root id a host uses when none is configured).
// Configuration (JSON; every key optional):
//   {
//     "request":  { "remove": ["x-debug"], "set": {"x-env": "prod"}, "add": {"x-via": ["wasmgate"]} },
//     "response": { "remove": ["server"],  "set": {"cache-control": "no-store"}, "add": {...} },
//     "cors": {
//       "allow_origins": ["https://app.example.com"],   // or ["*"]
//       "allow_methods": ["GET", "POST"],               // default GET, HEAD, POST
//       "allow_headers": ["content-type"],              // default: echo Access-Control-Request-Headers
//       "expose_headers": ["x-request-id"],
//       "max_age": 600,                                 // seconds; default 600
//       "allow_credentials": false
//     }
//   }
// Each side applies remove, then set (replace or create), then add (append another value). Names are
// lower-cased. A value of "add"/"set" may be a list, giving one header per value.
//
// CORS (only with a "cors" section, and only for requests with an Origin header):
// - a preflight (OPTIONS with Access-Control-Request-Method) is answered here: 204 with
//   Access-Control-Allow-Origin/-Methods/-Headers/-Max-Age (and -Credentials), or 403 with a JSON error
//   if the origin is not allowed; it never reaches the upstream;
// - any other request from an allowed origin gets Access-Control-Allow-Origin (and -Credentials,
//   -Expose-Headers) and Vary: Origin on its response. Requests from other origins pass unchanged (the
//   browser enforces the policy).

export * from "@solo-io/proxy-runtime/proxy"; // the proxy-wasm exports the host calls
import {
  RootContext, Context, registerRootContext, FilterHeadersStatusValues, stream_context, send_local_response,
  Headers, GrpcStatusValues,
} from "@solo-io/proxy-runtime";
import { Settings, Section, NameValue } from "../lib/config";
import { requestHeader, jsonReply, pair } from "../lib/http";

class Edits {
  toRemove: Array<string> = new Array<string>(0);
  toSet: Array<NameValue> = new Array<NameValue>(0);
  toAdd: Array<NameValue> = new Array<NameValue>(0);
}

function lower(pairs: Array<NameValue>): Array<NameValue> {
  for (let i = 0; i < pairs.length; i++) pairs[i].name = pairs[i].name.toLowerCase();
  return pairs;
}

function readEdits(section: Section): Edits {
  section.allowOnly(["remove", "set", "add"]);
  const edits = new Edits();
  const remove = section.strings("remove");
  for (let i = 0; i < remove.length; i++) edits.toRemove.push(remove[i].toLowerCase());
  edits.toSet = lower(section.nameValues("set"));
  edits.toAdd = lower(section.nameValues("add"));
  return edits;
}

class Cors {
  enabled: bool = false;
  anyOrigin: bool = false;
  origins: Array<string> = new Array<string>(0);
  methods: string = "GET, HEAD, POST";
  headers: string = "";
  exposeHeaders: string = "";
  maxAge: string = "600";
  credentials: bool = false;

  allows(origin: string): bool {
    if (this.anyOrigin) return true;
    const lowered = origin.toLowerCase();
    for (let i = 0; i < this.origins.length; i++) {
      if (this.origins[i] == lowered) return true;
    }
    return false;
  }

  // What Access-Control-Allow-Origin says to origin: "*" only when any origin is allowed without credentials.
  allowOrigin(origin: string): string {
    if (this.anyOrigin && !this.credentials) return "*";
    return origin;
  }
}

function readCors(section: Section): Cors {
  const cors = new Cors();
  if (!section.json.isObject() || section.json.keys.length == 0) return cors;
  section.allowOnly(["allow_origins", "allow_methods", "allow_headers", "expose_headers", "max_age", "allow_credentials"]);
  cors.enabled = true;
  const origins = section.strings("allow_origins");
  if (origins.length == 0) section.invalid("allow_origins", "must list at least one origin (or \"*\")");
  for (let i = 0; i < origins.length; i++) {
    if (origins[i] == "*") cors.anyOrigin = true;
    else cors.origins.push(origins[i].toLowerCase());
  }
  const methods = section.strings("allow_methods");
  if (methods.length > 0) cors.methods = methods.join(", ");
  cors.headers = section.strings("allow_headers").join(", ");
  cors.exposeHeaders = section.strings("expose_headers").join(", ");
  cors.maxAge = section.integer("max_age", 600, 0, 86400 * 365).toString();
  cors.credentials = section.boolean("allow_credentials", false);
  return cors;
}

class HeadersRoot extends RootContext {
  request: Edits = new Edits();
  response: Edits = new Edits();
  cors: Cors = new Cors();

  onConfigure(configuration_size: u32): bool {
    const settings = Settings.read("headers", configuration_size);
    const root = settings.root;
    root.allowOnly(["request", "response", "cors"]);
    const request = readEdits(root.section("request"));
    const response = readEdits(root.section("response"));
    const cors = readCors(root.section("cors"));
    if (!settings.ok()) return false;
    this.request = request;
    this.response = response;
    this.cors = cors;
    return true;
  }

  createContext(context_id: u32): Context {
    return new HeadersContext(context_id, this);
  }
}

class HeadersContext extends Context {
  preflight: bool = false;
  corsOrigin: string | null = null;

  constructor(context_id: u32, private root: HeadersRoot) {
    super(context_id, root);
  }

  onRequestHeaders(headers: u32, end_of_stream: bool): FilterHeadersStatusValues {
    const cors = this.root.cors;
    if (cors.enabled) {
      const origin = requestHeader("origin");
      if (origin !== null) {
        const allowed = cors.allows(origin as string);
        const method = requestHeader(":method");
        if (method == "OPTIONS" && requestHeader("access-control-request-method") !== null) {
          this.preflight = true;
          this.answerPreflight(origin as string, allowed);
          return FilterHeadersStatusValues.StopIteration;
        }
        if (allowed) this.corsOrigin = origin;
      }
    }
    const edits = this.root.request;
    const request = stream_context.headers.request;
    for (let i = 0; i < edits.toRemove.length; i++) request.remove(edits.toRemove[i]);
    for (let i = 0; i < edits.toSet.length; i++) request.replace(edits.toSet[i].name, edits.toSet[i].value);
    for (let i = 0; i < edits.toAdd.length; i++) request.add(edits.toAdd[i].name, edits.toAdd[i].value);
    return FilterHeadersStatusValues.Continue;
  }

  private answerPreflight(origin: string, allowed: bool): void {
    const cors = this.root.cors;
    if (!allowed) {
      jsonReply(403, "cors_origin_not_allowed", "forbidden", "origin " + origin + " is not allowed", []);
      return;
    }
    let allowHeaders = cors.headers;
    if (allowHeaders.length == 0) {
      const asked = requestHeader("access-control-request-headers");
      if (asked !== null) allowHeaders = asked as string;
    }
    const reply: Headers = [
      pair("access-control-allow-origin", cors.allowOrigin(origin)),
      pair("access-control-allow-methods", cors.methods),
      pair("access-control-max-age", cors.maxAge),
      pair("vary", "origin"),
    ];
    if (allowHeaders.length > 0) reply.push(pair("access-control-allow-headers", allowHeaders));
    if (cors.credentials) reply.push(pair("access-control-allow-credentials", "true"));
    send_local_response(204, "cors_preflight", new ArrayBuffer(0), reply, GrpcStatusValues.InvalidCode);
  }

  onResponseHeaders(headers: u32, end_of_stream: bool): FilterHeadersStatusValues {
    if (this.preflight) return FilterHeadersStatusValues.Continue;
    const edits = this.root.response;
    const response = stream_context.headers.response;
    for (let i = 0; i < edits.toRemove.length; i++) response.remove(edits.toRemove[i]);
    for (let i = 0; i < edits.toSet.length; i++) response.replace(edits.toSet[i].name, edits.toSet[i].value);
    for (let i = 0; i < edits.toAdd.length; i++) response.add(edits.toAdd[i].name, edits.toAdd[i].value);
    const origin = this.corsOrigin;
    if (origin !== null) {
      const cors = this.root.cors;
      response.replace("access-control-allow-origin", cors.allowOrigin(origin as string));
      response.add("vary", "origin");
      if (cors.credentials) response.replace("access-control-allow-credentials", "true");
      if (cors.exposeHeaders.length > 0) response.replace("access-control-expose-headers", cors.exposeHeaders);
    }
    return FilterHeadersStatusValues.Continue;
  }
}

function newRoot(context_id: u32): RootContext {
  return new HeadersRoot(context_id);
}
registerRootContext(newRoot, "headers");
registerRootContext(newRoot, "");
