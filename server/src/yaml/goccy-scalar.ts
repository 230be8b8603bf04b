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
