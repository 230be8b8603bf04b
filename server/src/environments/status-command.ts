/**
 * `kayron-releases status [--json] [--environment NAME[=BRANCH]]... [--remote NAME] [ROOT]`: which version of every
 * service each environment runs, with drift markers. Exit 0 when the matrix was printed, 2 on bad usage or when ROOT
 * is not a directory inside a git working tree.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { GitError } from './git';
import { computeEnvironmentStatus, renderMatrixText } from './matrix';
import type { EnvironmentProviders, ExtraEnvironment } from './resolve';

export const STATUS_USAGE = 'kayron-releases status [--json] [--environment NAME[=BRANCH]]... [--remote NAME] [ROOT]';

export interface StatusCommandIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Resolves a relative ROOT; the process's cwd unless set. */
  cwd?: string;
  /** GitHub answers for production and remote heads; without them production falls back to the newest local `v*` tag. */
  providers?: EnvironmentProviders;
}

interface ParsedArgs {
  json: boolean;
  root: string | undefined;
  remote: string | undefined;
  extraEnvironments: ExtraEnvironment[];
}

export const STATUS_HELP = `usage: ${STATUS_USAGE}

Prints which version of every service each environment runs (development, testing, staging, production and the
extra environments), read from the git refs of the releases repository at ROOT (default: the working directory).

  --json                       the matrix as JSON
  --environment NAME[=BRANCH]  an extra environment (repeatable); BRANCH defaults to NAME
  --remote NAME                the remote whose branches are the environments (default: origin)
`;

function parseStatusArgs(args: string[]): ParsedArgs | string {
  let values: { json?: boolean; environment?: string[]; remote?: string };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args,
      options: {
        json: { type: 'boolean' },
        environment: { type: 'string', multiple: true },
        remote: { type: 'string' },
      },
      allowPositionals: true,
      strict: true,
    }));
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  if (positionals.length > 1) return 'only one ROOT may be given';
  if (values.remote === '') return '--remote needs a value';
  const parsed: ParsedArgs = {
    json: values.json === true,
    root: positionals[0],
    remote: values.remote,
    extraEnvironments: [],
  };
  for (const value of values.environment ?? []) {
    if (value === '') return '--environment needs a value';
    const equals = value.indexOf('=');
    const name = equals < 0 ? value : value.slice(0, equals);
    const branch = equals < 0 ? value : value.slice(equals + 1);
    if (name === '' || branch === '') return `bad --environment ${value}: use NAME or NAME=BRANCH`;
    parsed.extraEnvironments.push({ name, branch });
  }
  return parsed;
}

export async function runStatusCommand(args: string[], io: StatusCommandIo): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout(STATUS_HELP);
    return 0;
  }
  const parsed = parseStatusArgs(args);
  if (typeof parsed === 'string') {
    io.stderr(`kayron-releases: ${parsed}\nusage: ${STATUS_USAGE}\n`);
    return 2;
  }
  const root = path.resolve(io.cwd ?? process.cwd(), parsed.root ?? '.');
  try {
    const stat = await fs.stat(root);
    if (!stat.isDirectory()) throw new Error(`${root} is not a directory`);
  } catch (error) {
    io.stderr(`kayron-releases: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  try {
    const { matrix } = await computeEnvironmentStatus(root, {
      extraEnvironments: parsed.extraEnvironments,
      ...(parsed.remote ? { remote: parsed.remote } : {}),
      ...(io.providers ? { providers: io.providers } : {}),
    });
    io.stdout(parsed.json ? `${JSON.stringify(matrix, null, 2)}\n` : renderMatrixText(matrix));
    return 0;
  } catch (error) {
    if (error instanceof GitError && error.kind === 'not-a-repository') {
      io.stderr(`kayron-releases: ${root} is not inside a git repository; environments are read from git refs\n`);
    } else {
      io.stderr(`kayron-releases: ${error instanceof Error ? error.message : String(error)}\n`);
    }
    return 2;
  }
}
