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

function integer(text: string): bigint | undefined {
  const cleaned = text.replace(/_/g, '');
  const match = /^([-+]?)(0b[01]+|0o[0-7]+|0x[0-9a-fA-F]+|0[0-7]+|[0-9]+)$/.exec(cleaned);
  if (!match || text.startsWith('_') || text.endsWith('_')) return undefined;
  const [, sign, digits = ''] = match;
  let value: bigint;
  if (/^0[0-7]+$/.test(digits)) value = BigInt(`0o${digits.slice(1)}`);
  else value = BigInt(digits);
  return sign === '-' ? -value : value;
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

function float(text: string): number | undefined {
  if (/^[-+]?\.(inf|Inf|INF)$/.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  if (/^\.(nan|NaN|NAN)$/.test(text)) return NaN;
  // goccy keeps `1e3` as a string (spec §1.4); only dotted decimals become floats.
  if (
    /^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]+(?:[eE][-+]?[0-9]+)?$/.test(text) ||
    /^[-+]?[0-9][0-9_]*\.(?:[eE][-+]?[0-9]+)?$/.test(text)
  ) {
    const value = Number(text.replace(/_/g, ''));
    return Number.isNaN(value) ? undefined : value;
  }
  return undefined;
}

export function resolvePlainScalar(source: string): ResolvedPlainScalar {
  if (NULLS.has(source)) return { kind: 'null', asString: '' };
  if (TRUES.has(source)) return { kind: 'bool', asString: 'true', bool: true };
  if (FALSES.has(source)) return { kind: 'bool', asString: 'false', bool: false };
  const asInteger = integer(source);
  if (asInteger !== undefined) {
    return { kind: asInteger < 0n ? 'int64' : 'uint64', asString: asInteger.toString() };
  }
  const asFloat = float(source);
  if (asFloat !== undefined) return { kind: 'float64', asString: formatGoFloat(asFloat) };
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
