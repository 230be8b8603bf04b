/**
 * Value grammars exactly as Kayron applies them (kayron-spec §2.4–2.6, §3.3).
 * Each check returns `undefined` when the value is accepted, else the reason Kayron gives.
 */

const SEMVER_IDENTIFIER = String.raw`(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)`;
/** golang.org/x/mod semver.IsValid minus build metadata (which Kayron rejects separately). */
export const RELEASE_TAG = new RegExp(
  String.raw`^v(0|[1-9]\d*)(?:\.(0|[1-9]\d*)(?:\.(0|[1-9]\d*)(?:-(${SEMVER_IDENTIFIER}(?:\.${SEMVER_IDENTIFIER})*))?)?)?$`,
);
/** Docker's tag grammar caps a tag at 128 characters. */
export const MAX_DOCKER_TAG_LENGTH = 128;

export type ReleaseTagProblem = 'format' | 'length';

export function checkReleaseTag(tag: string): ReleaseTagProblem | undefined {
  if (!RELEASE_TAG.test(tag)) return 'format';
  if (tag.length > MAX_DOCKER_TAG_LENGTH) return 'length';
  return undefined;
}

export interface ParsedReleaseTag {
  major: bigint;
  minor: bigint;
  patch: bigint;
  /** Prerelease suffix without the leading dash, e.g. `ce60d74` of `v1.12.2-ce60d74`. */
  prerelease: string | undefined;
  /** True for the short forms `v1` and `v1.2`, which Kayron accepts. */
  short: boolean;
}

export function parseReleaseTag(tag: string): ParsedReleaseTag | undefined {
  const match = RELEASE_TAG.exec(tag);
  if (!match || tag.length > MAX_DOCKER_TAG_LENGTH) return undefined;
  const [, major, minor, patch, prerelease] = match;
  return {
    major: BigInt(major ?? '0'),
    minor: BigInt(minor ?? '0'),
    patch: BigInt(patch ?? '0'),
    prerelease,
    short: patch === undefined,
  };
}

/** Semver precedence of two accepted tags (prereleases before their release, identifiers compared per semver §11). */
export function compareReleaseTags(a: ParsedReleaseTag, b: ParsedReleaseTag): number {
  for (const key of ['major', 'minor', 'patch'] as const) {
    if (a[key] !== b[key]) return a[key] < b[key] ? -1 : 1;
  }
  if (a.prerelease === b.prerelease) return 0;
  if (a.prerelease === undefined) return 1;
  if (b.prerelease === undefined) return -1;
  const left = a.prerelease.split('.');
  const right = b.prerelease.split('.');
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const x = left[i];
    const y = right[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    const xNumeric = /^\d+$/.test(x);
    const yNumeric = /^\d+$/.test(y);
    if (xNumeric && yNumeric) return BigInt(x) < BigInt(y) ? -1 : 1;
    if (xNumeric) return -1;
    if (yNumeric) return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

const DOCKER_COMPONENT = String.raw`[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*`;
export const DOCKER_PATH = new RegExp(`^${DOCKER_COMPONENT}(?:/${DOCKER_COMPONENT})*$`);
const DOCKER_REGISTRY_PREFIX = 'registry/';
const DOCKER_MAX_NAME_LENGTH = 255;
/** The longest `docker` value: `registry/<value>` must fit the 255-character name limit. */
export const MAX_DOCKER_VALUE_LENGTH = DOCKER_MAX_NAME_LENGTH - DOCKER_REGISTRY_PREFIX.length;

/**
 * distribution/reference's verdict on `registry/<value>:v0.1.0`, with its exact error text. `invalidUtf8At` lists the
 * characters of `value` that stand for bytes that are not UTF-8 (see DecodedField).
 */
export function checkDockerName(value: string, invalidUtf8At: readonly number[] = []): string | undefined {
  // ParseNormalizedNamed names the remote name: everything before the first ':' (`F:B` is `registry/F`).
  const colon = value.indexOf(':');
  const remote = colon < 0 ? value : value.slice(0, colon);
  const head = DOCKER_REGISTRY_PREFIX + remote;
  // It compares the remote name with Go's strings.ToLower of it, which also rewrites an invalid byte as U+FFFD: an
  // uppercase letter or such a byte is the lowercase error (`!!binary` of "splits-lite" is `registry/\xb2\x99b`).
  const invalidByteInRemote = invalidUtf8At.some((index) => index < remote.length);
  if (head.toLowerCase() !== head || invalidByteInRemote) {
    return `invalid reference format: repository name (${head}) must be lowercase`;
  }
  if (!DOCKER_PATH.test(value)) return 'invalid reference format';
  if (DOCKER_REGISTRY_PREFIX.length + value.length > DOCKER_MAX_NAME_LENGTH) {
    return `repository name must not be more than ${DOCKER_MAX_NAME_LENGTH} characters`;
  }
  return undefined;
}

/** ECR's documented repository-name pattern, stricter than Kayron's (no `__`, no `--`, at least 2 characters). */
const ECR_NAME = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
export function isEcrRepositoryName(value: string): boolean {
  return value.length >= 2 && ECR_NAME.test(value);
}

/** Kayron's hand-written GitHub repository-name check (§2.6), first failing reason. */
export function checkGithubName(value: string): string | undefined {
  if (value === '') return 'repository must not be empty';
  if (Buffer.byteLength(value, 'utf8') > 100) return 'repository must not have more than 100 characters';
  if (value.startsWith('.')) return 'repository must not start with punctuation';
  if (value.endsWith('.git')) return 'repository must not end with .git';
  if (!/^[A-Za-z0-9_.-]*$/.test(value)) return 'repository must only contain A-Z a-z 0-9 - _ .';
  return undefined;
}

/**
 * The CloudFormation parameter Kayron derives from a release name (§3.3):
 * `cases.Title` per word (first letter upper, rest lower), then drop `-` and spaces, then `Version`.
 */
/** Derived once per name: every keystroke re-checks all entries of the workspace for collisions. */
const parameterKeys = new Map<string, string>();

export function cloudformationParameterKey(name: string): string {
  const known = parameterKeys.get(name);
  if (known !== undefined) return known;
  const key = deriveParameterKey(name);
  // Bounded, so a long session typing names cannot grow it without limit.
  if (parameterKeys.size >= 50_000) parameterKeys.clear();
  parameterKeys.set(name, key);
  return key;
}

function deriveParameterKey(name: string): string {
  // Unicode word boundaries as golang.org/x/text/cases sees them: `_` joins, `.` `'` `:` join inside a word.
  const titled = name.replace(
    /[\p{L}\p{N}_]+(?:[.'’:][\p{L}\p{N}_]+)*/gu,
    (word) => word.charAt(0).toUpperCase() + word.slice(1).toLowerCase(),
  );
  return `${titled.replace(/[- ]/g, '')}Version`;
}

export const CLOUDFORMATION_PROVIDER = 'cloudformation';
