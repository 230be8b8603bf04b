/**
 * Repositories that try to make git run something, and a `git` that records every run, for the Restricted Mode and
 * git-environment tests. The tricks: a HEAD commit with a (fake) PGP signature plus `log.showSignature=true` and
 * `gpg.program=<script>` (any `git log` of HEAD runs the script), and `core.fsmonitor=<script>` (any command that
 * refreshes the index runs it). The script writes a marker file: "nothing ran" is "the marker does not exist".
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { git, infrastructureFile, serviceFile, type FixtureScope, type GitFixture } from './git-fixture';

export interface HostileRepo {
  repo: GitFixture;
  /** Written (with the arguments and the environment) when git runs the repository's gpg.program or fsmonitor. */
  marker: string;
}

function script(file: string, body: string): string {
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

/** A releases repository on `main` whose git config names a program for every `git log` and index refresh. */
export function hostileReleasesRepo(scope: FixtureScope, label = 'hostile'): HostileRepo {
  const repo = scope.init(label);
  repo.commit('first release', {
    'infrastructure/infrastructure.yaml': infrastructureFile('v0.5.8'),
    'service/service.yaml': serviceFile([['kayron', 'v0.5.3']]),
  });
  // The same tree, committed again with a gpgsig header: git verifies it (runs gpg.program) whenever log shows HEAD.
  const tree = repo.git(['rev-parse', 'HEAD^{tree}']);
  const parent = repo.head();
  const signed = `tree ${tree}\nparent ${parent}\nauthor A <a@example.invalid> 1760000000 +0000\ncommitter A <a@example.invalid> 1760000000 +0000\ngpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEEfake\n -----END PGP SIGNATURE-----\n\nsigned release\n`;
  const commit = git(repo.dir, ['hash-object', '-t', 'commit', '-w', '--stdin'], { input: signed });
  git(repo.dir, ['update-ref', 'refs/heads/main', commit]);
  const tools = scope.tempDir(`${label}-tools`);
  const marker = path.join(tools, 'ran');
  const program = script(
    path.join(tools, 'evil.sh'),
    `{ echo "ran: $0 $*"; env; } >> '${marker}'\ncat > /dev/null\nexit 1`,
  );
  git(repo.dir, ['config', 'log.showSignature', 'true']);
  git(repo.dir, ['config', 'gpg.program', program]);
  git(repo.dir, ['config', 'core.fsmonitor', program]);
  return { repo, marker };
}

export interface RecordingGit {
  /** A directory holding `git`: put it first on PATH, or pass `executable` as the git path. */
  directory: string;
  executable: string;
  /** One line per run (the arguments), then the environment the run saw. */
  log: string;
}

/** A `git` that appends its arguments and environment to `log`, then runs the real git. */
export function recordingGit(scope: FixtureScope, label = 'recording-git'): RecordingGit {
  const directory = scope.tempDir(label);
  const log = path.join(directory, 'runs.log');
  const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  mkdirSync(directory, { recursive: true });
  const executable = script(
    path.join(directory, 'git'),
    `{ echo "git $*"; env; echo; } >> '${log}'\nexec '${realGit}' "$@"`,
  );
  return { directory, executable, log };
}
