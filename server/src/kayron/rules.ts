/**
 * Kayron's per-entry schema checks (kayron-spec §2.3) in Kayron's order. Kayron stops at the first failure; we return
 * every failing check so the editor can show all of them, and the first one is what `kayron lint` prints.
 */
import type { DecodedEntry } from '../yaml/decode';
import { enabledStrategies } from './entry-model';
import { checkDockerName, checkGithubName, checkReleaseTag, CLOUDFORMATION_PROVIDER } from './grammar';
import { KAYRON_MESSAGES, type KayronCheckCode } from './messages';
import type { Problem, Range } from './problem';

function kayronError(code: KayronCheckCode, message: string, range: Range, data?: Record<string, unknown>): Problem {
  return { code, severity: 'error', kayronCheck: true, message, range, ...(data ? { data } : {}) };
}

export function checkEntry(entry: DecodedEntry): Problem[] {
  const problems: Problem[] = [];
  const deploy = entry.deploy;
  const release = deploy?.release?.value ?? '';
  const preview = deploy?.preview?.value === true;
  const strategies = enabledStrategies(entry);
  const github = entry.github?.value ?? '';
  const docker = entry.docker?.value ?? '';
  const provider = entry.provider?.value ?? '';

  // (a) deploy empty: preview alone counts as "not empty"
  if (strategies.length === 0 && !preview) {
    problems.push(
      kayronError(
        'deploy-missing',
        `${KAYRON_MESSAGES['deploy-missing']} Add one of release, branch or suspend under deploy.`,
        deploy?.key ?? entry.anchor,
      ),
    );
  }
  // (b) more than one strategy
  if (strategies.length > 1 && deploy) {
    const ranges = strategies
      .map((strategy) => deploy[strategy]?.key)
      .filter((range): range is Range => range !== undefined);
    // Each strategy's whole pair (key to end of value): the quick fix removes the others without a parse.
    const pairs = strategies
      .map((strategy) => deploy[strategy])
      .filter((field) => field !== undefined)
      .map((field): Range => [field.key[0], Math.max(field.key[1], field.valueRange[1])]);
    problems.push(
      kayronError(
        'deploy-strategy-conflict',
        `${KAYRON_MESSAGES['deploy-strategy-conflict']} (enabled: [${strategies.join(', ')}]) Keep exactly one of them.`,
        deploy.key,
        { enabled: strategies, strategyKeys: ranges, strategyPairs: pairs },
      ),
    );
  }
  // (c) release tag format, then the Docker tag length
  if (release !== '' && deploy?.release) {
    const problem = checkReleaseTag(release);
    if (problem === 'format') {
      problems.push(
        kayronError(
          'release-format',
          `${KAYRON_MESSAGES['release-format']} (tag: ${JSON.stringify(release)})`,
          deploy.release.valueRange,
          { tag: release },
        ),
      );
    } else if (problem === 'length') {
      problems.push(
        kayronError(
          'release-format',
          `invalid reference format (the tag is ${release.length} characters; Docker tags allow at most 128)`,
          deploy.release.valueRange,
          { tag: release },
        ),
      );
    }
  }
  // (d) github missing, (e) github format
  if (github === '') {
    problems.push(kayronError('github-missing', KAYRON_MESSAGES['github-missing'], entry.github?.key ?? entry.anchor));
  } else if (entry.github) {
    const reason = checkGithubName(github);
    if (reason) {
      problems.push(
        kayronError(
          'github-format',
          `${KAYRON_MESSAGES['github-format']} (reason: ${reason}; input: ${JSON.stringify(github)})`,
          entry.github.valueRange,
          { reason, input: github },
        ),
      );
    }
  }
  // (g) docker and provider both missing
  if (docker === '' && provider === '') {
    problems.push(
      kayronError(
        'docker-or-provider-missing',
        KAYRON_MESSAGES['docker-or-provider-missing'],
        entry.docker?.key ?? entry.provider?.key ?? entry.anchor,
      ),
    );
  }
  // (h) docker reference
  if (docker !== '' && entry.docker) {
    const reason = checkDockerName(docker, entry.docker.invalidUtf8At);
    if (reason) problems.push(kayronError('docker-format', reason, entry.docker.valueRange, { input: docker }));
  }
  // (i) preview with provider, (j) provider name
  if (provider !== '' && preview && deploy?.preview) {
    problems.push(kayronError('preview-with-provider', KAYRON_MESSAGES['preview-with-provider'], deploy.preview.key));
  }
  if (provider !== '' && provider !== CLOUDFORMATION_PROVIDER && entry.provider) {
    problems.push(
      kayronError('provider-name', KAYRON_MESSAGES['provider-name'], entry.provider.valueRange, { input: provider }),
    );
  }
  return problems;
}
