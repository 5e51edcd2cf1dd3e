// Reading proxy-wasm properties without aborting: the SDK's get_property traps (proc_exit) when the host
// answers NOT_FOUND, which hosts do for attributes they do not have. Shared by the policies that import it.

import { WasmResultValues } from "@solo-io/proxy-runtime";
import { Reference } from "@solo-io/proxy-runtime/runtime";
import { proxy_get_property } from "@solo-io/proxy-runtime/imports";
import { free } from "@solo-io/proxy-runtime/malloc";

const valuePtr = new Reference<usize>();
const valueSize = new Reference<usize>();

// The attribute's bytes, or null if the host answers anything but OK.
export function property(path: string): ArrayBuffer | null {
  const name = String.UTF8.encode(path);
  const result = proxy_get_property(changetype<usize>(name), name.byteLength, valuePtr.ptr(), valueSize.ptr());
  if (result != WasmResultValues.Ok) return null;
  if (valueSize.data == 0) return new ArrayBuffer(0);
  const value = changetype<ArrayBuffer>(valuePtr.data); // the host filled a buffer it got from malloc
  free(valuePtr.data);
  return value;
}

// A string attribute, or "-".
export function text(path: string): string {
  const value = property(path);
  return value === null ? "-" : String.UTF8.decode(value as ArrayBuffer);
}

// An int, timestamp or duration attribute (8 bytes, little-endian) in decimal, or "-".
export function integer(path: string): string {
  const value = property(path);
  if (value === null || (value as ArrayBuffer).byteLength != 8) return "-";
  return load<i64>(changetype<usize>(value)).toString();
}

// A bool attribute (1 byte) as "true"/"false", or "-".
export function boolean(path: string): string {
  const value = property(path);
  if (value === null || (value as ArrayBuffer).byteLength != 1) return "-";
  return load<u8>(changetype<usize>(value)) != 0 ? "true" : "false";
}
