/** Every diagnostic code the extension can produce: a stable, documented contract (README table, CLI JSON, quick fixes). */
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

/** Online checks: only from data GitHub really returned (never from a failed or missing answer). */
export const GITHUB_CODES = ['release-unknown', 'release-outdated', 'branch-unknown', 'github-repo-unknown'] as const;

export const DIAGNOSTIC_CODES = [...KAYRON_CHECK_CODES, ...EXTENSION_CODES, ...GITHUB_CODES] as const;
export type DiagnosticCode = (typeof DIAGNOSTIC_CODES)[number];
