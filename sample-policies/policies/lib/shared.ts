// Shared data (proxy_get_shared_data / proxy_set_shared_data) through the raw imports: the SDK's
// wrappers pass the wrong arguments. Keys live in the plugin's vm_id namespace, so plugins that share
// data (a service and the filter reading what it publishes) need the same vm_id.
//
// SharedList keeps a parsed copy of a published list per VM and parses again only when the entry's
// CAS changed.

import { WasmResultValues } from "@solo-io/proxy-runtime";
import { Reference } from "@solo-io/proxy-runtime/runtime";
import { proxy_get_shared_data, proxy_set_shared_data } from "@solo-io/proxy-runtime/imports";
import { free } from "@solo-io/proxy-runtime/malloc";

const valuePtr = new Reference<usize>();
const valueSize = new Reference<usize>();
const casRef = new Reference<u32>();

export class SharedValue {
  constructor(public value: ArrayBuffer, public cas: u32) {}

  text(): string {
    return String.UTF8.decode(this.value);
  }
}

// The entry under key, or null if there is none (or the host answers anything but OK).
export function getShared(key: string): SharedValue | null {
  const name = String.UTF8.encode(key);
  const result = proxy_get_shared_data(changetype<usize>(name), name.byteLength, valuePtr.ptr(), valueSize.ptr(),
    casRef.ptr());
  if (result != WasmResultValues.Ok) return null;
  if (valueSize.data == 0) return new SharedValue(new ArrayBuffer(0), casRef.data);
  const value = changetype<ArrayBuffer>(valuePtr.data); // the host filled a buffer it got from malloc
  free(valuePtr.data);
  return new SharedValue(value, casRef.data);
}

// Stores value under key if its CAS is still cas (0: unconditionally). Ok, or CasMismatch.
export function setShared(key: string, value: ArrayBuffer, cas: u32): WasmResultValues {
  const name = String.UTF8.encode(key);
  return proxy_set_shared_data(changetype<usize>(name), name.byteLength, changetype<usize>(value), value.byteLength, cas);
}

export function setSharedText(key: string, text: string, cas: u32): WasmResultValues {
  return setShared(key, String.UTF8.encode(text), cas);
}

// The entries of a list as published: one per line, trimmed; blank lines and lines starting with '#'
// are skipped.
export function listLines(text: string): Array<string> {
  const out = new Array<string>(0);
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line.length == 0 || line.startsWith("#")) continue;
    out.push(line);
  }
  return out;
}

// A list published in shared data, re-read when its entry changed.
export class SharedList {
  loaded: bool = false;
  cas: u32 = 0;
  entries: Array<string> = new Array<string>(0);

  constructor(public key: string) {}

  // Reads the entry; true if the entries changed since the last call.
  refresh(): bool {
    const current = getShared(this.key);
    if (current === null) {
      const changed = this.loaded;
      this.loaded = false;
      this.cas = 0;
      this.entries = new Array<string>(0);
      return changed;
    }
    const entry = current as SharedValue;
    if (this.loaded && entry.cas == this.cas) return false;
    this.loaded = true;
    this.cas = entry.cas;
    this.entries = listLines(entry.text());
    return true;
  }
}
