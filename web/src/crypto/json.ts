// Strict JSON as the C++ core reads and writes it (nlohmann::json), so that the browser
// accepts exactly the bundles, co-signatures and rings `candor` accepts.
//
// JSON.parse is not enough for that: it turns 13.0 and 1e1 into integers (nlohmann keeps them
// as floats, which "a whole number ≥ 0" refuses), rounds integers above 2^53, and accepts text
// decoded with replacement characters. parseJson instead
//   - reads UTF-8 bytes strictly (or a string without lone surrogates), skipping one leading
//     byte-order mark like nlohmann;
//   - keeps numbers as JsonNumber: 'unsigned' (a non-negative integer literal that fits u64),
//     'integer' (a negative one that fits i64; "-0" too), else 'float' — nlohmann's three kinds;
//   - returns objects as Map (the last of repeated keys wins, like nlohmann).
// dumpJson writes nlohmann's dump(): keys in byte order, no spaces (or dump(indent)), strings
// with only the escapes JSON requires (control characters as \u00xx, lowercase).
//
// The field helpers at the end mirror the strict readers of src/domain (OnlyFields, U64Field,
// HexField…) and throw 'invalid argument' with the same wording.
import { compareBytes, fixedFromHex, fromHex, utf8 } from './bytes.js';
import { CandorError, invalidArgument } from './errors.js';

export class JsonNumber {
  // nlohmann's number kinds: number_unsigned, number_integer, number_float.
  readonly kind: 'unsigned' | 'integer' | 'float';
  // The exact value for 'unsigned' and 'integer'; undefined for 'float'.
  readonly integer: bigint | undefined;
  readonly text: string;

  constructor(text: string, kind: 'unsigned' | 'integer' | 'float', integer?: bigint) {
    this.text = text;
    this.kind = kind;
    this.integer = integer;
  }

  static of(n: bigint | number): JsonNumber {
    const v = typeof n === 'bigint' ? n : BigInt(n);
    if (typeof n === 'number' && !Number.isSafeInteger(n)) {
      throw new RangeError(`${n} is not an integer JSON can carry exactly`);
    }
    return new JsonNumber(v.toString(), v >= 0n ? 'unsigned' : 'integer', v);
  }

  get value(): number {
    return Number(this.text);
  }
}

export type JsonObject = Map<string, JsonValue>;
export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | JsonObject;

const U64_LIMIT = (1n << 64n) - 1n;
const I64_MIN = -(1n << 63n);
const MAX_DEPTH = 1000;
const NUMBER = /-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function notJson(why: string): CandorError {
  return invalidArgument(`not valid JSON: ${why}`);
}

class Parser {
  private pos = 0;
  constructor(private readonly s: string) {}

  parseDocument(): JsonValue {
    // RFC 8259 §8.1: no byte-order mark. The C++ reader (domain/strict_json.h) refuses it too:
    // a reader that skips it and one that refuses it would disagree about one file.
    if (this.s.charCodeAt(0) === 0xfeff) throw notJson('it starts with a byte-order mark (JSON here is UTF-8 without one)');
    const v = this.value(0);
    this.ws();
    if (this.pos !== this.s.length) throw notJson(`unexpected text at offset ${this.pos}`);
    return v;
  }

  private ws(): void {
    for (;;) {
      const c = this.s.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) this.pos++;
      else return;
    }
  }

  private value(depth: number): JsonValue {
    if (depth > MAX_DEPTH) throw notJson('nested too deeply');
    this.ws();
    const c = this.s[this.pos];
    if (c === undefined) throw notJson('unexpected end of input');
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"') return this.string();
    if (c === '-' || (c >= '0' && c <= '9')) return this.number();
    for (const [word, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (this.s.startsWith(word, this.pos)) {
        this.pos += word.length;
        return v;
      }
    }
    throw notJson(`unexpected character at offset ${this.pos}`);
  }

  private object(depth: number): JsonObject {
    const out: JsonObject = new Map();
    this.pos++; // {
    this.ws();
    if (this.s[this.pos] === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.ws();
      if (this.s[this.pos] !== '"') throw notJson(`expected a key at offset ${this.pos}`);
      const key = this.string();
      this.ws();
      if (this.s[this.pos] !== ':') throw notJson(`expected ':' at offset ${this.pos}`);
      this.pos++;
      // A repeated key is refused: RFC 8259 leaves its meaning open, and two readers that
      // disagree on it would check different documents (docs/FORMATS.md, "Letter bundle").
      if (out.has(key)) throw notJson(`the key '${key.slice(0, 64)}' appears twice in one object`);
      const v = this.value(depth + 1);
      out.set(key, v);
      this.ws();
      const c = this.s[this.pos];
      this.pos++;
      if (c === '}') return out;
      if (c !== ',') throw notJson(`expected ',' or '}' at offset ${this.pos - 1}`);
    }
  }

  private array(depth: number): JsonValue[] {
    const out: JsonValue[] = [];
    this.pos++; // [
    this.ws();
    if (this.s[this.pos] === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.value(depth + 1));
      this.ws();
      const c = this.s[this.pos];
      this.pos++;
      if (c === ']') return out;
      if (c !== ',') throw notJson(`expected ',' or ']' at offset ${this.pos - 1}`);
    }
  }

  private hex4(): number {
    const h = this.s.slice(this.pos, this.pos + 4);
    if (!/^[0-9a-fA-F]{4}$/.test(h)) throw notJson(`bad \\u escape at offset ${this.pos}`);
    this.pos += 4;
    return parseInt(h, 16);
  }

  private string(): string {
    this.pos++; // opening quote
    let out = '';
    for (;;) {
      const c = this.s.charCodeAt(this.pos);
      if (Number.isNaN(c)) throw notJson('unterminated string');
      if (c === 0x22) {
        this.pos++;
        return out;
      }
      if (c < 0x20) throw notJson(`control character in a string at offset ${this.pos}`);
      if (c !== 0x5c) {
        out += this.s[this.pos];
        this.pos++;
        continue;
      }
      const e = this.s[this.pos + 1];
      this.pos += 2;
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          const u = this.hex4();
          if (u >= 0xd800 && u <= 0xdbff) {
            if (this.s[this.pos] !== '\\' || this.s[this.pos + 1] !== 'u') {
              throw notJson('a high surrogate \\u escape without its low half');
            }
            this.pos += 2;
            const low = this.hex4();
            if (low < 0xdc00 || low > 0xdfff) {
              throw notJson('a high surrogate \\u escape without its low half');
            }
            out += String.fromCharCode(u, low);
          } else if (u >= 0xdc00 && u <= 0xdfff) {
            throw notJson('a lone low surrogate \\u escape');
          } else {
            out += String.fromCharCode(u);
          }
          break;
        }
        default:
          throw notJson(`bad escape at offset ${this.pos - 2}`);
      }
    }
  }

  private number(): JsonNumber {
    NUMBER.lastIndex = this.pos;
    const m = NUMBER.exec(this.s);
    if (m === null) throw notJson(`bad number at offset ${this.pos}`);
    const text = m[0];
    this.pos += text.length;
    const next = this.s[this.pos];
    if (next !== undefined && /[0-9.eE+-]/.test(next)) throw notJson(`bad number at offset ${this.pos}`);
    if (m[1] === undefined && m[2] === undefined) {
      const v = BigInt(text);
      if (text.startsWith('-')) {
        if (v >= I64_MIN) return new JsonNumber(text, 'integer', v);
      } else if (v <= U64_LIMIT) {
        return new JsonNumber(text, 'unsigned', v);
      }
    }
    // nlohmann refuses a float that overflows ("number overflow").
    if (!Number.isFinite(Number(text))) throw notJson(`number overflow at offset ${this.pos}`);
    return new JsonNumber(text, 'float');
  }
}

// Parses one JSON document from UTF-8 bytes or a string. 'invalid argument' ("not valid
// JSON: …") for anything nlohmann::json::parse would refuse (invalid UTF-8 included).
export function parseJson(input: string | Uint8Array): JsonValue {
  let text: string;
  if (typeof input === 'string') {
    text = input;
    try {
      utf8(text); // refuses lone surrogates, which UTF-8 text cannot hold
    } catch {
      throw notJson('the text is not valid Unicode');
    }
  } else {
    try {
      text = decoder.decode(input);
    } catch {
      throw notJson('the bytes are not valid UTF-8');
    }
  }
  return new Parser(text).parseDocument();
}

// --- writing ---

// What dumpJson accepts: JsonValue, plus plain objects, numbers (safe integers) and bigints.
export type JsonInput =
  | null
  | boolean
  | string
  | number
  | bigint
  | JsonNumber
  | readonly JsonInput[]
  | ReadonlyMap<string, JsonInput>
  | { readonly [key: string]: JsonInput };

function quote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c === 0x08) out += '\\b';
    else if (c === 0x0c) out += '\\f';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c < 0x20) out += '\\u' + c.toString(16).padStart(4, '0');
    else out += s[i];
  }
  return out + '"';
}

function entriesOf(v: ReadonlyMap<string, JsonInput> | { readonly [key: string]: JsonInput }) {
  const list: [string, JsonInput][] =
    v instanceof Map ? [...(v as ReadonlyMap<string, JsonInput>).entries()] : Object.entries(v);
  // nlohmann's objects are std::map: keys in byte order of their UTF-8.
  return list.sort((a, b) => compareBytes(utf8(a[0]), utf8(b[0])));
}

function dump(v: JsonInput, indent: number, level: number): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'string') return quote(v);
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw new RangeError(`dumpJson writes integers only, not ${v}`);
    return String(v);
  }
  if (v instanceof JsonNumber) {
    if (v.integer === undefined) throw new RangeError('dumpJson writes integers only');
    return v.integer.toString();
  }
  const nl = indent >= 0 ? '\n' : '';
  const pad = (n: number) => (indent > 0 ? ' '.repeat(indent * n) : '');
  if (Array.isArray(v)) {
    const items = v as readonly JsonInput[];
    if (items.length === 0) return '[]';
    const parts = items.map((x) => pad(level + 1) + dump(x, indent, level + 1));
    return '[' + nl + parts.join(',' + nl) + nl + pad(level) + ']';
  }
  const entries = entriesOf(v as ReadonlyMap<string, JsonInput>);
  if (entries.length === 0) return '{}';
  const sep = indent >= 0 ? ': ' : ':';
  const parts = entries.map(([k, x]) => pad(level + 1) + quote(k) + sep + dump(x, indent, level + 1));
  return '{' + nl + parts.join(',' + nl) + nl + pad(level) + '}';
}

// nlohmann's dump() (indent < 0: compact) or dump(indent).
export function dumpJson(v: JsonInput, indent = -1): string {
  return dump(v, indent, 0);
}

// --- strict field readers: domain::FieldReader (src/domain/strict_json.h) ---
// One meaning, one wording: unknown fields are refused ("unknown field 'k' in W"), a required
// field must be present ("W lacks the field 'f'"), an optional one may be absent or null, and
// a present field must have its type ("'f' in W must be a string"). The shape (onlyFields)
// is checked before any field.

export function isObject(j: JsonValue | undefined): j is JsonObject {
  return j instanceof Map;
}

// 'invalid argument' unless `j` is an object whose keys are all in `allowed` (the first
// unknown key in byte order is named, as std::map iterates).
export function onlyFields(j: JsonValue, what: string, allowed: readonly string[]): JsonObject {
  if (!isObject(j)) throw invalidArgument(`${what} must be a JSON object`);
  for (const [key] of entriesOf(j)) {
    if (!allowed.includes(key)) throw invalidArgument(`unknown field '${key}' in ${what}`);
  }
  return j;
}

export function field(j: JsonObject, what: string, name: string): JsonValue {
  const v = j.get(name);
  if (v === undefined) throw invalidArgument(`${what} lacks the field '${name}'`);
  return v;
}

// An optional field: undefined when absent or null (FieldReader::Find).
export function optionalField(j: JsonObject, name: string): JsonValue | undefined {
  const v = j.get(name);
  return v === null ? undefined : v;
}

export function stringsField(j: JsonObject, what: string, name: string): string[] {
  const v = field(j, what, name);
  if (!Array.isArray(v) || !v.every((e) => typeof e === 'string')) {
    throw invalidArgument(`'${name}' in ${what} must be a list of strings`);
  }
  return v as string[];
}

export function optionalStringField(j: JsonObject, what: string, name: string): string | undefined {
  return optionalField(j, name) === undefined ? undefined : stringField(j, what, name);
}

export function optionalU64Field(j: JsonObject, what: string, name: string): bigint | undefined {
  return optionalField(j, name) === undefined ? undefined : u64Field(j, what, name);
}

export function optionalHexField(j: JsonObject, what: string, name: string, size: number): Uint8Array | undefined {
  return optionalField(j, name) === undefined ? undefined : hexField(j, what, name, size);
}

export function stringField(j: JsonObject, what: string, name: string): string {
  const v = field(j, what, name);
  if (typeof v !== 'string') throw invalidArgument(`'${name}' in ${what} must be a string`);
  return v;
}

// A number_unsigned: a non-negative integer literal that fits 64 bits.
export function isUnsigned(v: JsonValue | undefined): v is JsonNumber {
  return v instanceof JsonNumber && v.kind === 'unsigned';
}

export function u64Field(j: JsonObject, what: string, name: string): bigint {
  const v = field(j, what, name);
  if (!isUnsigned(v)) throw invalidArgument(`'${name}' in ${what} must be a whole number ≥ 0`);
  return v.integer!;
}

export function hexField(j: JsonObject, what: string, name: string, size: number): Uint8Array {
  const s = stringField(j, what, name);
  try {
    return fixedFromHex(s, size, `'${name}'`);
  } catch (e) {
    if (e instanceof CandorError) throw e.withContext(what);
    throw e;
  }
}

export function bytesFromHexField(j: JsonObject, what: string, name: string): Uint8Array {
  const s = stringField(j, what, name);
  try {
    return fromHex(s);
  } catch (e) {
    if (e instanceof CandorError) throw e.withContext(`${what}: '${name}'`);
    throw e;
  }
}
