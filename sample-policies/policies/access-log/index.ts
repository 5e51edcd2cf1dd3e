// access-log: a log-only policy (configure it under log_plugins). In proxy_on_log it writes one line per
// request with proxy_log, reading everything from attributes (proxy_get_property), so it needs no header
// callbacks; an attribute the host does not have is "-" (text) or null (JSON).
//
// Root id: "" (also registered as "access_log").
// Configuration: empty, or JSON:
//   {
//     "format": "json",                          // "text" (default) or "json"
//     "request_headers": ["x-request-id"],       // JSON only: request headers to include under "headers"
//     "level": "info"                            // trace, debug, info (default), warn, error, critical
//   }
// text (the default, unchanged since the first version): access <request.method> <request.path> <response.code>
// json: one object per line, e.g.
//   {"time":"2026-01-01T12:00:00.123Z","method":"GET","path":"/api/orders?page=2","status":200,
//    "duration_ms":1.234,"request_bytes":0,"response_bytes":512,"client":"10.0.0.7:51234",
//    "authority":"api.example.com","user_agent":"curl/8.5.0","request_id":"...","details":"via_upstream",
//    "headers":{"x-request-id":"..."}}
// where time is request.time, status response.code, duration_ms request.duration, request_bytes and
// response_bytes request.size and response.size (body bytes), client source.address, details
// response.code_details.

export * from "@solo-io/proxy-runtime/proxy"; // the proxy-wasm exports the host calls
import { RootContext, Context, registerRootContext, log, LogLevelValues } from "@solo-io/proxy-runtime";
import { text, integer, property } from "../shared/properties";
import { Settings } from "../lib/config";
import { JsonObjectWriter, quoteJson } from "../lib/json";

class AccessLogRoot extends RootContext {
  json: bool = false;
  headers: Array<string> = new Array<string>(0);
  level: LogLevelValues = LogLevelValues.info;

  onConfigure(configuration_size: u32): bool {
    const settings = Settings.read("access-log", configuration_size);
    const root = settings.root;
    root.allowOnly(["format", "request_headers", "level"]);
    const format = root.string("format", "text");
    if (format != "text" && format != "json") root.invalid("format", "must be \"text\" or \"json\"");
    const headers = root.strings("request_headers");
    for (let i = 0; i < headers.length; i++) headers[i] = headers[i].toLowerCase();
    if (headers.length > 0 && format != "json") root.invalid("request_headers", "needs \"format\": \"json\"");
    const levelName = root.string("level", "info");
    const levels = ["trace", "debug", "info", "warn", "error", "critical"];
    const level = levels.indexOf(levelName);
    if (level < 0) root.invalid("level", "must be one of " + levels.join(", "));
    if (!settings.ok()) return false;
    this.json = format == "json";
    this.headers = headers;
    this.level = <LogLevelValues>level;
    return true;
  }

  createContext(context_id: u32): Context {
    return new AccessLog(context_id, this);
  }
}

// An 8-byte integer attribute, or null.
function int64(path: string): i64 {
  const value = property(path);
  if (value === null || (value as ArrayBuffer).byteLength != 8) return i64.MIN_VALUE;
  return load<i64>(changetype<usize>(value));
}

// A string attribute, or null.
function optionalText(path: string): string | null {
  const value = property(path);
  if (value === null) return null;
  return String.UTF8.decode(value as ArrayBuffer);
}

function pad(value: i64, width: i32): string {
  return value.toString().padStart(width, "0");
}

// Nanoseconds since the epoch as ISO 8601 UTC with milliseconds.
export function isoTime(nanos: i64): string {
  const millis = nanos / 1000000;
  let days = millis / 86400000;
  let msOfDay = millis % 86400000;
  if (msOfDay < 0) { msOfDay += 86400000; days -= 1; }
  // Howard Hinnant's civil_from_days.
  const z = days + 719468;
  const era = (z >= 0 ? z : z - 146096) / 146097;
  const doe = z - era * 146097;
  const yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const mp = (5 * doy + 2) / 153;
  const day = doy - (153 * mp + 2) / 5 + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T" + pad(msOfDay / 3600000, 2) + ":"
    + pad((msOfDay / 60000) % 60, 2) + ":" + pad((msOfDay / 1000) % 60, 2) + "." + pad(msOfDay % 1000, 3) + "Z";
}

function jsonInt(value: i64): string {
  if (value == i64.MIN_VALUE) return "null";
  return value.toString();
}

class AccessLog extends Context {
  constructor(context_id: u32, private root: AccessLogRoot) {
    super(context_id, root);
  }

  onLog(): void {
    if (!this.root.json) {
      log(this.root.level, "access " + text("request.method") + " " + text("request.path") + " " + integer("response.code"));
      return;
    }
    const time = int64("request.time");
    let timeText: string | null = null;
    if (time != i64.MIN_VALUE) timeText = isoTime(time);
    const duration = int64("request.duration");
    let durationText = "null";
    if (duration != i64.MIN_VALUE) durationText = (duration / 1000000).toString() + "." + pad((duration / 1000) % 1000, 3);
    const line = new JsonObjectWriter()
      .stringOrNull("time", timeText)
      .stringOrNull("method", optionalText("request.method"))
      .stringOrNull("path", optionalText("request.path"))
      .raw("status", jsonInt(int64("response.code")))
      .raw("duration_ms", durationText)
      .raw("request_bytes", jsonInt(int64("request.size")))
      .raw("response_bytes", jsonInt(int64("response.size")))
      .stringOrNull("client", optionalText("source.address"))
      .stringOrNull("authority", optionalText("request.host"))
      .stringOrNull("user_agent", optionalText("request.useragent"))
      .stringOrNull("request_id", optionalText("request.id"))
      .stringOrNull("details", optionalText("response.code_details"));
    const headers = this.root.headers;
    if (headers.length > 0) {
      let object = "{";
      for (let i = 0; i < headers.length; i++) {
        const value = optionalText("request\0headers\0" + headers[i]);
        if (i > 0) object += ",";
        object += quoteJson(headers[i]) + ":";
        if (value === null) object += "null";
        else object += quoteJson(value as string);
      }
      line.raw("headers", object + "}");
    }
    log(this.root.level, line.toString());
  }
}

function newRoot(context_id: u32): RootContext {
  return new AccessLogRoot(context_id);
}
registerRootContext(newRoot, "");
registerRootContext(newRoot, "access_log");
