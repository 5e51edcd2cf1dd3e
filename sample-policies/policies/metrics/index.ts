// metrics: counts requests by route and status class with proxy_define_metric, so they show up in the
// host's meter registry (the gateway's /stats/prometheus). Works as a plugin or as a log plugin: it
// counts in proxy_on_log, once the response is complete (local replies and failures included).
//
// Root id: "metrics" (also registered under "").
// Configuration (JSON; every key optional):
//   {
//     "prefix": "route_requests",            // metric name prefix (default route_requests)
//     "routes": [ {"name": "api", "prefix": "/api/"},      // first match wins: a path prefix...
//                 {"name": "health", "path": "/health"} ], // ...or an exact path (query ignored)
//     "default_route": "other",              // requests no route matches (default "other"); if the host
//                                            // serves xds.route_name, that name is used instead
//     "durations": false                     // also a histogram of durations (ms) per route
//   }
// Metrics: a counter <prefix>.<route>.<class> per route and status class (1xx..5xx, or "none" when
// there was no response), e.g. route_requests.api.2xx, which Prometheus shows as
// route_requests_api_2xx_total{plugin="<plugin name>"}; with "durations", a histogram
// <prefix>.<route>.duration_ms. Counters for 2xx..5xx of every configured route exist from the start
// (at 0). Route names may use a-z, 0-9 and _.
// Every VM instance defines the same names, so they all count into the same meters.

export * from "@solo-io/proxy-runtime/proxy"; // the proxy-wasm exports the host calls
import { RootContext, Context, registerRootContext, WasmResultValues, log, LogLevelValues } from "@solo-io/proxy-runtime";
import { define_metric, increment_metric, record_metric, MetricTypeValues } from "@solo-io/proxy-runtime/runtime";
import { Settings } from "../lib/config";
import { pathOnly } from "../lib/http";
import { property } from "../shared/properties";

class Route {
  constructor(public name: string, public prefix: string, public exact: bool) {}

  matches(path: string): bool {
    return this.exact ? path == this.prefix : path.startsWith(this.prefix);
  }
}

function validName(name: string): bool {
  if (name.length == 0) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (!((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c == 0x5f)) return false;
  }
  return true;
}

// A name from the host (xds.route_name) made valid: lower case, anything else becomes '_'.
function sanitize(name: string): string {
  let out = "";
  const lowered = name.toLowerCase();
  for (let i = 0; i < lowered.length; i++) {
    const c = lowered.charCodeAt(i);
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c == 0x5f) out += lowered.charAt(i);
    else out += "_";
  }
  return out;
}

class MetricsRoot extends RootContext {
  prefix: string = "route_requests";
  routes: Array<Route> = new Array<Route>(0);
  defaultRoute: string = "other";
  durations: bool = false;
  ids: Map<string, u32> = new Map<string, u32>();

  onConfigure(configuration_size: u32): bool {
    const settings = Settings.read("metrics", configuration_size);
    const root = settings.root;
    root.allowOnly(["prefix", "routes", "default_route", "durations"]);
    const prefix = root.string("prefix", "route_requests");
    const parts = prefix.split(".");
    for (let i = 0; i < parts.length; i++) {
      if (!validName(parts[i])) {
        root.invalid("prefix", "must be names of a-z, 0-9 and _ joined by dots");
        break;
      }
    }
    if (prefix.startsWith("wasmgate")) root.invalid("prefix", "wasmgate.* names are the host's");
    const routes = new Array<Route>(0);
    const sections = root.sections("routes");
    for (let i = 0; i < sections.length; i++) {
      const section = sections[i];
      section.allowOnly(["name", "prefix", "path"]);
      const name = section.string("name", "");
      if (!validName(name)) section.invalid("name", "is required and may use a-z, 0-9 and _");
      if (section.has("prefix") == section.has("path")) {
        section.invalid("prefix", "give exactly one of prefix and path");
        continue;
      }
      const exact = section.has("path");
      let match = "";
      if (exact) match = section.string("path", "");
      else match = section.string("prefix", "");
      if (!match.startsWith("/")) section.invalid(exact ? "path" : "prefix", "must start with /");
      routes.push(new Route(name, match, exact));
    }
    const defaultRoute = root.string("default_route", "other");
    if (!validName(defaultRoute)) root.invalid("default_route", "may use a-z, 0-9 and _");
    const durations = root.boolean("durations", false);
    if (!settings.ok()) return false;
    this.prefix = prefix;
    this.routes = routes;
    this.defaultRoute = defaultRoute;
    this.durations = durations;
    const classes = ["2xx", "3xx", "4xx", "5xx"];
    for (let i = 0; i <= routes.length; i++) {
      let route = defaultRoute;
      if (i < routes.length) route = routes[i].name;
      for (let c = 0; c < classes.length; c++) {
        if (this.metric(MetricTypeValues.Counter, prefix + "." + route + "." + classes[c]) == 0) return false;
      }
      if (durations && this.metric(MetricTypeValues.Histogram, prefix + "." + route + ".duration_ms") == 0) return false;
    }
    return true;
  }

  // The id of a metric, defined on first use; 0 if the host refused it.
  metric(type: MetricTypeValues, name: string): u32 {
    if (this.ids.has(name)) return this.ids.get(name);
    const defined = define_metric(type, name);
    if (defined.result != WasmResultValues.Ok) {
      log(LogLevelValues.error, "metrics: the host refused the metric " + name + " (" + defined.result.toString() + ")");
      return 0;
    }
    this.ids.set(name, defined.metric_id);
    return defined.metric_id;
  }

  route(path: string): string {
    for (let i = 0; i < this.routes.length; i++) {
      if (this.routes[i].matches(path)) return this.routes[i].name;
    }
    const named = property("xds.route_name");
    if (named !== null && (named as ArrayBuffer).byteLength > 0) return sanitize(String.UTF8.decode(named as ArrayBuffer));
    return this.defaultRoute;
  }

  createContext(context_id: u32): Context {
    return new MetricsContext(context_id, this);
  }
}

function int64(path: string): i64 {
  const value = property(path);
  if (value === null || (value as ArrayBuffer).byteLength != 8) return -1;
  return load<i64>(changetype<usize>(value));
}

class MetricsContext extends Context {
  constructor(context_id: u32, private root: MetricsRoot) {
    super(context_id, root);
  }

  onLog(): void {
    const root = this.root;
    const pathValue = property("request.path");
    let path = "/";
    if (pathValue !== null) path = pathOnly(String.UTF8.decode(pathValue as ArrayBuffer));
    const route = root.route(path);
    const code = int64("response.code");
    let status = "none";
    if (code >= 100 && code <= 599) status = (code / 100).toString() + "xx";
    const counter = root.metric(MetricTypeValues.Counter, root.prefix + "." + route + "." + status);
    if (counter != 0) increment_metric(counter, 1);
    if (root.durations) {
      const duration = int64("request.duration");
      const histogram = root.metric(MetricTypeValues.Histogram, root.prefix + "." + route + ".duration_ms");
      if (duration >= 0 && histogram != 0) record_metric(histogram, <u64>(duration / 1000000));
    }
  }
}

function newRoot(context_id: u32): RootContext {
  return new MetricsRoot(context_id);
}
registerRootContext(newRoot, "metrics");
registerRootContext(newRoot, "");
