// A small JSON reader and writer for the sample policies (AssemblyScript 0.14 has no JSON library).
//
// parseJson reads RFC 8259 JSON from UTF-8 bytes into a tree of Json nodes. It never aborts: a syntax
// error, a nesting deeper than MAX_DEPTH or trailing bytes give a null value and a message naming the
// byte offset. Every node remembers its byte span in the input (start inclusive, end exclusive), so a
// caller can rewrite parts of a document without re-serialising the rest (see redactJson). Numbers keep
// their text, so they are written back exactly as they came. In objects, get() returns the first member
// of a name.
//
// quoteJson / Json.stringify write compact JSON; JsonObjectWriter builds one object field by field.

export const JSON_NULL: i32 = 0;
export const JSON_BOOL: i32 = 1;
export const JSON_NUMBER: i32 = 2;
export const JSON_STRING: i32 = 3;
export const JSON_ARRAY: i32 = 4;
export const JSON_OBJECT: i32 = 5;

const MAX_DEPTH: i32 = 64;

export class Json {
  kind: i32;
  start: i32 = 0;
  end: i32 = 0;
  boolValue: bool = false;
  // JSON_STRING: the decoded value; JSON_NUMBER: the number as written.
  text: string = "";
  // JSON_ARRAY: the items; JSON_OBJECT: the member values, in order (names in keys).
  items: Array<Json> = new Array<Json>(0);
  keys: Array<string> = new Array<string>(0);

  constructor(kind: i32) {
    this.kind = kind;
  }

  static ofString(value: string): Json {
    const json = new Json(JSON_STRING);
    json.text = value;
    return json;
  }

  static ofNumber(text: string): Json {
    const json = new Json(JSON_NUMBER);
    json.text = text;
    return json;
  }

  isNull(): bool { return this.kind == JSON_NULL; }
  isBool(): bool { return this.kind == JSON_BOOL; }
  isNumber(): bool { return this.kind == JSON_NUMBER; }
  isString(): bool { return this.kind == JSON_STRING; }
  isArray(): bool { return this.kind == JSON_ARRAY; }
  isObject(): bool { return this.kind == JSON_OBJECT; }

  // The first member called name of an object; null if absent or if this is not an object.
  get(name: string): Json | null {
    if (this.kind != JSON_OBJECT) return null;
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] == name) return this.items[i];
    }
    return null;
  }

  has(name: string): bool {
    return this.get(name) !== null;
  }

  // The member at a dotted path ("address.city"), through nested objects; null if any step is missing.
  path(dotted: string): Json | null {
    const names = dotted.split(".");
    let current: Json | null = this;
    for (let i = 0; i < names.length; i++) {
      if (current === null) return null;
      current = (current as Json).get(names[i]);
    }
    return current;
  }

  // A number's value (NaN for anything else).
  toF64(): f64 {
    if (this.kind != JSON_NUMBER) return NaN;
    return parseFloat(this.text);
  }

  // A number that is a whole number fitting an i64 (after truncation of an exponent form), else false.
  isInteger(): bool {
    if (this.kind != JSON_NUMBER) return false;
    const value = this.toF64();
    return isFinite(value) && Math.floor(value) == value && Math.abs(value) < 9.0e18;
  }

  toI64(): i64 {
    return <i64>this.toF64();
  }

  // Compact JSON text of this value.
  stringify(): string {
    switch (this.kind) {
      case JSON_NULL: return "null";
      case JSON_BOOL: return this.boolValue ? "true" : "false";
      case JSON_NUMBER: return this.text;
      case JSON_STRING: return quoteJson(this.text);
      case JSON_ARRAY: {
        let out = "[";
        for (let i = 0; i < this.items.length; i++) {
          if (i > 0) out += ",";
          out += this.items[i].stringify();
        }
        return out + "]";
      }
      default: {
        let out = "{";
        for (let i = 0; i < this.items.length; i++) {
          if (i > 0) out += ",";
          out += quoteJson(this.keys[i]) + ":" + this.items[i].stringify();
        }
        return out + "}";
      }
    }
  }

  // A value as header or log text: strings as they are, anything else as compact JSON.
  toText(): string {
    if (this.kind == JSON_STRING) return this.text;
    return this.stringify();
  }
}

export class JsonResult {
  constructor(public value: Json | null, public error: string) {}
}

// Parses the whole of bytes as one JSON value.
export function parseJson(bytes: ArrayBuffer): JsonResult {
  const parser = new Parser(changetype<usize>(bytes), bytes.byteLength);
  const value = parser.document();
  return new JsonResult(value, parser.error);
}

// Parses text (encoded as UTF-8 first; spans are byte offsets into that encoding).
export function parseJsonText(text: string): JsonResult {
  return parseJson(String.UTF8.encode(text));
}

class Parser {
  pos: i32 = 0;
  depth: i32 = 0;
  error: string = "";

  constructor(private ptr: usize, private len: i32) {}

  document(): Json | null {
    this.skipSpace();
    const value = this.value();
    if (value === null) return null;
    this.skipSpace();
    if (this.pos < this.len) return this.fail("unexpected data after the JSON value");
    return value;
  }

  private fail(message: string): Json | null {
    if (this.error.length == 0) this.error = message + " at byte " + this.pos.toString();
    return null;
  }

  private peek(): i32 {
    return this.pos < this.len ? <i32>load<u8>(this.ptr + this.pos) : -1;
  }

  private skipSpace(): void {
    while (this.pos < this.len) {
      const c = load<u8>(this.ptr + this.pos);
      if (c != 0x20 && c != 0x09 && c != 0x0a && c != 0x0d) break;
      this.pos++;
    }
  }

  private value(): Json | null {
    const c = this.peek();
    if (c == 0x7b) return this.object();
    if (c == 0x5b) return this.array();
    if (c == 0x22) {
      const start = this.pos;
      const text = this.string();
      if (text === null) return null;
      const json = Json.ofString(text as string);
      json.start = start;
      json.end = this.pos;
      return json;
    }
    if (c == 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
    if (this.literal("true")) return this.finish(new Json(JSON_BOOL), 4, true);
    if (this.literal("false")) return this.finish(new Json(JSON_BOOL), 5, false);
    if (this.literal("null")) return this.finish(new Json(JSON_NULL), 4, false);
    if (c < 0) return this.fail("unexpected end of JSON");
    return this.fail("unexpected character");
  }

  private literal(word: string): bool {
    if (this.pos + word.length > this.len) return false;
    for (let i = 0; i < word.length; i++) {
      if (<i32>load<u8>(this.ptr + this.pos + i) != word.charCodeAt(i)) return false;
    }
    return true;
  }

  private finish(json: Json, length: i32, flag: bool): Json {
    json.start = this.pos;
    json.boolValue = flag;
    this.pos += length;
    json.end = this.pos;
    return json;
  }

  private enter(): bool {
    if (++this.depth > MAX_DEPTH) {
      this.fail("JSON nested deeper than " + MAX_DEPTH.toString() + " levels");
      return false;
    }
    return true;
  }

  private object(): Json | null {
    if (!this.enter()) return null;
    const json = new Json(JSON_OBJECT);
    json.start = this.pos;
    this.pos++; // {
    this.skipSpace();
    if (this.peek() == 0x7d) {
      this.pos++;
    } else {
      while (true) {
        this.skipSpace();
        if (this.peek() != 0x22) return this.fail("expected a member name");
        const name = this.string();
        if (name === null) return null;
        this.skipSpace();
        if (this.peek() != 0x3a) return this.fail("expected ':'");
        this.pos++;
        this.skipSpace();
        const member = this.value();
        if (member === null) return null;
        json.keys.push(name as string);
        json.items.push(member as Json);
        this.skipSpace();
        const c = this.peek();
        this.pos++;
        if (c == 0x2c) continue;
        if (c == 0x7d) break;
        this.pos--;
        return this.fail("expected ',' or '}'");
      }
    }
    json.end = this.pos;
    this.depth--;
    return json;
  }

  private array(): Json | null {
    if (!this.enter()) return null;
    const json = new Json(JSON_ARRAY);
    json.start = this.pos;
    this.pos++; // [
    this.skipSpace();
    if (this.peek() == 0x5d) {
      this.pos++;
    } else {
      while (true) {
        this.skipSpace();
        const item = this.value();
        if (item === null) return null;
        json.items.push(item as Json);
        this.skipSpace();
        const c = this.peek();
        this.pos++;
        if (c == 0x2c) continue;
        if (c == 0x5d) break;
        this.pos--;
        return this.fail("expected ',' or ']'");
      }
    }
    json.end = this.pos;
    this.depth--;
    return json;
  }

  private digits(): i32 {
    let count = 0;
    while (this.pos < this.len) {
      const c = load<u8>(this.ptr + this.pos);
      if (c < 0x30 || c > 0x39) break;
      this.pos++;
      count++;
    }
    return count;
  }

  private number(): Json | null {
    const start = this.pos;
    if (this.peek() == 0x2d) this.pos++;
    const first = this.peek();
    if (first == 0x30) {
      this.pos++;
    } else if (this.digits() == 0) {
      return this.fail("invalid number");
    }
    if (this.peek() == 0x2e) {
      this.pos++;
      if (this.digits() == 0) return this.fail("invalid number");
    }
    const e = this.peek();
    if (e == 0x65 || e == 0x45) {
      this.pos++;
      const sign = this.peek();
      if (sign == 0x2b || sign == 0x2d) this.pos++;
      if (this.digits() == 0) return this.fail("invalid number");
    }
    const json = Json.ofNumber(String.UTF8.decodeUnsafe(this.ptr + start, this.pos - start));
    json.start = start;
    json.end = this.pos;
    return json;
  }

  private hex4(): i32 {
    if (this.pos + 4 > this.len) return -1;
    let value = 0;
    for (let i = 0; i < 4; i++) {
      const c = <i32>load<u8>(this.ptr + this.pos + i);
      let digit = -1;
      if (c >= 0x30 && c <= 0x39) digit = c - 0x30;
      else if (c >= 0x61 && c <= 0x66) digit = c - 0x61 + 10;
      else if (c >= 0x41 && c <= 0x46) digit = c - 0x41 + 10;
      if (digit < 0) return -1;
      value = (value << 4) | digit;
    }
    this.pos += 4;
    return value;
  }

  // A string literal at pos (which is on the opening quote); null on error.
  private string(): string | null {
    this.pos++; // opening quote
    let out = "";
    let runStart = this.pos;
    while (true) {
      if (this.pos >= this.len) {
        this.fail("unterminated string");
        return null;
      }
      const c = load<u8>(this.ptr + this.pos);
      if (c == 0x22) {
        out += String.UTF8.decodeUnsafe(this.ptr + runStart, this.pos - runStart);
        this.pos++;
        return out;
      }
      if (c < 0x20) {
        this.fail("control character in string");
        return null;
      }
      if (c != 0x5c) {
        this.pos++;
        continue;
      }
      out += String.UTF8.decodeUnsafe(this.ptr + runStart, this.pos - runStart);
      this.pos++; // backslash
      const escape = this.peek();
      this.pos++;
      if (escape == 0x22) out += "\"";
      else if (escape == 0x5c) out += "\\";
      else if (escape == 0x2f) out += "/";
      else if (escape == 0x62) out += "\b";
      else if (escape == 0x66) out += "\f";
      else if (escape == 0x6e) out += "\n";
      else if (escape == 0x72) out += "\r";
      else if (escape == 0x74) out += "\t";
      else if (escape == 0x75) {
        let unit = this.hex4();
        if (unit < 0) {
          this.fail("invalid \\u escape");
          return null;
        }
        if (unit >= 0xd800 && unit <= 0xdbff && this.peek() == 0x5c
          && this.pos + 1 < this.len && load<u8>(this.ptr + this.pos + 1) == 0x75) {
          const saved = this.pos;
          this.pos += 2;
          const low = this.hex4();
          if (low >= 0xdc00 && low <= 0xdfff) {
            out += String.fromCharCode(unit, low);
            unit = -1;
          } else {
            this.pos = saved;
          }
        }
        if (unit >= 0) out += String.fromCharCode(unit);
      } else {
        this.pos--;
        this.fail("invalid escape");
        return null;
      }
      runStart = this.pos;
    }
    return null;
  }
}

// A JSON string literal for value.
export function quoteJson(value: string): string {
  let out = "\"";
  let runStart = 0;
  const length = value.length;
  for (let i = 0; i < length; i++) {
    const c = value.charCodeAt(i);
    let escaped: string | null = null;
    if (c == 0x22) escaped = "\\\"";
    else if (c == 0x5c) escaped = "\\\\";
    else if (c == 0x0a) escaped = "\\n";
    else if (c == 0x0d) escaped = "\\r";
    else if (c == 0x09) escaped = "\\t";
    else if (c < 0x20 || c == 0x2028 || c == 0x2029) {
      escaped = "\\u" + c.toString(16).padStart(4, "0");
    }
    if (escaped !== null) {
      out += value.substring(runStart, i) + (escaped as string);
      runStart = i + 1;
    }
  }
  return out + value.substring(runStart) + "\"";
}

// Builds one JSON object, member by member, in the order added.
export class JsonObjectWriter {
  private out: string = "{";
  private empty: bool = true;

  private name(name: string): void {
    if (!this.empty) this.out += ",";
    this.empty = false;
    this.out += quoteJson(name) + ":";
  }

  string(name: string, value: string): JsonObjectWriter {
    this.name(name);
    this.out += quoteJson(value);
    return this;
  }

  // A string member, or null when value is null.
  stringOrNull(name: string, value: string | null): JsonObjectWriter {
    this.name(name);
    if (value === null) this.out += "null";
    else this.out += quoteJson(value as string);
    return this;
  }

  integer(name: string, value: i64): JsonObjectWriter {
    this.name(name);
    this.out += value.toString();
    return this;
  }

  // A member whose value is already JSON text (a number, an object, null...).
  raw(name: string, json: string): JsonObjectWriter {
    this.name(name);
    this.out += json;
    return this;
  }

  toString(): string {
    return this.out + "}";
  }
}

// The spans (start, end pairs) of the values of members whose name is in names, at any depth. A value
// that matches is not searched further.
function collectRedactions(json: Json, names: Set<string>, spans: Array<i32>): void {
  if (json.kind == JSON_OBJECT) {
    for (let i = 0; i < json.items.length; i++) {
      const item = json.items[i];
      if (names.has(json.keys[i])) {
        spans.push(item.start);
        spans.push(item.end);
      } else {
        collectRedactions(item, names, spans);
      }
    }
  } else if (json.kind == JSON_ARRAY) {
    for (let i = 0; i < json.items.length; i++) {
      collectRedactions(json.items[i], names, spans);
    }
  }
}

export class Redaction {
  constructor(public body: ArrayBuffer, public count: i32) {}
}

// source with the value of every member named in names (at any depth) replaced by replacement (JSON
// text); everything else is copied byte for byte. root must be the parse of source.
export function redactJson(source: ArrayBuffer, root: Json, names: Set<string>, replacement: string): Redaction {
  const spans = new Array<i32>(0);
  collectRedactions(root, names, spans);
  const count = spans.length / 2;
  if (count == 0) return new Redaction(source, 0);
  const replacementBytes = String.UTF8.encode(replacement);
  const replacementLength = replacementBytes.byteLength;
  let size = source.byteLength;
  for (let i = 0; i < spans.length; i += 2) {
    size += replacementLength - (spans[i + 1] - spans[i]);
  }
  const out = new ArrayBuffer(size);
  const from = changetype<usize>(source);
  const to = changetype<usize>(out);
  let read = 0;
  let written = 0;
  for (let i = 0; i < spans.length; i += 2) {
    const start = spans[i];
    memory.copy(to + written, from + read, start - read);
    written += start - read;
    memory.copy(to + written, changetype<usize>(replacementBytes), replacementLength);
    written += replacementLength;
    read = spans[i + 1];
  }
  memory.copy(to + written, from + read, source.byteLength - read);
  return new Redaction(out, count);
}
