/**
 * How goccy/go-yaml v1.18 (Kayron's YAML library) reads an unquoted scalar, and what a Go string field then holds
 * (kayron-spec §1.4). Quoted and block scalars are always strings and never come here.
 */

export type PlainScalarKind = 'null' | 'bool' | 'uint64' | 'int64' | 'float64' | 'string';

export interface ResolvedPlainScalar {
  kind: PlainScalarKind;
  /** The string a Go `string` field receives after goccy's coercion. */
  asString: string;
  /** For `bool`: the value. */
  bool?: boolean;
}

const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
const TRUES = new Set(['true', 'True', 'TRUE']);
const FALSES = new Set(['false', 'False', 'FALSE']);

/**
 * goccy's number rule (token.ToNumber): underscores are dropped and a leading `+` or `-` stripped, then a `0x`, `0o`
 * or `0b` prefix, or a leading `0` without a dot, picks the base; a single dot makes a float. The text must then parse
 * with Go's `strconv.ParseUint`, `ParseInt` (negative) or `ParseFloat`; when it does not, out of range included
 * (`1.7976931348623157e309`, 2^64), the scalar stays a string.
 */
function goccyNumber(source: string): { kind: 'uint64' | 'int64' | 'float64'; value: bigint | number } | undefined {
  if (source === '' || source.startsWith('_')) return undefined;
  const dots = source.split('.').length - 1;
  if (dots > 1) return undefined;
  const negative = source.startsWith('-');
  let digits = (source.startsWith('+') ? source.slice(1) : source).replace(/^-/, '').replace(/_/g, '');
  let base: 2 | 8 | 10 | 16 | undefined = 10;
  if (digits.startsWith('0x')) [digits, base] = [digits.slice(2), 16];
  else if (digits.startsWith('0o')) [digits, base] = [digits.slice(2), 8];
  else if (digits.startsWith('0b')) [digits, base] = [digits.slice(2), 2];
  else if (digits.startsWith('0') && digits.length > 1 && dots === 0) base = 8;
  else if (dots === 1) base = undefined;
  if (base === undefined) {
    const value = goParseFloat(negative ? `-${digits}` : digits);
    return value === undefined ? undefined : { kind: 'float64', value };
  }
  const value = goParseUnsigned(digits, base);
  if (value === undefined) return undefined;
  if (!negative) return value <= UINT64_MAX ? { kind: 'uint64', value } : undefined;
  return value <= INT64_MIN_MAGNITUDE ? { kind: 'int64', value: -value } : undefined;
}

const UINT64_MAX = 2n ** 64n - 1n;
const INT64_MIN_MAGNITUDE = 2n ** 63n;
const DIGITS_OF_BASE = { 2: /^[01]+$/, 8: /^[0-7]+$/, 10: /^[0-9]+$/, 16: /^[0-9a-fA-F]+$/ } as const;
const BASE_PREFIX = { 2: '0b', 8: '0o', 10: '', 16: '0x' } as const;

/** `strconv.ParseUint` without its sign: digits of the base only (a `+` or `-` left inside fails). */
function goParseUnsigned(digits: string, base: 2 | 8 | 10 | 16): bigint | undefined {
  if (!DIGITS_OF_BASE[base].test(digits)) return undefined;
  return BigInt(`${BASE_PREFIX[base]}${digits}`);
}

/**
 * `strconv.ParseFloat(text, 64)` for the texts goccy hands it (one dot, no underscores): a decimal mantissa with an
 * optional exponent, or a `0X` hexadecimal mantissa with its required `p` exponent. Overflow is Go's range error
 * (undefined here); underflow is zero, as in Go.
 */
function goParseFloat(text: string): number | undefined {
  const decimal = /^-?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$/.test(text);
  let value: number;
  if (decimal) value = Number(text);
  else {
    const hex = /^(-?)0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)[pP]([-+]?[0-9]+)$/.exec(text);
    const [, sign = '', whole = '', fraction = '', exponent = '0'] = hex ?? [];
    if (!hex || whole + fraction === '') return undefined;
    const mantissa = Number(BigInt(`0x${whole}${fraction}`));
    value = mantissa * 2 ** (Number(exponent) - 4 * fraction.length);
    if (sign) value = -value;
  }
  return Number.isFinite(value) ? value : undefined;
}

/** Go's `%v` of a float64: shortest representation, exponent form below 1e-4 or from 1e21. */
export function formatGoFloat(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  // The decimal exponent of the shortest digits, as Go decides; Math.log10 rounds 9.999999999999999e20 up to 21.
  const [mantissa = '', power = '0'] = value.toExponential().split('e');
  const exponent = Number(power);
  if (exponent < -4 || exponent >= 21) {
    const sign = power.startsWith('-') ? '-' : '+';
    const digits = power.replace(/^[-+]/, '').padStart(2, '0');
    return `${mantissa}e${sign}${digits}`;
  }
  return String(value);
}

export function resolvePlainScalar(source: string): ResolvedPlainScalar {
  if (NULLS.has(source)) return { kind: 'null', asString: '' };
  if (TRUES.has(source)) return { kind: 'bool', asString: 'true', bool: true };
  if (FALSES.has(source)) return { kind: 'bool', asString: 'false', bool: false };
  // goccy's reserved words: `.inf` and `-.inf` only (`+.inf` is text), `.nan`.
  if (/^-?\.(inf|Inf|INF)$/.test(source)) {
    return { kind: 'float64', asString: formatGoFloat(source.startsWith('-') ? -Infinity : Infinity) };
  }
  if (/^\.(nan|NaN|NAN)$/.test(source)) return { kind: 'float64', asString: 'NaN' };
  const number = goccyNumber(source);
  if (number?.kind === 'float64') return { kind: 'float64', asString: formatGoFloat(Number(number.value)) };
  if (number) return { kind: number.kind, asString: number.value.toString() };
  return { kind: 'string', asString: source };
}

/** Go's `fmt.Sprint` of the value goccy gives an untagged plain scalar (`~` is nil, `0x10` is 16, `1.50` is 1.5). */
export function goPrintedPlainScalar(source: string): string {
  const resolved = resolvePlainScalar(source);
  return resolved.kind === 'null' ? '<nil>' : resolved.asString;
}

const GO_PARSE_BOOL_LOWER: ReadonlyMap<string, boolean> = new Map([
  ['1', true],
  ['t', true],
  ['true', true],
  ['0', false],
  ['f', false],
  ['false', false],
]);

/**
 * goccy's `!!bool`: the value as Go prints it, lower-cased, read by strconv.ParseBool; besides that `yes` and `no`.
 * Undefined means goccy fails the document with `cannot convert "…" to boolean` (`!!bool yes` passes, kayron-fuzz
 * 1:2064 and 1:2432; `!!bool server` fails, 1:784).
 */
export function goccyTaggedBool(printed: string): boolean | undefined {
  const lower = printed.toLowerCase();
  if (lower === 'yes') return true;
  if (lower === 'no') return false;
  return GO_PARSE_BOOL_LOWER.get(lower);
}

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * What goccy's `!!binary` gives: Go's `base64.StdEncoding.DecodeString` with its error ignored, i.e. the bytes of the
 * complete 4-character groups before the first fault (a character outside the alphabet, a group cut short at the end,
 * misplaced padding). CR and LF are skipped; any other blank is a fault. A padded group (`xx==`, `xxx=`) ends the text:
 * its bytes count even when something follows.
 */
export function goBase64Decode(text: string): Uint8Array {
  const out: number[] = [];
  let i = 0;
  for (;;) {
    const group: number[] = [];
    let padded = false;
    while (group.length < 4 && i < text.length) {
      const c = text.charAt(i++);
      if (c === '\n' || c === '\r') continue;
      const sextet = BASE64_ALPHABET.indexOf(c);
      if (sextet >= 0) {
        group.push(sextet);
        continue;
      }
      if (c !== '=' || group.length < 2) return Uint8Array.from(out);
      if (group.length === 2) {
        while (text.charAt(i) === '\n' || text.charAt(i) === '\r') i++;
        if (text.charAt(i) !== '=') return Uint8Array.from(out);
      }
      padded = true;
      break;
    }
    if (group.length === 0 || (!padded && group.length < 4)) return Uint8Array.from(out);
    const [a = 0, b = 0, c = 0, d = 0] = group;
    const bits = (a << 18) | (b << 12) | (c << 6) | d;
    out.push(...[(bits >> 16) & 0xff, (bits >> 8) & 0xff, bits & 0xff].slice(0, group.length - 1));
    if (padded) return Uint8Array.from(out);
  }
}

/** A Go string's bytes as text: a byte that starts no valid UTF-8 sequence is one U+FFFD, as Go's range loop reads it. */
export interface GoText {
  text: string;
  /** Indices in `text` of the U+FFFD characters that stand for invalid bytes (not a U+FFFD written in the source). */
  invalidAt: number[];
}

export function goTextOf(bytes: Uint8Array): GoText {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const whole = buffer.toString('utf8');
  // Valid UTF-8 (the usual case) decodes the same either way; a U+FFFD in it may also be one written in the file.
  if (!whole.includes('\ufffd')) return { text: whole, invalidAt: [] };
  let text = '';
  const invalidAt: number[] = [];
  let runStart = 0;
  let i = 0;
  while (i < buffer.length) {
    const length = validSequenceLength(buffer, i);
    if (length > 0) {
      i += length;
      continue;
    }
    text += buffer.toString('utf8', runStart, i);
    invalidAt.push(text.length);
    text += '\ufffd';
    i += 1;
    runStart = i;
  }
  text += buffer.toString('utf8', runStart, i);
  return { text, invalidAt };
}

/** The length of the valid UTF-8 sequence at `i`, or 0 (Go's `utf8.DecodeRune` width-1 error). */
function validSequenceLength(bytes: Uint8Array, i: number): number {
  const lead = bytes[i] ?? 0;
  if (lead < 0x80) return 1;
  const length = lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
  if (length === 0 || i + length > bytes.length) return 0;
  // The second byte's range excludes overlong forms, surrogates and code points past U+10FFFF.
  const second = bytes[i + 1] ?? 0;
  const low = lead === 0xe0 ? 0xa0 : lead === 0xf0 ? 0x90 : 0x80;
  const high = lead === 0xed ? 0x9f : lead === 0xf4 ? 0x8f : 0xbf;
  if (second < low || second > high) return 0;
  for (let k = 2; k < length; k++) if (((bytes[i + k] ?? 0) & 0xc0) !== 0x80) return 0;
  return length;
}

/** The Go value goccy's decoder holds for a scalar: plain text resolved, quoted and block text as is. */
function goValueOf(text: string, plain: boolean): ResolvedPlainScalar {
  return plain ? resolvePlainScalar(text) : { kind: 'string', asString: text };
}

const INT64_MAX = 2n ** 63n - 1n;

/**
 * `!!int` as goccy decodes it: `strconv.Atoi(fmt.Sprint(value))` with the error ignored. A decimal integer passes
 * (a float that prints whole, `3.0`, too), out of range is clamped to int64, anything else is 0.
 */
export function goccyTaggedInt(text: string, plain: boolean): string {
  const printed = plain ? goPrintedPlainScalar(text) : text;
  const match = /^([-+]?)([0-9]+)$/.exec(printed);
  if (!match) return '0';
  const magnitude = BigInt(match[2] ?? '0');
  if (match[1] === '-') return (magnitude > INT64_MIN_MAGNITUDE ? -INT64_MIN_MAGNITUDE : -magnitude).toString();
  return (magnitude > INT64_MAX ? INT64_MAX : magnitude).toString();
}

/**
 * `!!float` as goccy decodes it (castToFloat): numbers convert, text goes through `strconv.ParseFloat` with the error
 * ignored (out of range is ±Inf, bad syntax 0), booleans and null are 0.
 */
export function goccyTaggedFloat(text: string, plain: boolean): string {
  const value = goValueOf(text, plain);
  if (value.kind === 'float64' || value.kind === 'uint64' || value.kind === 'int64') {
    return formatGoFloat(Number(value.asString === 'NaN' ? NaN : plainNumber(value.asString)));
  }
  if (value.kind !== 'string') return '0';
  return formatGoFloat(goParseFloatText(value.asString));
}

/** A resolved number's printed value back as a number (`+Inf`, `-Inf` included). */
function plainNumber(printed: string): number {
  if (printed === '+Inf') return Infinity;
  if (printed === '-Inf') return -Infinity;
  return Number(printed);
}

/** Go's `strconv.ParseFloat(text, 64)` value with its error ignored: ±Inf out of range, 0 for bad syntax. */
function goParseFloatText(text: string): number {
  const special = /^([-+]?)(inf|infinity|nan)$/i.exec(text);
  if (special) {
    if ((special[2] ?? '').toLowerCase() === 'nan') return NaN;
    return special[1] === '-' ? -Infinity : Infinity;
  }
  const unsigned = text.replace(/^[-+]/, '');
  const negative = text.startsWith('-');
  if (/^0[xX]/.test(unsigned)) {
    const parsed = goParseFloat(negative ? `-${unsigned}` : unsigned);
    if (parsed !== undefined) return parsed;
    const wellFormed = /^0[xX](?=[0-9a-fA-F.]*[0-9a-fA-F])[0-9a-fA-F]*\.?[0-9a-fA-F]*[pP][-+]?[0-9]+$/.test(unsigned);
    return wellFormed ? (negative ? -Infinity : Infinity) : 0;
  }
  if (!/^(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$/.test(unsigned)) return 0;
  return Number(text.startsWith('+') ? unsigned : text);
}
