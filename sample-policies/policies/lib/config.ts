// Reading a policy's configuration: JSON text in the plugin configuration (CONFIG.md sends a YAML map as
// JSON). An empty configuration is an empty object. Readers check types and ranges and collect every
// problem with its JSON path; Settings.ok() logs them at error level, so proxy_on_configure can return
// false and the host rejects the configuration with the reasons in its log. Unknown keys are problems
// too (a misspelt option must not be silently ignored).
//
// The configuration is read with get_buffer_bytes: the SDK's default onConfigure passes the size where
// the ABI expects a pointer.

import { log, LogLevelValues } from "@solo-io/proxy-runtime";
import { get_buffer_bytes, BufferTypeValues } from "@solo-io/proxy-runtime/runtime";
import { Json, JSON_OBJECT, parseJsonText } from "./json";

export function readConfiguration(size: u32): string {
  if (size == 0) return "";
  return String.UTF8.decode(get_buffer_bytes(BufferTypeValues.PluginConfiguration, 0, size));
}

export class NameValue {
  constructor(public name: string, public value: string) {}
}

export class Settings {
  errors: Array<string> = new Array<string>(0);

  constructor(public policy: string, public json: Json) {}

  // The top-level object.
  get root(): Section {
    return new Section(this, this.json, "");
  }

  // The configuration of size bytes parsed as a JSON object (empty means {}).
  static read(policy: string, size: u32): Settings {
    const text = readConfiguration(size).trim();
    if (text.length == 0) return new Settings(policy, new Json(JSON_OBJECT));
    const parsed = parseJsonText(text);
    const value = parsed.value;
    if (value === null) {
      const settings = new Settings(policy, new Json(JSON_OBJECT));
      settings.errors.push("not valid JSON: " + parsed.error);
      return settings;
    }
    const settings = new Settings(policy, value as Json);
    if (!(value as Json).isObject()) settings.errors.push("must be a JSON object");
    return settings;
  }

  problem(path: string, message: string): void {
    let where = "";
    if (path.length > 0) where = path + ": ";
    this.errors.push(where + message);
  }

  // true if there were no problems; otherwise logs each one and returns false.
  ok(): bool {
    for (let i = 0; i < this.errors.length; i++) {
      log(LogLevelValues.error, this.policy + ": configuration rejected: " + this.errors[i]);
    }
    return this.errors.length == 0;
  }
}

export class Section {
  constructor(public settings: Settings, public json: Json, public where: string) {}

  path(key: string): string {
    if (this.where.length == 0) return key;
    return this.where + "." + key;
  }

  private problem(key: string, message: string): void {
    this.settings.problem(this.path(key), message);
  }

  has(key: string): bool {
    const value = this.json.get(key);
    return value !== null && !(value as Json).isNull();
  }

  // Reports every key that is not in known.
  allowOnly(known: Array<string>): void {
    if (!this.json.isObject()) return;
    for (let i = 0; i < this.json.keys.length; i++) {
      if (!known.includes(this.json.keys[i])) {
        this.problem(this.json.keys[i], "unknown key (known: " + known.join(", ") + ")");
      }
    }
  }

  value(key: string): Json | null {
    const value = this.json.get(key);
    if (value === null || (value as Json).isNull()) return null;
    return value;
  }

  string(key: string, fallback: string): string {
    const value = this.value(key);
    if (value === null) return fallback;
    if (!(value as Json).isString()) {
      this.problem(key, "must be a string");
      return fallback;
    }
    return (value as Json).text;
  }

  boolean(key: string, fallback: bool): bool {
    const value = this.value(key);
    if (value === null) return fallback;
    if (!(value as Json).isBool()) {
      this.problem(key, "must be true or false");
      return fallback;
    }
    return (value as Json).boolValue;
  }

  integer(key: string, fallback: i64, min: i64, max: i64): i64 {
    const value = this.value(key);
    if (value === null) return fallback;
    if (!(value as Json).isInteger()) {
      this.problem(key, "must be a whole number");
      return fallback;
    }
    const number = (value as Json).toI64();
    if (number < min || number > max) {
      this.problem(key, "must be between " + min.toString() + " and " + max.toString());
      return fallback;
    }
    return number;
  }

  // A duration: a number of milliseconds, or text such as "250ms", "2s", "1m", "1h".
  durationMillis(key: string, fallback: i64, min: i64): i64 {
    const value = this.value(key);
    if (value === null) return fallback;
    let millis: i64 = -1;
    if ((value as Json).isInteger()) {
      millis = (value as Json).toI64();
    } else if ((value as Json).isString()) {
      millis = parseDurationMillis((value as Json).text);
    }
    if (millis < 0) {
      this.problem(key, "must be a duration such as 500ms, 2s, 1m or 1h (or a number of milliseconds)");
      return fallback;
    }
    if (millis < min) {
      this.problem(key, "must be at least " + min.toString() + "ms");
      return fallback;
    }
    return millis;
  }

  // A list of strings; a single string counts as a list of one.
  strings(key: string): Array<string> {
    const out = new Array<string>(0);
    const value = this.value(key);
    if (value === null) return out;
    if ((value as Json).isString()) {
      out.push((value as Json).text);
      return out;
    }
    if (!(value as Json).isArray()) {
      this.problem(key, "must be a list of strings");
      return out;
    }
    const items = (value as Json).items;
    for (let i = 0; i < items.length; i++) {
      if (!items[i].isString()) {
        this.problem(key + "[" + i.toString() + "]", "must be a string");
      } else {
        out.push(items[i].text);
      }
    }
    return out;
  }

  // An object of names to strings (or to lists of strings, giving one pair per string), in order.
  nameValues(key: string): Array<NameValue> {
    const out = new Array<NameValue>(0);
    const value = this.value(key);
    if (value === null) return out;
    if (!(value as Json).isObject()) {
      this.problem(key, "must be an object of names to strings");
      return out;
    }
    const json = value as Json;
    for (let i = 0; i < json.keys.length; i++) {
      const item = json.items[i];
      if (item.isString()) {
        out.push(new NameValue(json.keys[i], item.text));
      } else if (item.isArray()) {
        for (let j = 0; j < item.items.length; j++) {
          if (item.items[j].isString()) {
            out.push(new NameValue(json.keys[i], item.items[j].text));
          } else {
            this.problem(key + "." + json.keys[i], "must be a string or a list of strings");
          }
        }
      } else {
        this.problem(key + "." + json.keys[i], "must be a string or a list of strings");
      }
    }
    return out;
  }

  // A nested object (empty if absent).
  section(key: string): Section {
    const value = this.value(key);
    if (value === null) return new Section(this.settings, new Json(JSON_OBJECT), this.path(key));
    if (!(value as Json).isObject()) {
      this.problem(key, "must be an object");
      return new Section(this.settings, new Json(JSON_OBJECT), this.path(key));
    }
    return new Section(this.settings, value as Json, this.path(key));
  }

  // The objects of a list of objects.
  sections(key: string): Array<Section> {
    const out = new Array<Section>(0);
    const value = this.value(key);
    if (value === null) return out;
    if (!(value as Json).isArray()) {
      this.problem(key, "must be a list of objects");
      return out;
    }
    const items = (value as Json).items;
    for (let i = 0; i < items.length; i++) {
      const where = this.path(key) + "[" + i.toString() + "]";
      if (!items[i].isObject()) {
        this.settings.problem(where, "must be an object");
      } else {
        out.push(new Section(this.settings, items[i], where));
      }
    }
    return out;
  }

  // Reports a problem with key (for checks the readers cannot make).
  invalid(key: string, message: string): void {
    this.problem(key, message);
  }
}

// Milliseconds in "250ms", "2s", "1m", "1h" (whole numbers); -1 if the text is not such a duration.
export function parseDurationMillis(text: string): i64 {
  let digits = 0;
  let value: i64 = 0;
  while (digits < text.length) {
    const c = text.charCodeAt(digits);
    if (c < 0x30 || c > 0x39) break;
    value = value * 10 + (c - 0x30);
    if (value > 1000000000000) return -1;
    digits++;
  }
  if (digits == 0) return -1;
  const unit = text.substring(digits);
  if (unit == "ms") return value;
  if (unit == "s") return value * 1000;
  if (unit == "m") return value * 60000;
  if (unit == "h") return value * 3600000;
  return -1;
}

// The "duplicates" option of the policies that decide on one header: "reject" (the default) refuses a
// request that repeats it, since the application may read another value than the policy checked;
// "check_all" checks every value instead. true for "check_all".
export function checksEveryValue(section: Section): bool {
  const duplicates = section.string("duplicates", "reject");
  if (duplicates != "reject" && duplicates != "check_all") {
    section.invalid("duplicates", "must be \"reject\" or \"check_all\"");
  }
  return duplicates == "check_all";
}
