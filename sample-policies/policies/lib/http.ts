// HTTP helpers shared by the sample policies: header reads that tell "absent" from "empty", JSON local
// replies, body replacement, the clock and the client address. Raw imports are declared where the SDK's
// wrappers are wrong or missing.

import {
  send_local_response, HeaderPair, Headers, GrpcStatusValues, WasmResultValues, stream_context,
} from "@solo-io/proxy-runtime";
import { BufferTypeValues, HeaderMapTypeValues, get_current_time_nanoseconds } from "@solo-io/proxy-runtime/runtime";
import { proxy_get_header_map_value } from "@solo-io/proxy-runtime/imports";
import { Reference } from "@solo-io/proxy-runtime/runtime";
import { free } from "@solo-io/proxy-runtime/malloc";
import { NameValue } from "./config";
import { JsonObjectWriter } from "./json";
import { text } from "../shared/properties";

// The SDK links its proxy_set_buffer_bytes wrapper to the wrong import; declare the real one.
// @ts-ignore: decorator
@external("env", "proxy_set_buffer_bytes")
declare function proxy_set_buffer_bytes(typ: i32, start: u32, length: u32, data: usize, size: usize): u32;

const valuePtr = new Reference<usize>();
const valueSize = new Reference<usize>();

// The first value of header name in map, or null if the map has no such header.
export function headerValue(map: HeaderMapTypeValues, name: string): string | null {
  const key = String.UTF8.encode(name);
  const result = proxy_get_header_map_value(map, changetype<usize>(key), key.byteLength, valuePtr.ptr(), valueSize.ptr());
  if (result != WasmResultValues.Ok) return null;
  if (valueSize.data == 0) return "";
  const value = changetype<ArrayBuffer>(valuePtr.data); // the host filled a buffer it got from malloc
  free(valuePtr.data);
  return String.UTF8.decode(value);
}

export function requestHeader(name: string): string | null {
  return headerValue(HeaderMapTypeValues.RequestHeaders, name);
}

// Every value of request header name, in order. A policy that decides on a header needs them all: a
// request may repeat it, and the application or upstream may read another value than the first (the only
// one proxy_get_header_map_value gives).
export function requestHeaderValues(name: string): Array<string> {
  const wanted = name.toLowerCase();
  const pairs = stream_context.headers.request.get_headers();
  const values = new Array<string>(0);
  for (let i = 0; i < pairs.length; i++) {
    if (String.UTF8.decode(pairs[i].key).toLowerCase() == wanted) values.push(String.UTF8.decode(pairs[i].value));
  }
  return values;
}

export function responseHeader(name: string): string | null {
  return headerValue(HeaderMapTypeValues.ResponseHeaders, name);
}

export function pair(name: string, value: string): HeaderPair {
  return new HeaderPair(String.UTF8.encode(name), String.UTF8.encode(value));
}

// A local reply with a JSON body {"error": error, "reason": reason} and the given extra headers.
// details becomes the response code details (Envoy's response.code_details).
export function jsonReply(status: u32, details: string, error: string, reason: string, extra: Array<NameValue>): void {
  const body = new JsonObjectWriter().string("error", error).string("reason", reason).toString();
  jsonBodyReply(status, details, body, extra);
}

// A local reply with body (JSON text) and the given extra headers.
export function jsonBodyReply(status: u32, details: string, body: string, extra: Array<NameValue>): void {
  const headers: Headers = [pair("content-type", "application/json")];
  for (let i = 0; i < extra.length; i++) headers.push(pair(extra[i].name, extra[i].value));
  send_local_response(status, details, String.UTF8.encode(body), headers, GrpcStatusValues.InvalidCode);
}

// Replaces the whole of a body buffer (of current size size) with bytes.
export function replaceBody(typ: BufferTypeValues, size: u32, bytes: ArrayBuffer): u32 {
  return proxy_set_buffer_bytes(typ, 0, size, changetype<usize>(bytes), bytes.byteLength);
}

// Wall-clock time in milliseconds since the epoch.
export function nowMillis(): i64 {
  return <i64>(get_current_time_nanoseconds() / 1000000);
}

// The client's IP address: source.address without its port ("[::1]:5000" gives "::1"); "" if unknown.
export function clientIp(): string {
  const address = text("source.address");
  if (address == "-") return "";
  return stripPort(address);
}

// Whose address a client's requests count as: an IPv4 address itself; an IPv6 address by its /64, written
// "<first four groups>::/64" (a subscriber usually gets a whole /64 and may send from any address in it,
// so counting single addresses would give one client as many keys as it likes); an IPv4-mapped IPv6
// address as its IPv4 address. Text that is no IPv6 address is returned as it is.
export function addressBlock(ip: string): string {
  if (ip.indexOf(":") < 0) return ip;
  const lower = ip.toLowerCase();
  if (lower.startsWith("::ffff:") && lower.indexOf(".") > 0) return lower.substring(7);
  const groups = ipv6Groups(lower);
  if (groups === null) return ip;
  const g = groups as Array<i32>;
  return g[0].toString(16) + ":" + g[1].toString(16) + ":" + g[2].toString(16) + ":" + g[3].toString(16) + "::/64";
}

// The eight 16-bit groups of an IPv6 address in text, "::" expanded; null if it is not one.
function ipv6Groups(ip: string): Array<i32> | null {
  const gap = ip.indexOf("::");
  if (gap >= 0 && ip.indexOf("::", gap + 1) >= 0) return null;
  const head = gap >= 0 ? ip.substring(0, gap) : ip;
  const tail = gap >= 0 ? ip.substring(gap + 2) : "";
  const headParts = head.length > 0 ? head.split(":") : new Array<string>(0);
  const tailParts = tail.length > 0 ? tail.split(":") : new Array<string>(0);
  const given = headParts.length + tailParts.length;
  if (gap < 0 ? given != 8 : given > 7) return null;
  const groups = new Array<i32>(8);
  for (let i = 0; i < 8; i++) groups[i] = 0;
  for (let i = 0; i < headParts.length; i++) {
    const group = hexGroup(headParts[i]);
    if (group < 0) return null;
    groups[i] = group;
  }
  for (let i = 0; i < tailParts.length; i++) {
    const group = hexGroup(tailParts[i]);
    if (group < 0) return null;
    groups[8 - tailParts.length + i] = group;
  }
  return groups;
}

// One to four hex digits as a number; -1 for anything else.
function hexGroup(text: string): i32 {
  if (text.length < 1 || text.length > 4) return -1;
  let value = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    let digit = -1;
    if (c >= 48 && c <= 57) digit = c - 48;
    else if (c >= 97 && c <= 102) digit = c - 87;
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}

export function stripPort(address: string): string {
  if (address.startsWith("[")) {
    const close = address.indexOf("]");
    if (close > 0) return address.substring(1, close);
    return address;
  }
  const colon = address.indexOf(":");
  // More than one ':' is a bare IPv6 address without a port.
  if (colon >= 0 && address.indexOf(":", colon + 1) < 0) return address.substring(0, colon);
  return address;
}

// The path without its query.
export function pathOnly(path: string): string {
  const query = path.indexOf("?");
  if (query < 0) return path;
  return path.substring(0, query);
}

// Every value of query parameter name in path (percent-decoded; "" for a bare name), in order.
export function queryParamValues(path: string, name: string): Array<string> {
  const values = new Array<string>(0);
  const query = path.indexOf("?");
  if (query < 0) return values;
  const parts = path.substring(query + 1).split("&");
  for (let i = 0; i < parts.length; i++) {
    const eq = parts[i].indexOf("=");
    if (eq < 0) {
      if (percentDecode(parts[i]) == name) values.push("");
    } else if (percentDecode(parts[i].substring(0, eq)) == name) {
      values.push(percentDecode(parts[i].substring(eq + 1)));
    }
  }
  return values;
}

// path without the query parameter name (every occurrence).
export function withoutQueryParam(path: string, name: string): string {
  const query = path.indexOf("?");
  if (query < 0) return path;
  const parts = path.substring(query + 1).split("&");
  const kept = new Array<string>(0);
  for (let i = 0; i < parts.length; i++) {
    const eq = parts[i].indexOf("=");
    let key = parts[i];
    if (eq >= 0) key = parts[i].substring(0, eq);
    if (percentDecode(key) != name) kept.push(parts[i]);
  }
  const base = path.substring(0, query);
  if (kept.length == 0) return base;
  return base + "?" + kept.join("&");
}

function hexValue(c: i32): i32 {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

// Form-style percent decoding ('+' is a space); invalid escapes stay as they are.
export function percentDecode(text: string): string {
  if (text.indexOf("%") < 0 && text.indexOf("+") < 0) return text;
  const bytes = new Array<u8>(0);
  const source = String.UTF8.encode(text);
  const ptr = changetype<usize>(source);
  const length = source.byteLength;
  for (let i = 0; i < length; i++) {
    const c = <i32>load<u8>(ptr + i);
    if (c == 0x2b) {
      bytes.push(0x20);
    } else if (c == 0x25 && i + 2 < length && hexValue(load<u8>(ptr + i + 1)) >= 0 && hexValue(load<u8>(ptr + i + 2)) >= 0) {
      bytes.push(<u8>((hexValue(load<u8>(ptr + i + 1)) << 4) | hexValue(load<u8>(ptr + i + 2))));
      i += 2;
    } else {
      bytes.push(<u8>c);
    }
  }
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = bytes[i];
  return String.UTF8.decode(out.buffer);
}

// A header value made safe: control characters (CR, LF, NUL...) become spaces.
export function headerSafe(value: string): string {
  let safe = true;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 && c != 0x09 || c == 0x7f) { safe = false; break; }
  }
  if (safe) return value;
  let out = "";
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 && c != 0x09 || c == 0x7f) out += " ";
    else out += value.charAt(i);
  }
  return out;
}
