/** Kayron's exact error texts (kayron-spec §2.2–2.3), keyed by the extension's stable diagnostic codes. */
export const KAYRON_MESSAGES = {
  'no-release-definitions': 'The release configuration requires at least one release definition to be provided.',
  'deploy-missing': 'The release configuration requires a deployment strategy to be provided.',
  'deploy-strategy-conflict': 'The deployment configuration requires only one strategy to be provided.',
  'release-format':
    'This critical error indicates that the provided release tag does not comply with the required format [v.MAJOR.MINOR.PATCH(-SUFFIX)], which means that the operator does not know how to proceed safely.',
  'github-missing': 'The release configuration requires a github repository to be provided.',
  'github-format':
    'This critical error indicates that the provided repository name does not comply with the required format enforced by Github, which means that the operator does not know how to proceed safely.',
  'docker-or-provider-missing':
    'The release configuration requires a docker repository or provider setting to be provided.',
  'preview-with-provider': 'The release configuration does not allow preview deployments for infrastructure providers.',
  'provider-name': 'The provider configuration requires the provider name to be "cloudformation".',
  'infrastructure-count':
    'This critical error indicates that the resolved release settings do not provide a single infrastructure release, which means that the operator does not know how to proceed safely.',
} as const;

/** Kayron's own lint checks, in the order Kayron applies them to one entry. */
export const KAYRON_CHECK_CODES = [
  'yaml-syntax',
  'yaml-type',
  'no-release-definitions',
  'deploy-missing',
  'deploy-strategy-conflict',
  'release-format',
  'github-missing',
  'github-format',
  'docker-or-provider-missing',
  'docker-format',
  'preview-with-provider',
  'provider-name',
] as const;

export type KayronCheckCode = (typeof KAYRON_CHECK_CODES)[number];
