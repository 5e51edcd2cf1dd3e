// rate-limit: a token bucket per client, kept in shared data so that every VM instance of the plugin
// (and every plugin with the same vm_id and prefix) draws from the same buckets.
//
// Root id: "rate_limit" (also registered under "").
// Configuration (JSON):
//   {
//     "max_tokens": 10,               // bucket size: the burst a client may send (required)
//     "tokens_per_fill": 10,          // tokens added per fill (default max_tokens)
//     "fill_interval": "1s",          // how often (default 1s; a duration or milliseconds)
//     "key": "source.address",        // whose bucket: "source.address" (the client IP, an IPv6 client by
//                                     // its /64; default) or
//                                     // "header:<name>" (e.g. "header:x-api-key-name"; a request without
//                                     // the header counts against its client IP)
//     "shared_key_prefix": "...",     // shared-data key prefix (default "rate_limit:<plugin name>:")
//     "response_headers": true        // x-ratelimit-* on allowed responses too (default true)
//   }
//
// Each request takes one token from its bucket. Buckets start full; every fill_interval adds
// tokens_per_fill, up to max_tokens (whole intervals since the last fill, as Envoy's local rate limit).
// With no token left the request gets 429 {"error":"rate_limited","reason":"..."} with Retry-After (seconds
// until the next fill) and x-ratelimit-limit / x-ratelimit-remaining / x-ratelimit-reset (seconds until
// the next fill); allowed responses carry the same x-ratelimit-* headers.
//
// A bucket is the shared-data entry <prefix><key> holding "<tokens>:<last fill, ms since the epoch>",
// updated with compare-and-swap (read, compute, write with the CAS read, again on CAS_MISMATCH).
// The ABI cannot create an entry only if it is absent, so two instances meeting a brand-new key at the
// same instant may both start it full (one extra request, once). Buckets are never deleted: the ABI has
// no delete; use keys of bounded cardinality. An IPv6 client counts by its /64, which one subscriber
// usually holds whole: keyed by single addresses, it could start as many buckets (and take as much of the
// host's memory) as it has addresses. Counter: rate_limit.limited.

export * from "@solo-io/proxy-runtime/proxy"; // the proxy-wasm exports the host calls
import {
  RootContext, Context, registerRootContext, FilterHeadersStatusValues, stream_context, Counter, WasmResultValues,
  log, LogLevelValues,
} from "@solo-io/proxy-runtime";
import { Settings, NameValue } from "../lib/config";
import { requestHeader, jsonReply, nowMillis, clientIp, addressBlock } from "../lib/http";
import { getShared, setSharedText, SharedValue } from "../lib/shared";
import { sha256, utf8, toHex } from "../lib/crypto";
import { text } from "../shared/properties";

const MAX_ATTEMPTS = 64;

class RateLimitRoot extends RootContext {
  maxTokens: i64 = 10;
  tokensPerFill: i64 = 10;
  fillMillis: i64 = 1000;
  keyHeader: string = "";
  prefix: string = "";
  responseHeaders: bool = true;
  limited: Counter | null = null;

  onConfigure(configuration_size: u32): bool {
    const settings = Settings.read("rate-limit", configuration_size);
    const root = settings.root;
    root.allowOnly(["max_tokens", "tokens_per_fill", "fill_interval", "key", "shared_key_prefix", "response_headers"]);
    if (!root.has("max_tokens")) root.invalid("max_tokens", "is required");
    const maxTokens = root.integer("max_tokens", 10, 1, 1000000000);
    const tokensPerFill = root.integer("tokens_per_fill", maxTokens, 1, 1000000000);
    const fillMillis = root.durationMillis("fill_interval", 1000, 1);
    const key = root.string("key", "source.address");
    let keyHeader = "";
    if (key.startsWith("header:") && key.length > 7) {
      keyHeader = key.substring(7).trim().toLowerCase();
    } else if (key != "source.address") {
      root.invalid("key", "must be \"source.address\" or \"header:<name>\"");
    }
    let prefix = root.string("shared_key_prefix", "");
    if (!root.has("shared_key_prefix")) prefix = "rate_limit:" + text("plugin_name") + ":";
    const responseHeaders = root.boolean("response_headers", true);
    if (!settings.ok()) return false;
    this.maxTokens = maxTokens;
    this.tokensPerFill = tokensPerFill;
    this.fillMillis = fillMillis;
    this.keyHeader = keyHeader;
    this.prefix = prefix;
    this.responseHeaders = responseHeaders;
    this.limited = new Counter("rate_limit.limited");
    return true;
  }

  createContext(context_id: u32): Context {
    return new RateLimitContext(context_id, this);
  }
}

class Bucket {
  constructor(public tokens: i64, public lastFill: i64) {}
}

function parseBucket(value: string): Bucket | null {
  const colon = value.indexOf(":");
  if (colon <= 0) return null;
  const tokens = I64.parseInt(value.substring(0, colon));
  const lastFill = I64.parseInt(value.substring(colon + 1));
  if (tokens < 0 || lastFill <= 0) return null;
  return new Bucket(tokens, lastFill);
}

class RateLimitContext extends Context {
  remaining: i64 = -1;
  resetSeconds: i64 = 0;

  constructor(context_id: u32, private root: RateLimitRoot) {
    super(context_id, root);
  }

  private bucketKey(): string {
    const root = this.root;
    if (root.keyHeader.length > 0) {
      const value = requestHeader(root.keyHeader);
      if (value !== null && (value as string).length > 0) {
        const key = value as string;
        if (key.length > 128) return root.prefix + "h:sha256:" + toHex(sha256(utf8(key)));
        return root.prefix + "h:" + key;
      }
    }
    return root.prefix + "ip:" + addressBlock(clientIp());
  }

  onRequestHeaders(headers: u32, end_of_stream: bool): FilterHeadersStatusValues {
    const root = this.root;
    const key = this.bucketKey();
    let allowed = false;
    let decided = false;
    for (let attempt = 0; attempt < MAX_ATTEMPTS && !decided; attempt++) {
      const now = nowMillis();
      const current = getShared(key);
      let bucket: Bucket | null = null;
      let cas: u32 = 0;
      if (current !== null) {
        bucket = parseBucket((current as SharedValue).text());
        cas = (current as SharedValue).cas;
      }
      if (bucket === null) bucket = new Bucket(root.maxTokens, now);
      const state = bucket as Bucket;
      if (now > state.lastFill) {
        const fills = (now - state.lastFill) / root.fillMillis;
        if (fills > 0) {
          const added = fills * root.tokensPerFill;
          state.tokens = added >= root.maxTokens - state.tokens ? root.maxTokens : state.tokens + added;
          state.lastFill += fills * root.fillMillis;
        }
      }
      const next = state.lastFill + root.fillMillis - now;
      this.resetSeconds = next <= 0 ? 1 : (next + 999) / 1000;
      if (state.tokens == 0) {
        allowed = false;
        this.remaining = 0;
        decided = true;
        break;
      }
      state.tokens -= 1;
      const result = setSharedText(key, state.tokens.toString() + ":" + state.lastFill.toString(), cas);
      if (result == WasmResultValues.Ok) {
        allowed = true;
        this.remaining = state.tokens;
        decided = true;
      } else if (result != WasmResultValues.CasMismatch) {
        log(LogLevelValues.error, "rate-limit: proxy_set_shared_data failed (" + result.toString() + "); letting the request through");
        return FilterHeadersStatusValues.Continue;
      }
    }
    if (!decided) {
      log(LogLevelValues.warn, "rate-limit: bucket " + key + " stayed contended for " + MAX_ATTEMPTS.toString()
        + " attempts; letting the request through");
      return FilterHeadersStatusValues.Continue;
    }
    if (allowed) return FilterHeadersStatusValues.Continue;

    (root.limited as Counter).increment(1);
    const reset = this.resetSeconds.toString();
    jsonReply(429, "rate_limited", "rate_limited", "too many requests; retry in " + reset + " s", [
      new NameValue("retry-after", reset),
      new NameValue("x-ratelimit-limit", root.maxTokens.toString()),
      new NameValue("x-ratelimit-remaining", "0"),
      new NameValue("x-ratelimit-reset", reset),
    ]);
    this.remaining = -1; // the reply carries its own headers
    return FilterHeadersStatusValues.StopIteration;
  }

  onResponseHeaders(headers: u32, end_of_stream: bool): FilterHeadersStatusValues {
    if (this.root.responseHeaders && this.remaining >= 0) {
      const response = stream_context.headers.response;
      response.replace("x-ratelimit-limit", this.root.maxTokens.toString());
      response.replace("x-ratelimit-remaining", this.remaining.toString());
      response.replace("x-ratelimit-reset", this.resetSeconds.toString());
    }
    return FilterHeadersStatusValues.Continue;
  }
}

function newRoot(context_id: u32): RootContext {
  return new RateLimitRoot(context_id);
}
registerRootContext(newRoot, "rate_limit");
registerRootContext(newRoot, "");
