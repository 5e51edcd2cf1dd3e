// deny-list: a service that keeps a list fresh in shared data, and a filter that refuses the clients on
// it. One module, two root ids; run the service under `services` and the filter under `plugins`, with the
// same vm_id (shared data is per vm_id).
//
// Root id "deny_list_service" (a service plugin: root context only). Configuration (JSON):
//   {
//     "cluster": "lists",            // where the list comes from (required)
//     "path": "/deny-list.txt",      // its path (required)
//     "authority": "lists",          // :authority of the fetch (default: the cluster name)
//     "interval": "30s",             // how often to fetch (default 30s)
//     "timeout": "5s",               // how long a fetch may take (default 5s)
//     "shared_key": "deny_list"      // where to publish (default deny_list)
//   }
// It fetches the list (GET with proxy_http_call) once when configured and then on every tick. A 200
// answer is published: one entry per line, trimmed, without blank lines and #-comments, under
// shared_key (written only when it changed). Any other answer, a timeout or a refused connection keeps the
// list published before and is logged. Run it with one instance. Metrics: counters
// deny_list.fetches and deny_list.fetch_failures, gauge deny_list.entries.
// The service publishes any line list; api-key's keys_from_shared_data reads one ("name:key" lines).
//
// Root id "deny_list" (also registered under ""): the filter. Configuration (JSON; every key optional):
//   {
//     "shared_key": "deny_list",     // the list to read (default deny_list)
//     "key": "source.address",       // who the client is: "source.address" (its IP, default) or
//                                    // "header:<name>" (e.g. "header:x-api-key-name")
//     "status": 403,                 // the answer to a listed client (default 403)
//     "fail_closed": false,          // true: answer 503 until a list was published (default false: allow)
//     "duplicates": "reject"         // a repeated key header: "reject" (default) or "check_all"
//   }
// A listed client gets <status> {"error":"forbidden","reason":"client is on the deny list"}. With
// source.address, entries are IP addresses or IPv4 CIDR ranges ("10.0.0.0/8"); with a header, exact
// values. A request repeating the key header gets 403 {"error":"forbidden","reason":"more than one <name>
// header"}, list or no list: the application could take the client for another value than the one
// checked. With "duplicates": "check_all" every value is checked instead, and the request is refused if
// any of them is listed. Each VM re-reads the list only when its shared-data entry changed. Counter:
// deny_list.denied (listed clients and repeated key headers).

export * from "@solo-io/proxy-runtime/proxy"; // the proxy-wasm exports the host calls
import {
  RootContext, Context, registerRootContext, FilterHeadersStatusValues, Counter, Gauge, log, LogLevelValues,
  WasmResultValues, Headers,
} from "@solo-io/proxy-runtime";
import { BufferTypeValues, get_buffer_bytes, get_status, HeaderMapTypeValues } from "@solo-io/proxy-runtime/runtime";
import { proxy_set_tick_period_milliseconds, proxy_record_metric } from "@solo-io/proxy-runtime/imports";
import { Settings, NameValue, checksEveryValue } from "../lib/config";
import { requestHeaderValues, jsonReply, pair, headerValue, nowMillis, clientIp } from "../lib/http";
import { SharedList, listLines, setSharedText } from "../lib/shared";

// ---- the service ----------------------------------------------------------------------------------------

class DenyListService extends RootContext {
  cluster: string = "";
  path: string = "";
  authority: string = "";
  intervalMillis: i64 = 30000;
  timeoutMillis: i64 = 5000;
  sharedKey: string = "deny_list";
  inFlightSince: i64 = 0;
  published: string | null = null;
  fetches: Counter | null = null;
  failures: Counter | null = null;
  entries: Gauge | null = null;

  onConfigure(configuration_size: u32): bool {
    const settings = Settings.read("deny-list service", configuration_size);
    const root = settings.root;
    root.allowOnly(["cluster", "path", "authority", "interval", "timeout", "shared_key"]);
    const cluster = root.string("cluster", "");
    if (cluster.length == 0) root.invalid("cluster", "is required");
    const path = root.string("path", "");
    if (!path.startsWith("/")) root.invalid("path", "is required and must start with /");
    const authority = root.string("authority", cluster);
    const interval = root.durationMillis("interval", 30000, 10);
    const timeout = root.durationMillis("timeout", 5000, 1);
    const sharedKey = root.string("shared_key", "deny_list");
    if (sharedKey.length == 0) root.invalid("shared_key", "must not be empty");
    if (!settings.ok()) return false;
    this.cluster = cluster;
    this.path = path;
    this.authority = authority;
    this.intervalMillis = interval;
    this.timeoutMillis = timeout;
    this.sharedKey = sharedKey;
    this.fetches = new Counter("deny_list.fetches");
    this.failures = new Counter("deny_list.fetch_failures");
    this.entries = new Gauge("deny_list.entries");
    proxy_set_tick_period_milliseconds(<u32>interval);
    this.fetch();
    return true;
  }

  onTick(): void {
    this.fetch();
  }

  fetch(): void {
    const now = nowMillis();
    // One fetch at a time; one that never came back (it cannot outlive its timeout) is forgotten.
    if (this.inFlightSince > 0 && now - this.inFlightSince < 2 * this.timeoutMillis) return;
    const headers: Headers = [pair(":method", "GET"), pair(":path", this.path), pair(":authority", this.authority)];
    const result = this.httpCall(this.cluster, headers, new ArrayBuffer(0), [], <u32>this.timeoutMillis, this, onListResponse);
    if (result != WasmResultValues.Ok) {
      this.failed("cannot call cluster " + this.cluster + " (proxy_http_call: " + result.toString() + ")");
      return;
    }
    this.inFlightSince = now;
  }

  failed(reason: string): void {
    (this.failures as Counter).increment(1);
    log(LogLevelValues.warn, "deny-list service: fetching " + this.path + " failed: " + reason + "; keeping the current list");
  }

  received(headers: u32, body_size: usize): void {
    this.inFlightSince = 0;
    (this.fetches as Counter).increment(1);
    if (headers == 0) {
      const status = get_status();
      let message = "no answer";
      if (status.data.byteLength > 0) message = String.UTF8.decode(status.data);
      this.failed(message);
      return;
    }
    const status = headerValue(HeaderMapTypeValues.HttpCallResponseHeaders, ":status");
    if (status != "200") {
      let shown = "?";
      if (status !== null) shown = status as string;
      this.failed("status " + shown);
      return;
    }
    let body = "";
    if (body_size > 0) body = String.UTF8.decode(get_buffer_bytes(BufferTypeValues.HttpCallResponseBody, 0, <u32>body_size));
    const lines = listLines(body);
    const text = lines.join("\n");
    const published = this.published;
    if (published !== null && (published as string) == text) return;
    const result = setSharedText(this.sharedKey, text, 0);
    if (result != WasmResultValues.Ok) {
      this.failed("proxy_set_shared_data: " + result.toString());
      return;
    }
    this.published = text;
    proxy_record_metric((this.entries as Gauge).metric_id, lines.length);
    log(LogLevelValues.info, "deny-list service: published " + lines.length.toString() + " entries under " + this.sharedKey);
  }
}

function onListResponse(origin: Context, headers: u32, body_size: usize, trailers: u32): void {
  changetype<DenyListService>(origin).received(headers, body_size);
}

// ---- the filter -----------------------------------------------------------------------------------------

class Cidr {
  constructor(public network: u32, public mask: u32) {}
}

// An IPv4 address as a number; -1 if text is not one.
function ipv4(text: string): i64 {
  const parts = text.split(".");
  if (parts.length != 4) return -1;
  let value: i64 = 0;
  for (let i = 0; i < 4; i++) {
    const part = parts[i];
    if (part.length == 0 || part.length > 3) return -1;
    let octet = 0;
    for (let j = 0; j < part.length; j++) {
      const c = part.charCodeAt(j);
      if (c < 0x30 || c > 0x39) return -1;
      octet = octet * 10 + (c - 0x30);
    }
    if (octet > 255) return -1;
    value = (value << 8) | octet;
  }
  return value;
}

class DenyListFilter extends RootContext {
  list: SharedList = new SharedList("deny_list");
  keyHeader: string = "";
  status: u32 = 403;
  failClosed: bool = false;
  checkAll: bool = false;
  exact: Set<string> = new Set<string>();
  ranges: Array<Cidr> = new Array<Cidr>(0);
  denied: Counter | null = null;

  onConfigure(configuration_size: u32): bool {
    const settings = Settings.read("deny-list", configuration_size);
    const root = settings.root;
    root.allowOnly(["shared_key", "key", "status", "fail_closed", "duplicates"]);
    const sharedKey = root.string("shared_key", "deny_list");
    if (sharedKey.length == 0) root.invalid("shared_key", "must not be empty");
    const key = root.string("key", "source.address");
    let keyHeader = "";
    if (key.startsWith("header:") && key.length > 7) {
      keyHeader = key.substring(7).trim().toLowerCase();
    } else if (key != "source.address") {
      root.invalid("key", "must be \"source.address\" or \"header:<name>\"");
    }
    const status = root.integer("status", 403, 400, 599);
    const failClosed = root.boolean("fail_closed", false);
    const checkAll = checksEveryValue(root);
    if (!settings.ok()) return false;
    this.list = new SharedList(sharedKey);
    this.keyHeader = keyHeader;
    this.status = <u32>status;
    this.failClosed = failClosed;
    this.checkAll = checkAll;
    this.denied = new Counter("deny_list.denied");
    return true;
  }

  // Re-reads the list if it changed.
  refresh(): void {
    if (!this.list.refresh()) return;
    const exact = new Set<string>();
    const ranges = new Array<Cidr>(0);
    const entries = this.list.entries;
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i];
      const slash = entry.indexOf("/");
      if (this.keyHeader.length == 0 && slash > 0) {
        const network = ipv4(entry.substring(0, slash));
        const bits = I32.parseInt(entry.substring(slash + 1));
        if (network >= 0 && bits >= 0 && bits <= 32 && entry.substring(slash + 1).length > 0) {
          const mask: u32 = bits == 0 ? 0 : <u32>(0xffffffff << (32 - bits));
          ranges.push(new Cidr(<u32>network & mask, mask));
          continue;
        }
      }
      exact.add(entry);
    }
    this.exact = exact;
    this.ranges = ranges;
  }

  listed(client: string): bool {
    if (this.exact.has(client)) return true;
    if (this.ranges.length == 0) return false;
    const address = ipv4(client);
    if (address < 0) return false;
    for (let i = 0; i < this.ranges.length; i++) {
      if ((<u32>address & this.ranges[i].mask) == this.ranges[i].network) return true;
    }
    return false;
  }

  createContext(context_id: u32): Context {
    return new DenyListContext(context_id, this);
  }
}

class DenyListContext extends Context {
  constructor(context_id: u32, private root: DenyListFilter) {
    super(context_id, root);
  }

  onRequestHeaders(headers: u32, end_of_stream: bool): FilterHeadersStatusValues {
    const root = this.root;
    const clients = this.clients();
    if (clients.length > 1 && !root.checkAll) {
      return this.deny(403, "deny_list_repeated_key", "more than one " + root.keyHeader + " header");
    }
    root.refresh();
    if (!root.list.loaded) {
      if (!root.failClosed) return FilterHeadersStatusValues.Continue;
      jsonReply(503, "deny_list_unavailable", "unavailable", "the deny list is not loaded yet", new Array<NameValue>(0));
      return FilterHeadersStatusValues.StopIteration;
    }
    for (let i = 0; i < clients.length; i++) {
      if (root.listed(clients[i])) return this.deny(root.status, "deny_list_denied", "client is on the deny list");
    }
    return FilterHeadersStatusValues.Continue;
  }

  // Who the client says it is: every value of the key header (none if absent), or its IP address.
  private clients(): Array<string> {
    if (this.root.keyHeader.length > 0) return requestHeaderValues(this.root.keyHeader);
    return [clientIp()];
  }

  private deny(status: u32, details: string, reason: string): FilterHeadersStatusValues {
    (this.root.denied as Counter).increment(1);
    jsonReply(status, details, "forbidden", reason, new Array<NameValue>(0));
    return FilterHeadersStatusValues.StopIteration;
  }
}

registerRootContext((context_id: u32): RootContext => new DenyListService(context_id), "deny_list_service");
function newFilter(context_id: u32): RootContext {
  return new DenyListFilter(context_id);
}
registerRootContext(newFilter, "deny_list");
registerRootContext(newFilter, "");
