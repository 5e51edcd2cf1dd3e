// api-key: lets a request through only with a known API key, and tells the upstream whose key it was.
//
// Root id: "api_key" (also registered under "").
// Configuration (JSON):
//   {
//     "keys": [ {"name": "alice", "key": "k-alice-0123"},
//               {"name": "bob", "key_sha256": "<hex SHA-256 of bob's key>"} ],
//     "keys_from_shared_data": "api_keys",   // optional: also the keys published under this shared-data
//                                            // key, one "name:key" per line (e.g. by the deny-list
//                                            // service, see there); needs the publisher's vm_id
//     "header": "x-api-key",                 // where the key is looked for (default x-api-key)
//     "query_param": "api_key",              // optional: also this query parameter
//     "forward_header": "x-api-key-name",    // the key's name goes upstream in this header (default)
//     "strip_key": true,                     // remove the key (header and parameter) before the upstream
//     "realm": "wasmgate",                   // for WWW-Authenticate
//     "duplicates": "reject"                 // more than one key: "reject" (default) or "check_all"
//   }
// At least one of "keys" / "keys_from_shared_data" is required.
//
// The keys a request presents are every non-empty value of the header and of the query parameter. A
// request without one gets 401 {"error":"unauthorized","reason":"missing API key"}, one with an unknown
// key 401 with reason "invalid API key"; both carry WWW-Authenticate: ApiKey realm="...". More than one
// key (a repeated header or parameter, or both places used) gets 401 with reason "more than one API key":
// the application could read another key than the one checked. With "duplicates": "check_all" every one
// of them must be known instead, and the first one's name is forwarded. If the only source is shared data
// and nothing was published yet, the answer is 503 (fail closed). A request with known keys continues with
// forward_header set to the key's name (a value the client sent in that header is always removed first).
// Keys are compared as SHA-256 digests in constant time. Counter: api_key.rejected.

export * from "@solo-io/proxy-runtime/proxy"; // the proxy-wasm exports the host calls
import {
  RootContext, Context, registerRootContext, FilterHeadersStatusValues, stream_context, Counter, log, LogLevelValues,
} from "@solo-io/proxy-runtime";
import { Settings, NameValue, checksEveryValue } from "../lib/config";
import { requestHeader, requestHeaderValues, jsonReply, queryParamValues, withoutQueryParam } from "../lib/http";
import { sha256, utf8, constantTimeEquals } from "../lib/crypto";
import { SharedList } from "../lib/shared";

class Key {
  constructor(public name: string, public digest: Uint8Array) {}
}

function hexDigit(c: i32): i32 {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

// 64 hex digits as 32 bytes; null if it is not that.
function hexToBytes(hex: string): Uint8Array | null {
  if (hex.length != 64) return null;
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) {
    const high = hexDigit(hex.charCodeAt(i * 2));
    const low = hexDigit(hex.charCodeAt(i * 2 + 1));
    if (high < 0 || low < 0) return null;
    out[i] = <u8>((high << 4) | low);
  }
  return out;
}

class ApiKeyRoot extends RootContext {
  keys: Array<Key> = new Array<Key>(0);
  shared: SharedList | null = null;
  sharedKeys: Array<Key> = new Array<Key>(0);
  header: string = "x-api-key";
  queryParam: string = "";
  forwardHeader: string = "x-api-key-name";
  stripKey: bool = true;
  challenge: string = "ApiKey realm=\"wasmgate\"";
  checkAll: bool = false;
  rejected: Counter | null = null;

  onConfigure(configuration_size: u32): bool {
    const settings = Settings.read("api-key", configuration_size);
    const root = settings.root;
    root.allowOnly(["keys", "keys_from_shared_data", "header", "query_param", "forward_header", "strip_key", "realm",
      "duplicates"]);
    const keys = new Array<Key>(0);
    const entries = root.sections("keys");
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i];
      entry.allowOnly(["name", "key", "key_sha256"]);
      const name = entry.string("name", "");
      if (name.length == 0) entry.invalid("name", "is required");
      if (entry.has("key") == entry.has("key_sha256")) {
        entry.invalid("key", "give exactly one of key and key_sha256");
        continue;
      }
      if (entry.has("key")) {
        const key = entry.string("key", "");
        if (key.length == 0) entry.invalid("key", "must not be empty");
        keys.push(new Key(name, sha256(utf8(key))));
      } else {
        const digest = hexToBytes(entry.string("key_sha256", ""));
        if (digest === null) entry.invalid("key_sha256", "must be 64 hex digits");
        else keys.push(new Key(name, digest as Uint8Array));
      }
    }
    const sharedKey = root.string("keys_from_shared_data", "");
    if (entries.length == 0 && sharedKey.length == 0) {
      root.invalid("keys", "give keys, keys_from_shared_data or both");
    }
    const header = root.string("header", "x-api-key").toLowerCase();
    const param = root.string("query_param", "");
    if (header.length == 0 && param.length == 0) root.invalid("header", "give a header, a query_param or both");
    const forwardHeader = root.string("forward_header", "x-api-key-name").toLowerCase();
    if (forwardHeader.length == 0) root.invalid("forward_header", "must not be empty");
    const stripKey = root.boolean("strip_key", true);
    const realm = root.string("realm", "wasmgate");
    const checkAll = checksEveryValue(root);
    if (!settings.ok()) return false;
    this.keys = keys;
    this.shared = null;
    if (sharedKey.length > 0) this.shared = new SharedList(sharedKey);
    this.header = header;
    this.queryParam = param;
    this.forwardHeader = forwardHeader;
    this.stripKey = stripKey;
    this.challenge = "ApiKey realm=\"" + realm + "\"";
    this.checkAll = checkAll;
    this.rejected = new Counter("api_key.rejected");
    return true;
  }

  // The keys published in shared data, re-parsed when they changed.
  currentSharedKeys(): Array<Key> {
    const shared = this.shared;
    if (shared === null) return this.sharedKeys;
    if ((shared as SharedList).refresh()) {
      const keys = new Array<Key>(0);
      const lines = (shared as SharedList).entries;
      for (let i = 0; i < lines.length; i++) {
        const colon = lines[i].indexOf(":");
        if (colon <= 0 || colon == lines[i].length - 1) {
          log(LogLevelValues.warn, "api-key: ignoring a published line without name:key (line " + (i + 1).toString() + ")");
          continue;
        }
        keys.push(new Key(lines[i].substring(0, colon).trim(), sha256(utf8(lines[i].substring(colon + 1).trim()))));
      }
      this.sharedKeys = keys;
    }
    return this.sharedKeys;
  }

  createContext(context_id: u32): Context {
    return new ApiKeyContext(context_id, this);
  }
}

function find(keys: Array<Key>, digest: Uint8Array): string | null {
  let found: string | null = null;
  for (let i = 0; i < keys.length; i++) {
    // Compare with every key, so the time does not tell which one matched.
    if (constantTimeEquals(keys[i].digest, digest) && found === null) found = keys[i].name;
  }
  return found;
}

// The name of key among the configured keys, then the published ones; null if it is neither.
function ownerOf(key: string, configured: Array<Key>, published: Array<Key>): string | null {
  const digest = sha256(utf8(key));
  const name = find(configured, digest);
  if (name !== null) return name;
  return find(published, digest);
}

function addNonEmpty(to: Array<string>, values: Array<string>): void {
  for (let i = 0; i < values.length; i++) {
    if (values[i].length > 0) to.push(values[i]);
  }
}

class ApiKeyContext extends Context {
  constructor(context_id: u32, private root: ApiKeyRoot) {
    super(context_id, root);
  }

  onRequestHeaders(headers: u32, end_of_stream: bool): FilterHeadersStatusValues {
    const root = this.root;
    const request = stream_context.headers.request;
    request.remove(root.forwardHeader);
    const path = requestHeader(":path");
    const presented = this.presentedKeys(path);
    if (presented.length == 0) return this.reject("missing API key");
    if (presented.length > 1 && !root.checkAll) return this.reject("more than one API key");

    const sharedKeys = root.currentSharedKeys();
    if (root.keys.length == 0 && sharedKeys.length == 0) {
      (root.rejected as Counter).increment(1);
      jsonReply(503, "api_key_keys_unavailable", "unavailable", "API keys are not loaded yet", []);
      return FilterHeadersStatusValues.StopIteration;
    }
    let name: string | null = null;
    for (let i = 0; i < presented.length; i++) {
      const owner = ownerOf(presented[i], root.keys, sharedKeys);
      if (owner === null) return this.reject("invalid API key");
      if (name === null) name = owner;
    }

    if (root.stripKey) {
      if (root.header.length > 0) request.remove(root.header);
      if (root.queryParam.length > 0 && path !== null) {
        const stripped = withoutQueryParam(path as string, root.queryParam);
        if (stripped != path) request.replace(":path", stripped);
      }
    }
    request.replace(root.forwardHeader, name as string);
    return FilterHeadersStatusValues.Continue;
  }

  // Every non-empty key value of the header, then of the query parameter.
  private presentedKeys(path: string | null): Array<string> {
    const root = this.root;
    const keys = new Array<string>(0);
    if (root.header.length > 0) addNonEmpty(keys, requestHeaderValues(root.header));
    if (root.queryParam.length > 0 && path !== null) addNonEmpty(keys, queryParamValues(path as string, root.queryParam));
    return keys;
  }

  private reject(reason: string): FilterHeadersStatusValues {
    (this.root.rejected as Counter).increment(1);
    jsonReply(401, "api_key_rejected", "unauthorized", reason, [new NameValue("www-authenticate", this.root.challenge)]);
    return FilterHeadersStatusValues.StopIteration;
  }
}

function newRoot(context_id: u32): RootContext {
  return new ApiKeyRoot(context_id);
}
registerRootContext(newRoot, "api_key");
registerRootContext(newRoot, "");
