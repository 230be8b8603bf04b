/** Every diagnostic code the extension can produce: a stable, documented contract (README table, CLI JSON, quick fixes). */
import { repository } from '../../package.json';
import { KAYRON_CHECK_CODES } from './kayron/messages';

export const EXTENSION_CODES = [
  'infrastructure-count',
  'duplicate-docker',
  'duplicate-parameter-key',
  'unknown-key',
  'coerced-scalar',
  'extra-document',
  'ignored-extension',
  'not-linted-by-ci',
  'infrastructure-no-ref',
  'infrastructure-branch',
  'docker-not-ecr',
  'parameter-key-invalid',
  'file-too-large',
  'not-a-regular-file',
  'unreadable-file',
  'too-many-problems',
] as const;
export type ExtensionCode = (typeof EXTENSION_CODES)[number];

/** Online checks: only from data GitHub really returned (never from a failed or missing answer). */
export const GITHUB_CODES = ['release-unknown', 'release-outdated', 'branch-unknown', 'github-repo-unknown'] as const;
export type GithubCode = (typeof GITHUB_CODES)[number];

export const DIAGNOSTIC_CODES = [...KAYRON_CHECK_CODES, ...EXTENSION_CODES, ...GITHUB_CODES] as const;
/** The type of `Problem.code`: a code missing from these lists (and so from the README table) does not compile. */
export type DiagnosticCode = (typeof DIAGNOSTIC_CODES)[number];

/**
 * Where each code is documented: its row in the README's code table (an `<a name>` anchor), on the repository page
 * named in package.json. Diagnostics carry it as `codeDescription.href`, so an editor links the code to its meaning.
 */
export function documentationUrl(code: string): string {
  return `${repository.url.replace(/\.git$/, '')}#${code}`;
}
