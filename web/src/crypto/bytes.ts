// Byte helpers: hexadecimal, little-endian integers, comparisons and UTF-8, as
// src/crypto/bytes.h, hex.cc and the UTF-8 rule of src/domain/policy.cc define them.
//
// Binary values travel as lowercase hex (CRYPTO.md); readers accept either case, exactly
// like FromHex. 64-bit integers (u64le, log indices, roster versions, times) are bigints so
// that no value above 2^53 is ever rounded.
import { CandorError, invalidArgument } from './errors.js';

export const U64_MAX = (1n << 64n) - 1n;

const HEX_DIGITS = '0123456789abcdef';

// Lowercase hexadecimal of `data` (ToHex).
export function toHex(data: Uint8Array): string {
  let out = '';
  for (let i = 0; i < data.length; i++) {
    const b = data[i]!;
    out += HEX_DIGITS[b >> 4]! + HEX_DIGITS[b & 0x0f]!;
  }
  return out;
}

function nibble(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30; // 0-9
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10; // a-f
  return -1;
}

// Decodes lower-case hexadecimal, the only canonical form (FromHex; upper case is refused).
// Throws 'invalid argument' for an odd length or any other character, naming its position.
export function fromHex(hex: string): Uint8Array {
  if (hex.length % 2 !== 0) throw invalidArgument('hex string has an odd number of characters');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = nibble(hex.charCodeAt(2 * i));
    const lo = nibble(hex.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) {
      const at = hi < 0 ? 2 * i : 2 * i + 1;
      const upper = /[A-F]/.test(hex[at] ?? '') ? ' (hex must be lower-case)' : '';
      throw invalidArgument(`hex string has a non-hex character at position ${at}${upper}`);
    }
    out[i] = (hi << 4) | lo;
  }
  return out;
}

// Exactly `size` bytes of hex (FixedFromHex); `what` names the value in errors.
export function fixedFromHex(hex: string, size: number, what = 'value'): Uint8Array {
  if (hex.length !== 2 * size) {
    throw invalidArgument(`${what} must be ${2 * size} hex characters, got ${hex.length}`);
  }
  try {
    return fromHex(hex);
  } catch (e) {
    if (e instanceof CandorError) throw e.withContext(what);
    throw e;
  }
}

// Checks that `data` has exactly `size` bytes (FixedFromBytes) and returns a copy.
export function fixedFromBytes(data: Uint8Array, size: number, what = 'value'): Uint8Array {
  if (data.length !== size) {
    throw invalidArgument(`${what} must be ${size} bytes, got ${data.length}`);
  }
  return data.slice();
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// Bytewise lexicographic order (std::array / std::string comparison of unsigned bytes):
// negative, zero or positive.
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return a[i]! - b[i]!;
  }
  return a.length - b.length;
}

export function isAllZero(a: Uint8Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== 0) return false;
  return true;
}

// A u64 from a bigint or a safe non-negative integer number. RangeError otherwise: the
// caller passed something that is not a 64-bit unsigned integer (a programming error).
export function toU64(n: bigint | number): bigint {
  const v = typeof n === 'bigint' ? n : Number.isSafeInteger(n) ? BigInt(n) : -1n;
  if (v < 0n || v > U64_MAX) throw new RangeError(`${String(n)} is not a 64-bit unsigned integer`);
  return v;
}

// u64le(n) of CRYPTO.md: 8 bytes little-endian.
export function u64le(n: bigint | number): Uint8Array {
  let v = toU64(n);
  const out = new Uint8Array(8);
  for (let i = 0; i < 8; i++) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

// The u64 at `offset` (little-endian). REQUIRES: 8 bytes there.
export function readU64le(data: Uint8Array, offset = 0): bigint {
  if (offset < 0 || offset + 8 > data.length) throw new RangeError('readU64le past the end');
  let v = 0n;
  for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(data[offset + i]!);
  return v;
}

export function u32le(n: number): Uint8Array {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new RangeError(`${n} is not a u32`);
  return new Uint8Array([n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff]);
}

export function readU32le(data: Uint8Array, offset = 0): number {
  if (offset < 0 || offset + 4 > data.length) throw new RangeError('readU32le past the end');
  return (
    (data[offset]! | (data[offset + 1]! << 8) | (data[offset + 2]! << 16)) +
    data[offset + 3]! * 0x1000000
  );
}

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

// True iff `s` has no lone UTF-16 surrogate, i.e. its UTF-8 encoding is exact (a lone
// surrogate would silently become U+FFFD, changing the bytes that are hashed or signed).
export function isWellFormedString(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (d < 0xdc00 || d > 0xdfff) return false;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      return false;
    }
  }
  return true;
}

// The UTF-8 bytes of `s`. Throws 'invalid argument' for a string with a lone surrogate,
// which has no UTF-8 encoding.
export function utf8(s: string): Uint8Array {
  if (!isWellFormedString(s)) throw invalidArgument('the text is not valid Unicode (a lone surrogate)');
  return encoder.encode(s);
}

// The text of valid UTF-8 `data`. Throws 'invalid argument' otherwise.
export function fromUtf8(data: Uint8Array): string {
  if (!isValidUtf8(data)) throw invalidArgument('the bytes are not valid UTF-8');
  return strictDecoder.decode(data);
}

// True iff `data` is well-formed UTF-8: no overlong forms, surrogates or code points above
// U+10FFFF (IsValidUtf8 in src/domain/policy.cc, byte for byte).
export function isValidUtf8(data: Uint8Array): boolean {
  const n = data.length;
  const cont = (k: number) => k < n && (data[k]! & 0xc0) === 0x80;
  let i = 0;
  while (i < n) {
    const b = data[i]!;
    if (b < 0x80) {
      i += 1;
    } else if (b >= 0xc2 && b <= 0xdf) {
      if (!cont(i + 1)) return false;
      i += 2;
    } else if (b >= 0xe0 && b <= 0xef) {
      if (!cont(i + 1) || !cont(i + 2)) return false;
      const b1 = data[i + 1]!;
      if (b === 0xe0 && b1 < 0xa0) return false; // overlong
      if (b === 0xed && b1 > 0x9f) return false; // UTF-16 surrogates
      i += 3;
    } else if (b >= 0xf0 && b <= 0xf4) {
      if (!cont(i + 1) || !cont(i + 2) || !cont(i + 3)) return false;
      const b1 = data[i + 1]!;
      if (b === 0xf0 && b1 < 0x90) return false; // overlong
      if (b === 0xf4 && b1 > 0x8f) return false; // above U+10FFFF
      i += 4;
    } else {
      return false; // continuation byte first, C0/C1 overlong leads, F5…FF
    }
  }
  return true;
}
