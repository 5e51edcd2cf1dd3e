// jwt: lets a request through only with a valid HS256 JSON Web Token, and copies claims into headers.
//
// Root id: "jwt" (also registered under "").
// Configuration (JSON):
//   {
//     "secret": "a shared secret of at least 32 bytes",   // or "secret_base64": "<base64 or base64url>"
//     "issuer": "https://auth.example.com",               // optional; a string or a list (any one matches)
//     "audience": "orders-api",                           // optional; a string or a list (any one matches)
//     "clock_skew_seconds": 60,                           // leeway for exp and nbf (default 60)
//     "require_exp": true,                                // a token without exp is rejected (default true)
//     "header": "authorization",                          // where the token is (default authorization)
//     "prefix": "Bearer ",                                // what precedes it there (default "Bearer ";
//                                                         // matched without regard to case)
//     "claims_to_headers": {"sub": "x-jwt-sub", "tenant.id": "x-tenant"},  // dotted paths allowed
//     "forward_token": true,                              // keep the token header for the upstream
//     "realm": "wasmgate",
//     "duplicates": "reject"                              // a repeated token header: "reject" (default)
//                                                         // or "check_all"
//   }
//
// The token must be three base64url parts whose header says {"alg":"HS256"} (any other alg, "none"
// included, is refused), whose HMAC-SHA-256 signature matches, and whose payload is a JSON object with
// numeric exp (now <= exp + skew) and nbf (now >= nbf - skew) when present, and the configured iss/aud.
// Rejections are 401 with a JSON body {"error":"invalid_token","reason":"..."} and
//   WWW-Authenticate: Bearer realm="wasmgate", error="invalid_token", error_description="<reason>"
// (for a missing token: {"error":"unauthorized","reason":"missing bearer token"} and just the realm).
// Reasons: missing bearer token, malformed token, unsupported algorithm, bad signature, token expired,
// token not yet valid, token has no exp, wrong issuer, wrong audience, more than one <header> header.
// The header's value must be exactly the prefix and one token: anything more (a second credential after
// a comma, say) makes a malformed token. A request repeating the header is refused ("more than one
// authorization header"): the application could read another value than the one checked. With
// "duplicates": "check_all" every value must be an acceptable token instead (the first refusal is the
// answer), and the claims come from the first.
// An accepted request continues with each configured claim header set to the claim (strings as they are,
// other values as JSON; a list of strings joined with ","); values of those headers sent by the client
// are always removed first. Counter: jwt.rejected.

export * from "@solo-io/proxy-runtime/proxy"; // the proxy-wasm exports the host calls
import {
  RootContext, Context, registerRootContext, FilterHeadersStatusValues, stream_context, Counter, log, LogLevelValues,
} from "@solo-io/proxy-runtime";
import { Settings, NameValue, checksEveryValue } from "../lib/config";
import { requestHeaderValues, jsonReply, nowMillis, headerSafe } from "../lib/http";
import { Json, parseJson } from "../lib/json";
import { hmacSha256, constantTimeEquals, base64Decode, utf8 } from "../lib/crypto";

class JwtRoot extends RootContext {
  secret: Uint8Array = new Uint8Array(0);
  issuers: Array<string> = new Array<string>(0);
  audiences: Array<string> = new Array<string>(0);
  skewSeconds: i64 = 60;
  requireExp: bool = true;
  header: string = "authorization";
  prefix: string = "bearer ";
  claims: Array<NameValue> = new Array<NameValue>(0);
  forwardToken: bool = true;
  realm: string = "wasmgate";
  checkAll: bool = false;
  rejected: Counter | null = null;

  onConfigure(configuration_size: u32): bool {
    const settings = Settings.read("jwt", configuration_size);
    const root = settings.root;
    root.allowOnly(["secret", "secret_base64", "issuer", "audience", "clock_skew_seconds", "require_exp", "header",
      "prefix", "claims_to_headers", "forward_token", "realm", "duplicates"]);
    let secret = new Uint8Array(0);
    if (root.has("secret") == root.has("secret_base64")) {
      root.invalid("secret", "give exactly one of secret and secret_base64");
    } else if (root.has("secret")) {
      secret = utf8(root.string("secret", ""));
    } else {
      const decoded = base64Decode(root.string("secret_base64", ""));
      if (decoded === null) root.invalid("secret_base64", "is not valid base64");
      else secret = decoded as Uint8Array;
    }
    if ((root.has("secret") || root.has("secret_base64")) && secret.length == 0) root.invalid("secret", "must not be empty");
    const issuers = root.strings("issuer");
    const audiences = root.strings("audience");
    const skew = root.integer("clock_skew_seconds", 60, 0, 86400);
    const requireExp = root.boolean("require_exp", true);
    const header = root.string("header", "authorization").toLowerCase();
    if (header.length == 0) root.invalid("header", "must not be empty");
    const prefix = root.string("prefix", "Bearer ").toLowerCase();
    const claims = root.nameValues("claims_to_headers");
    for (let i = 0; i < claims.length; i++) {
      claims[i].value = claims[i].value.toLowerCase();
      if (claims[i].value.length == 0) root.invalid("claims_to_headers." + claims[i].name, "needs a header name");
    }
    const forwardToken = root.boolean("forward_token", true);
    const realm = root.string("realm", "wasmgate");
    const checkAll = checksEveryValue(root);
    if (!settings.ok()) return false;
    if (secret.length < 32) {
      log(LogLevelValues.warn, "jwt: the secret has " + secret.length.toString() + " bytes; HS256 wants at least 32");
    }
    this.secret = secret;
    this.issuers = issuers;
    this.audiences = audiences;
    this.skewSeconds = skew;
    this.requireExp = requireExp;
    this.header = header;
    this.prefix = prefix;
    this.claims = claims;
    this.forwardToken = forwardToken;
    this.realm = realm;
    this.checkAll = checkAll;
    this.rejected = new Counter("jwt.rejected");
    return true;
  }

  createContext(context_id: u32): Context {
    return new JwtContext(context_id, this);
  }
}

// The JSON object in a base64url part, or null.
function decodePart(part: string): Json | null {
  const bytes = base64Decode(part);
  if (bytes === null) return null;
  const parsed = parseJson((bytes as Uint8Array).buffer);
  const value = parsed.value;
  if (value === null || !(value as Json).isObject()) return null;
  return value;
}

function isBase64Url(text: string): bool {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const ok = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c == 0x2d || c == 0x5f;
    if (!ok) return false;
  }
  return true;
}

// A claim as header text: strings as they are, lists of strings joined with ",", anything else as JSON.
function claimText(claim: Json): string {
  if (claim.isArray()) {
    let allStrings = true;
    for (let i = 0; i < claim.items.length; i++) {
      if (!claim.items[i].isString()) allStrings = false;
    }
    if (allStrings) {
      const parts = new Array<string>(0);
      for (let i = 0; i < claim.items.length; i++) parts.push(claim.items[i].text);
      return parts.join(",");
    }
  }
  return claim.toText();
}

class Verdict {
  constructor(public reason: string, public payload: Json | null) {}
}

class JwtContext extends Context {
  constructor(context_id: u32, private root: JwtRoot) {
    super(context_id, root);
  }

  onRequestHeaders(headers: u32, end_of_stream: bool): FilterHeadersStatusValues {
    const root = this.root;
    const request = stream_context.headers.request;
    for (let i = 0; i < root.claims.length; i++) request.remove(root.claims[i].value);

    const values = requestHeaderValues(root.header);
    if (values.length == 0) return this.missing();
    if (values.length > 1 && !root.checkAll) return this.invalid("more than one " + root.header + " header");
    let payload: Json | null = null;
    for (let i = 0; i < values.length; i++) {
      const token = this.tokenIn(values[i]);
      if (token === null) return this.missing();
      const verdict = this.verify(token as string);
      if (verdict.reason.length > 0) return this.invalid(verdict.reason);
      if (payload === null) payload = verdict.payload;
    }
    this.copyClaims(payload as Json);
    if (!root.forwardToken) request.remove(root.header);
    return FilterHeadersStatusValues.Continue;
  }

  // The token after the prefix in a header value; null if there is none. verify() refuses anything
  // after the token, so a value carrying more than one credential is never accepted.
  private tokenIn(value: string): string | null {
    const prefix = this.root.prefix;
    if (!value.toLowerCase().startsWith(prefix)) return null;
    const token = value.substring(prefix.length).trim();
    if (token.length == 0) return null;
    return token;
  }

  private missing(): FilterHeadersStatusValues {
    (this.root.rejected as Counter).increment(1);
    jsonReply(401, "jwt_missing", "unauthorized", "missing bearer token",
      [new NameValue("www-authenticate", "Bearer realm=\"" + this.root.realm + "\"")]);
    return FilterHeadersStatusValues.StopIteration;
  }

  private invalid(reason: string): FilterHeadersStatusValues {
    (this.root.rejected as Counter).increment(1);
    const challenge = "Bearer realm=\"" + this.root.realm + "\", error=\"invalid_token\", error_description=\"" + reason + "\"";
    jsonReply(401, "jwt_rejected", "invalid_token", reason, [new NameValue("www-authenticate", challenge)]);
    return FilterHeadersStatusValues.StopIteration;
  }

  private copyClaims(payload: Json): void {
    const root = this.root;
    const request = stream_context.headers.request;
    for (let i = 0; i < root.claims.length; i++) {
      const claim = payload.path(root.claims[i].name);
      if (claim !== null && !(claim as Json).isNull()) {
        request.replace(root.claims[i].value, headerSafe(claimText(claim as Json)));
      }
    }
  }

  // "" and the payload if token is acceptable, else the reason.
  private verify(token: string): Verdict {
    const root = this.root;
    const parts = token.split(".");
    if (parts.length != 3 || parts[0].length == 0 || parts[1].length == 0 || parts[2].length == 0
      || !isBase64Url(parts[0]) || !isBase64Url(parts[1]) || !isBase64Url(parts[2])) {
      return new Verdict("malformed token", null);
    }
    const header = decodePart(parts[0]);
    if (header === null) return new Verdict("malformed token", null);
    const alg = (header as Json).get("alg");
    if (alg === null || !(alg as Json).isString() || (alg as Json).text != "HS256") {
      return new Verdict("unsupported algorithm", null);
    }
    const signature = base64Decode(parts[2]);
    const expected = hmacSha256(root.secret, utf8(parts[0] + "." + parts[1]));
    if (signature === null || !constantTimeEquals(signature as Uint8Array, expected)) {
      return new Verdict("bad signature", null);
    }
    const payload = decodePart(parts[1]);
    if (payload === null) return new Verdict("malformed token", null);
    const claims = payload as Json;

    const now = nowMillis() / 1000;
    const exp = claims.get("exp");
    if (exp !== null) {
      if (!(exp as Json).isNumber()) return new Verdict("malformed token", null);
      if (<f64>now > (exp as Json).toF64() + <f64>root.skewSeconds) return new Verdict("token expired", null);
    } else if (root.requireExp) {
      return new Verdict("token has no exp", null);
    }
    const nbf = claims.get("nbf");
    if (nbf !== null) {
      if (!(nbf as Json).isNumber()) return new Verdict("malformed token", null);
      if (<f64>now + <f64>root.skewSeconds < (nbf as Json).toF64()) return new Verdict("token not yet valid", null);
    }
    if (root.issuers.length > 0) {
      const iss = claims.get("iss");
      if (iss === null || !(iss as Json).isString() || !root.issuers.includes((iss as Json).text)) {
        return new Verdict("wrong issuer", null);
      }
    }
    if (root.audiences.length > 0 && !this.audienceMatches(claims.get("aud"))) {
      return new Verdict("wrong audience", null);
    }
    return new Verdict("", claims);
  }

  private audienceMatches(aud: Json | null): bool {
    if (aud === null) return false;
    const audiences = this.root.audiences;
    const claim = aud as Json;
    if (claim.isString()) return audiences.includes(claim.text);
    if (claim.isArray()) {
      for (let i = 0; i < claim.items.length; i++) {
        if (claim.items[i].isString() && audiences.includes(claim.items[i].text)) return true;
      }
    }
    return false;
  }
}

function newRoot(context_id: u32): RootContext {
  return new JwtRoot(context_id);
}
registerRootContext(newRoot, "jwt");
registerRootContext(newRoot, "");
