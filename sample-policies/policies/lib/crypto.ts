// SHA-256 (FIPS 180-4), HMAC-SHA-256 (RFC 2104), base64 / base64url (RFC 4648) and a constant-time
// comparison, for the policies that verify HS256 JSON Web Tokens and hashed API keys. The proxy-wasm
// ABI offers no crypto, so a policy carries its own.

const K: u32[] = [
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

const W = new Array<u32>(64);
const H = new Array<u32>(8);

function compress(block: usize): void {
  for (let t = 0; t < 16; t++) {
    unchecked(W[t] = bswap<u32>(load<u32>(block + (<usize>t << 2))));
  }
  for (let t = 16; t < 64; t++) {
    const w15 = unchecked(W[t - 15]);
    const w2 = unchecked(W[t - 2]);
    const s0 = rotr<u32>(w15, 7) ^ rotr<u32>(w15, 18) ^ (w15 >>> 3);
    const s1 = rotr<u32>(w2, 17) ^ rotr<u32>(w2, 19) ^ (w2 >>> 10);
    unchecked(W[t] = unchecked(W[t - 16]) + s0 + unchecked(W[t - 7]) + s1);
  }
  let a = unchecked(H[0]), b = unchecked(H[1]), c = unchecked(H[2]), d = unchecked(H[3]);
  let e = unchecked(H[4]), f = unchecked(H[5]), g = unchecked(H[6]), h = unchecked(H[7]);
  for (let t = 0; t < 64; t++) {
    const S1 = rotr<u32>(e, 6) ^ rotr<u32>(e, 11) ^ rotr<u32>(e, 25);
    const ch = (e & f) ^ (~e & g);
    const temp1 = h + S1 + ch + unchecked(K[t]) + unchecked(W[t]);
    const S0 = rotr<u32>(a, 2) ^ rotr<u32>(a, 13) ^ rotr<u32>(a, 22);
    const maj = (a & b) ^ (a & c) ^ (b & c);
    const temp2 = S0 + maj;
    h = g; g = f; f = e; e = d + temp1;
    d = c; c = b; b = a; a = temp1 + temp2;
  }
  unchecked(H[0] += a); unchecked(H[1] += b); unchecked(H[2] += c); unchecked(H[3] += d);
  unchecked(H[4] += e); unchecked(H[5] += f); unchecked(H[6] += g); unchecked(H[7] += h);
}

// The SHA-256 digest (32 bytes) of length bytes at data.
export function sha256Raw(data: usize, length: i32): Uint8Array {
  H[0] = 0x6a09e667; H[1] = 0xbb67ae85; H[2] = 0x3c6ef372; H[3] = 0xa54ff53a;
  H[4] = 0x510e527f; H[5] = 0x9b05688c; H[6] = 0x1f83d9ab; H[7] = 0x5be0cd19;
  const full = length >> 6;
  for (let i = 0; i < full; i++) compress(data + (<usize>i << 6));
  // The tail, 0x80, zeros, and the bit length (big-endian) in one or two last blocks.
  const rest = length & 63;
  const tailLength = rest < 56 ? 64 : 128;
  const tail = new ArrayBuffer(tailLength);
  const tailPtr = changetype<usize>(tail);
  memory.copy(tailPtr, data + (<usize>full << 6), rest);
  store<u8>(tailPtr + rest, 0x80);
  store<u64>(tailPtr + tailLength - 8, bswap<u64>(<u64>length << 3));
  compress(tailPtr);
  if (tailLength == 128) compress(tailPtr + 64);
  const digest = new Uint8Array(32);
  for (let i = 0; i < 8; i++) {
    store<u32>(digest.dataStart + (<usize>i << 2), bswap<u32>(unchecked(H[i])));
  }
  return digest;
}

export function sha256(data: Uint8Array): Uint8Array {
  return sha256Raw(data.dataStart, data.length);
}

// HMAC-SHA-256 of message under key.
export function hmacSha256(key: Uint8Array, message: Uint8Array): Uint8Array {
  let k = key;
  if (k.length > 64) k = sha256(k);
  const inner = new Uint8Array(64 + message.length);
  const outer = new Uint8Array(64 + 32);
  for (let i = 0; i < 64; i++) {
    const byte: u8 = i < k.length ? k[i] : 0;
    inner[i] = byte ^ 0x36;
    outer[i] = byte ^ 0x5c;
  }
  memory.copy(inner.dataStart + 64, message.dataStart, message.length);
  const innerDigest = sha256(inner);
  memory.copy(outer.dataStart + 64, innerDigest.dataStart, 32);
  return sha256(outer);
}

// true if a and b hold the same bytes; the time taken depends only on the lengths.
export function constantTimeEquals(a: Uint8Array, b: Uint8Array): bool {
  if (a.length != b.length) return false;
  let difference: u32 = 0;
  for (let i = 0; i < a.length; i++) difference |= <u32>(a[i] ^ b[i]);
  return difference == 0;
}

export function utf8(text: string): Uint8Array {
  return Uint8Array.wrap(String.UTF8.encode(text));
}

export function toHex(bytes: Uint8Array): string {
  const digits = "0123456789abcdef";
  let out = "";
  for (let i = 0; i < bytes.length; i++) {
    out += digits.charAt(bytes[i] >> 4) + digits.charAt(bytes[i] & 15);
  }
  return out;
}

function sextet(c: i32): i32 {
  if (c >= 0x41 && c <= 0x5a) return c - 0x41;
  if (c >= 0x61 && c <= 0x7a) return c - 0x61 + 26;
  if (c >= 0x30 && c <= 0x39) return c - 0x30 + 52;
  if (c == 0x2d || c == 0x2b) return 62; // '-' (base64url) or '+' (base64)
  if (c == 0x5f || c == 0x2f) return 63; // '_' (base64url) or '/' (base64)
  return -1;
}

// Decodes base64url or base64 text (either alphabet, padding optional); null if it is not valid.
export function base64Decode(text: string): Uint8Array | null {
  let length = text.length;
  while (length > 0 && text.charCodeAt(length - 1) == 0x3d) length--; // '=' padding
  if (text.length - length > 2 || length % 4 == 1) return null;
  const out = new Uint8Array((length * 3) >> 2);
  let bits: u32 = 0;
  let count = 0;
  let o = 0;
  for (let i = 0; i < length; i++) {
    const value = sextet(text.charCodeAt(i));
    if (value < 0) return null;
    bits = (bits << 6) | <u32>value;
    count += 6;
    if (count >= 8) {
      count -= 8;
      out[o++] = <u8>(bits >> count);
    }
  }
  // Leftover bits must be zero, so that every byte string has exactly one encoding.
  if (count > 0 && (bits & ((<u32>1 << count) - 1)) != 0) return null;
  return out;
}

// base64url without padding (the JWT encoding).
export function base64UrlEncode(bytes: Uint8Array): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  let out = "";
  let bits: u32 = 0;
  let count = 0;
  for (let i = 0; i < bytes.length; i++) {
    bits = (bits << 8) | bytes[i];
    count += 8;
    while (count >= 6) {
      count -= 6;
      out += alphabet.charAt((bits >> count) & 63);
    }
  }
  if (count > 0) out += alphabet.charAt((bits << (6 - count)) & 63);
  return out;
}
