/**
 * Validation of release files: Kayron's own checks (exact), plus what Kayron silently ignores or misses.
 * `analyzeReleaseFile` is per file and cacheable; `validateWorkspace` adds the cross-file checks and marks the
 * single problem `kayron lint` would print.
 */
import { classifyPath, type ReleaseFileClass } from '../kayron/loader';
import {
  checkDockerName,
  cloudformationParameterKey,
  CLOUDFORMATION_PROVIDER,
  isEcrRepositoryName,
} from '../kayron/grammar';
import { KAYRON_MESSAGES } from '../kayron/messages';
import { firstKayronProblem, type Problem, type Range } from '../kayron/problem';
import { checkEntry } from '../kayron/rules';
import { suggestName } from '../kayron/suggest';
import { decodeReleaseFile, type DecodedEntry, type DecodedFile } from '../yaml/decode';
import type { DiagnosticCode } from '../diagnostic-codes';

export const ENTRY_KEYS = ['docker', 'github', 'provider', 'deploy'] as const;
export const DEPLOY_KEYS = ['release', 'branch', 'suspend', 'preview'] as const;

export interface FileAnalysis {
  relativePath: string;
  fileClass: ReleaseFileClass;
  decoded: DecodedFile | undefined;
  /** Kayron's checks for this file, in Kayron's order (decode problems, then entries by index, each in check order). */
  kayronProblems: Problem[];
  /** The extension's own per-file warnings. */
  extraProblems: Problem[];
}

function warning(code: DiagnosticCode, message: string, range: Range, data?: Record<string, unknown>): Problem {
  return { code, severity: 'warning', kayronCheck: false, message, range, ...(data ? { data } : {}) };
}

function unknownKeyProblems(decoded: DecodedFile): Problem[] {
  return decoded.unknownKeys.map((key) => {
    const candidates = key.level === 'entry' ? ENTRY_KEYS : DEPLOY_KEYS;
    if (key.name === 'webhook' && key.level === 'deploy') {
      return warning(
        'unknown-key',
        'Kayron ignores "webhook": deploy.webhook was removed from Kayron on 2025-10-01.',
        key.range,
        { key: key.name },
      );
    }
    if (
      key.level === 'entry' &&
      key.name.startsWith('deploy.') &&
      (DEPLOY_KEYS as readonly string[]).includes(key.name.slice(7))
    ) {
      return warning(
        'unknown-key',
        `Kayron ignores the flat key "${key.name}": nest it as "${key.name.slice(7)}" under "deploy:".`,
        key.range,
        { key: key.name },
      );
    }
    const suggestion = suggestName(key.name, candidates);
    const where = key.level === 'entry' ? 'a release entry' : 'deploy';
    const hint = suggestion ? ` Did you mean "${suggestion}"?` : ` Known keys: ${candidates.join(', ')}.`;
    return warning('unknown-key', `Kayron ignores the unknown key "${key.name}" in ${where}.${hint}`, key.range, {
      key: key.name,
      ...(suggestion ? { suggestion } : {}),
    });
  });
}

function valueProblems(entry: DecodedEntry): Problem[] {
  const problems: Problem[] = [];
  const fields = [
    ['docker', entry.docker],
    ['github', entry.github],
    ['provider', entry.provider],
    ['release', entry.deploy?.release],
    ['branch', entry.deploy?.branch],
  ] as const;
  for (const [name, field] of fields) {
    if (!field?.coercedFrom) continue;
    const { source, kind } = field.coercedFrom;
    const changed = source !== field.value ? `, which Kayron reads as ${JSON.stringify(field.value)}` : '';
    problems.push(
      warning(
        'coerced-scalar',
        `Unquoted ${name} value ${source} is a YAML ${kind.replace(/64$/, '')}${changed}. Quote it: "${source}".`,
        field.valueRange,
        {
          source,
          coerced: field.value,
        },
      ),
    );
  }
  const isInfrastructure = (entry.provider?.value ?? '') !== '';
  if (isInfrastructure && entry.deploy?.suspend?.value === true) {
    problems.push(
      warning(
        'infrastructure-no-ref',
        'Suspending the infrastructure release leaves it without a desired ref; when any other release drifts, the Kayron operator can exit.',
        entry.deploy.suspend.key,
      ),
    );
  }
  if (isInfrastructure && entry.deploy?.branch && entry.deploy.branch.value !== '') {
    problems.push({
      ...warning(
        'infrastructure-branch',
        'The infrastructure release follows a branch: if the branch does not exist, it gets no desired ref and the Kayron operator can exit. Keep this to testing.',
        entry.deploy.branch.key,
      ),
      severity: 'information',
    });
  }
  const docker = entry.docker?.value ?? '';
  // Only names Kayron accepts: for the others its own docker-format error says enough.
  if (docker !== '' && entry.docker && checkDockerName(docker) === undefined) {
    if (!isEcrRepositoryName(docker) && /^[a-z0-9._\-/]+$/.test(docker)) {
      problems.push(
        warning(
          'docker-not-ecr',
          `Kayron accepts "${docker}", but it is not a valid ECR repository name (ECR allows single ".", "_" or "-" separators and at least 2 characters).`,
          entry.docker.valueRange,
        ),
      );
    } else if (/[._/]/.test(docker) && !entry.provider?.value) {
      problems.push(
        warning(
          'parameter-key-invalid',
          `The CloudFormation parameter Kayron derives from "${docker}" is ${cloudformationParameterKey(docker)}, which is not alphanumeric; CloudFormation cannot accept it.`,
          entry.docker.valueRange,
        ),
      );
    }
  }
  return problems;
}

export function analyzeReleaseFile(relativePath: string, text: string): FileAnalysis {
  const fileClass = classifyPath(relativePath);
  if (!fileClass.loadedByKayron) {
    const extraProblems = fileClass.ignoredExtension
      ? [
          warning(
            'ignored-extension',
            `Kayron only loads files ending in ".yaml" (case-sensitive): this file is ignored. Rename it to "${relativePath.replace(/\.[^./]+$/, '.yaml').replace(/^.*\//, '')}".`,
            [0, 0],
          ),
        ]
      : [];
    return { relativePath, fileClass, decoded: undefined, kayronProblems: [], extraProblems };
  }
  const decoded = decodeReleaseFile(text);
  const kayronProblems = [...decoded.problems];
  const extraProblems: Problem[] = [...unknownKeyProblems(decoded)];
  for (const entry of decoded.entries) {
    if (!entry.typeError) kayronProblems.push(...checkEntry(entry));
    extraProblems.push(...valueProblems(entry));
  }
  for (const range of decoded.ignoredDocuments) {
    extraProblems.push(
      warning(
        'extra-document',
        'Kayron reads only the first YAML document of a file; everything from here on is ignored.',
        range,
      ),
    );
  }
  if (!fileClass.seenByCiLint) {
    extraProblems.push(
      warning(
        'not-linted-by-ci',
        'The Kayron operator loads this file (its folder matches the "infrastructure"/"service" prefix, or it sits in the repository root), but the releases CI lint only mounts infrastructure/ and service/ and never checks it. Move it into service/.',
        [0, 0],
      ),
    );
  }
  extraProblems.sort((a, b) => a.range[0] - b.range[0]);
  return { relativePath, fileClass, decoded, kayronProblems, extraProblems };
}

export interface WorkspaceValidation {
  /** Problems per relative path, including cross-file ones. */
  problems: Map<string, Problem[]>;
  /** The one problem `kayron lint` would print, if it would fail. */
  kayronVerdict: { relativePath: string; problem: Problem } | undefined;
  /** Total entries Kayron would load. */
  entryCount: number;
  /**
   * Files Kayron loads that were not checked (too large, not a regular file, unreadable), in walk order. Without a
   * failure found elsewhere, they make the verdict unknown: what Kayron makes of them is not known.
   */
  unchecked: { relativePath: string; problem: Problem }[];
}

/** Codes of loaded files that were not checked: with any of them, Kayron's verdict is unknown rather than pass. */
export const UNCHECKED_FILE_CODES: ReadonlySet<string> = new Set([
  'file-too-large',
  'not-a-regular-file',
  'unreadable-file',
]);

export type KayronVerdictKind = 'pass' | 'fail' | 'unknown';

/** `fail` when a failure was found; else `unknown` when a loaded file was not checked; else `pass`. */
export function kayronVerdictKind(
  validation: Pick<WorkspaceValidation, 'kayronVerdict' | 'unchecked'>,
): KayronVerdictKind {
  if (validation.kayronVerdict) return 'fail';
  return validation.unchecked.length > 0 ? 'unknown' : 'pass';
}

/** Cross-file checks (kayron-spec §3.1–3.3) and Kayron's verdict over files given in Kayron's walk order. */
export function validateWorkspace(files: readonly FileAnalysis[]): WorkspaceValidation {
  const problems = new Map<string, Problem[]>();
  for (const file of files) problems.set(file.relativePath, [...file.kayronProblems, ...file.extraProblems]);
  const loaded = files.filter((file) => file.fileClass.loadedByKayron && file.decoded);
  // Every edit runs this over every entry (10,000 in a large file): parallel arrays, not an object per entry.
  const entryList: DecodedEntry[] = [];
  const fileOf: FileAnalysis[] = [];
  for (const file of loaded) {
    for (const entry of file.decoded?.entries ?? []) {
      entryList.push(entry);
      fileOf.push(file);
    }
  }
  const add = (relativePath: string, problem: Problem): void => {
    problems.get(relativePath)?.push(problem);
  };

  // Exactly one infrastructure release (operator only); only meaningful once the files decode.
  const anyDecodeFailure = loaded.some((file) => file.decoded?.failed);
  const infrastructure: { file: FileAnalysis; entry: DecodedEntry }[] = [];
  entryList.forEach((entry, index) => {
    if (entry.provider?.value === CLOUDFORMATION_PROVIDER)
      infrastructure.push({ file: fileOf[index] as FileAnalysis, entry });
  });
  if (!anyDecodeFailure && entryList.length > 0 && infrastructure.length !== 1) {
    const detail =
      infrastructure.length === 0
        ? 'No entry has provider: "cloudformation", so the Kayron operator refuses to reconcile (kayron lint does not check this).'
        : `${infrastructure.length} entries have provider: "cloudformation"; the Kayron operator needs exactly one (kayron lint does not check this).`;
    const message = `${KAYRON_MESSAGES['infrastructure-count']} ${detail}`;
    if (infrastructure.length === 0) {
      const target =
        loaded.find((file) => file.relativePath.startsWith('infrastructure')) ??
        loaded.find((file) => (file.decoded?.entries.length ?? 0) > 0);
      const anchor = target?.decoded?.entries[0]?.anchor ?? [0, 0];
      if (target)
        add(target.relativePath, {
          code: 'infrastructure-count',
          severity: 'error',
          kayronCheck: false,
          message,
          range: anchor,
        });
    } else {
      for (const { file, entry } of infrastructure) {
        add(file.relativePath, {
          code: 'infrastructure-count',
          severity: 'error',
          kayronCheck: false,
          message,
          range: entry.provider?.valueRange ?? entry.anchor,
        });
      }
    }
  }

  // Duplicate docker names and colliding CloudFormation parameter keys (runtime hazards lint misses).
  // The first entry per parameter key, then the lists of keys that collide (rare): nothing else is allocated.
  const firstWithKey = new Map<string, number>();
  const collisions = new Map<string, number[]>();
  entryList.forEach((entry, index) => {
    const isInfrastructure = entry.provider?.value === CLOUDFORMATION_PROVIDER;
    const name = isInfrastructure ? (entry.github?.value ?? '') : (entry.docker?.value ?? '');
    if (name === '' || !(isInfrastructure ? entry.github?.valueRange : entry.docker?.valueRange)) return;
    const key = cloudformationParameterKey(name);
    const first = firstWithKey.get(key);
    if (first === undefined) firstWithKey.set(key, index);
    else if (collisions.has(key)) collisions.get(key)?.push(index);
    else collisions.set(key, [first, index]);
  });
  for (const [key, indexes] of collisions) {
    const list = indexes.map((index) => {
      const entry = entryList[index] as DecodedEntry;
      const isInfrastructure = entry.provider?.value === CLOUDFORMATION_PROVIDER;
      const field = isInfrastructure ? entry.github : entry.docker;
      return {
        file: fileOf[index] as FileAnalysis,
        entry,
        name: field?.value ?? '',
        range: field?.valueRange as Range,
      };
    });
    const servicesByName = new Map<string, number>();
    for (const other of list) {
      if (other.entry.provider?.value !== CLOUDFORMATION_PROVIDER)
        servicesByName.set(other.name, (servicesByName.get(other.name) ?? 0) + 1);
    }
    for (const item of list) {
      // Name a few collisions only: a file of pasted copies must not produce quadratic message text.
      const othersAll =
        list.length > 4
          ? list
              .slice(0, 5)
              .filter((other) => other !== item)
              .slice(0, 4)
          : list.filter((other) => other !== item);
      const others = othersAll.slice(0, 3).map((other) => `${other.file.relativePath} entry ${other.entry.index}`);
      if (list.length - 1 > 3) others.push(`${list.length - 1 - 3} more`);
      const sameDocker = (servicesByName.get(item.name) ?? 0) > 1;
      const code =
        sameDocker && item.entry.provider?.value !== CLOUDFORMATION_PROVIDER
          ? 'duplicate-docker'
          : 'duplicate-parameter-key';
      const message =
        code === 'duplicate-docker'
          ? `The docker repository "${item.name}" is also used by ${others.join(', ')}: Kayron would mix up their ECS services and set the CloudFormation parameter ${key} twice.`
          : `"${item.name}" becomes the CloudFormation parameter ${key}, which collides with ${others.join(', ')}.`;
      add(item.file.relativePath, {
        code,
        severity: 'error',
        kayronCheck: false,
        message,
        range: item.range,
        data: { parameterKey: key },
      });
    }
  }

  const unchecked: WorkspaceValidation['unchecked'] = [];
  for (const file of files) {
    const problem = file.fileClass.loadedByKayron
      ? file.extraProblems.find((candidate) => UNCHECKED_FILE_CODES.has(candidate.code))
      : undefined;
    if (problem) unchecked.push({ relativePath: file.relativePath, problem });
  }
  // The verdict of `kayron lint`: first decode failure in walk order, else no entries, else the first failing entry.
  let kayronVerdict: WorkspaceValidation['kayronVerdict'];
  const firstDecodeFailure = loaded.find((file) => file.decoded?.failed);
  if (firstDecodeFailure) {
    const problem = firstKayronProblem(firstDecodeFailure.kayronProblems);
    if (problem) kayronVerdict = { relativePath: firstDecodeFailure.relativePath, problem };
  } else if (entryList.length === 0 && unchecked.length === 0) {
    const message = `${KAYRON_MESSAGES['no-release-definitions']} (the loader could not find any release definitions)`;
    for (const file of loaded) {
      const problem: Problem = {
        code: 'no-release-definitions',
        severity: 'error',
        kayronCheck: true,
        message,
        range: [0, 0],
      };
      add(file.relativePath, problem);
      kayronVerdict ??= { relativePath: file.relativePath, problem };
    }
    kayronVerdict ??= {
      relativePath: '.',
      problem: { code: 'no-release-definitions', severity: 'error', kayronCheck: true, message, range: [0, 0] },
    };
  } else {
    for (const file of loaded) {
      const problem = firstKayronProblem(file.kayronProblems);
      if (problem) {
        kayronVerdict = { relativePath: file.relativePath, problem };
        break;
      }
    }
  }
  for (const list of problems.values())
    list.sort((a, b) => a.range[0] - b.range[0] || Number(b.kayronCheck) - Number(a.kayronCheck));
  return { problems, kayronVerdict, entryCount: entryList.length, unchecked };
}
