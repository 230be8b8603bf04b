/**
 * Issue 11, rows 1–4, through the built server: an untrusted folder runs no git at all (a repository whose config names
 * a program for `git log` and for index refreshes, and a `git` on PATH that records every run); a trusted one runs the
 * git of `gitPath` with an environment that holds no token and with the signature check off; FIFOs and links to
 * /dev/zero never block the scan or other requests; a file that was not checked makes the verdict unknown.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { HoverRequest } from 'vscode-languageserver-protocol/node';
import {
  EnvironmentsRequest,
  FetchRequest,
  ReadFileAtRefRequest,
  type EnvironmentsResult,
  type FetchResult,
} from '../../server/src/protocol';
import { FixtureScope } from '../helpers/git-fixture';
import { hostileReleasesRepo, recordingGit } from '../helpers/hostile-repo';
import { copySampleWorkspace, fileUri, removeTree, startSettled } from './lsp-client';

const scope = new FixtureScope();
after(() => scope.dispose());

const SECRET = 'ghp_hardeningTestToken0123456789abcdef';

describe('Restricted Mode: no git, no token', () => {
  it('runs no git process at all, shows development from the working tree, and refuses refs and fetch', async () => {
    const { repo, marker } = hostileReleasesRepo(scope, 'untrusted');
    const recorder = recordingGit(scope);
    const root = realpathSync(repo.dir);
    const client = await startSettled({
      folders: [root],
      initializationOptions: { trusted: false, gitPath: recorder.executable },
      env: { GITHUB_TOKEN: SECRET, PATH: `${recorder.directory}${path.delimiter}${process.env.PATH ?? ''}` },
    });
    try {
      const serviceUri = fileUri(path.join(root, 'service/service.yaml'));
      await client.open(serviceUri, readFileSync(path.join(root, 'service/service.yaml'), 'utf8'));
      const result = await client.request<EnvironmentsResult>(EnvironmentsRequest, { refresh: true });
      const view = result.roots[0];
      assert.equal(view?.state, 'restricted', JSON.stringify(view));
      assert.deepEqual(
        view.matrix?.environments.map((environment) => [environment.name, environment.workingTree]),
        [['development', true]],
      );
      assert.equal(view.matrix?.rows.find((row) => row.key === 'kayron')?.cells['development']?.label, 'v0.5.3');
      await assert.rejects(
        client.request(ReadFileAtRefRequest, { root: fileUri(root), ref: 'HEAD', path: 'service/service.yaml' }),
        /Restricted Mode/,
      );
      const fetched = await client.request<FetchResult>(FetchRequest, { root: fileUri(root) });
      assert.equal(fetched.ok, false);
      // Hover and inlay hints after every computation: still nothing may have started git.
      await client.request(HoverRequest.method, {
        textDocument: { uri: serviceUri },
        position: { line: 0, character: 4 },
      });
      await client.request<EnvironmentsResult>(EnvironmentsRequest, {});
      const state = await client.waitForGitHubState(() => true);
      assert.equal(state.networkAllowed, false);
      assert.equal(state.signedIn, false, 'the token in the environment is not used in Restricted Mode');
    } finally {
      await client.dispose();
    }
    assert.equal(
      existsSync(recorder.log),
      false,
      `git ran in Restricted Mode:\n${
        existsSync(recorder.log)
          ? readFileSync(recorder.log, 'utf8')
              .split('\n')
              .filter((line) => line.startsWith('git '))
              .join('\n')
          : ''
      }`,
    );
    assert.equal(existsSync(marker), false, 'the repository-configured program ran');
  });
});

describe('trusted folders: a minimal environment, nothing the repository configures, the git of git.path', () => {
  async function environmentsWith(root: string, options: { gitPath?: string; path?: string }): Promise<void> {
    const client = await startSettled({
      folders: [root],
      initializationOptions: { trusted: true, ...(options.gitPath ? { gitPath: options.gitPath } : {}) },
      env: { GITHUB_TOKEN: SECRET, KAYRON_OFFLINE: '1', ...(options.path ? { PATH: options.path } : {}) },
    });
    try {
      const result = await client.request<EnvironmentsResult>(EnvironmentsRequest, { refresh: true });
      assert.equal(result.roots[0]?.state, 'ok', JSON.stringify(result.roots[0]));
      assert.ok(
        result.roots[0]?.matrix?.environments.some(
          (environment) => environment.name === 'staging' && environment.commit !== undefined,
        ),
      );
    } finally {
      await client.dispose();
    }
  }

  it("a git child never sees the token, and git log never runs the repository's gpg.program", async () => {
    const { repo, marker } = hostileReleasesRepo(scope, 'trusted');
    const recorder = recordingGit(scope);
    await environmentsWith(realpathSync(repo.dir), {
      path: `${recorder.directory}${path.delimiter}${process.env.PATH ?? ''}`,
    });
    assert.ok(existsSync(recorder.log), 'git ran');
    const runs = readFileSync(recorder.log, 'utf8');
    assert.match(runs, /^git .*\blog\b/m, 'HEAD was read with git log');
    assert.ok(!runs.includes(SECRET), 'a git child saw the token');
    assert.ok(!/^GITHUB_TOKEN=/m.test(runs), 'a git child saw GITHUB_TOKEN');
    assert.equal(
      existsSync(marker),
      false,
      `git ran the repository's gpg.program or fsmonitor:\n${existsSync(marker) ? readFileSync(marker, 'utf8').split('\n')[0] : ''}`,
    );
  });

  it("every git child runs the executable of gitPath (VS Code's git.path)", async () => {
    const { repo } = hostileReleasesRepo(scope, 'git-path');
    const recorder = recordingGit(scope);
    await environmentsWith(realpathSync(repo.dir), { gitPath: recorder.executable });
    assert.ok(existsSync(recorder.log), 'the git of gitPath ran');
    assert.match(readFileSync(recorder.log, 'utf8'), /^git .*\bfor-each-ref\b/m);
  });
});

describe('special files in the working tree', () => {
  it('a FIFO and a link to /dev/zero get not-a-regular-file, the scan completes, requests are answered, the verdict is unknown', async () => {
    const root = await copySampleWorkspace();
    try {
      execFileSync('mkfifo', [path.join(root, 'service', 'pipe.yaml')]);
      symlinkSync('/dev/zero', path.join(root, 'service', 'zero.yaml'));
      // startSettled waits (with a deadline) for the first scan's roots and verdict: a blocked read fails it.
      const client = await startSettled({ folders: [root] });
      try {
        for (const name of ['pipe.yaml', 'zero.yaml']) {
          const diagnostics = await client.waitForDiagnostics(
            fileUri(path.join(root, 'service', name)),
            (list) => list.length > 0,
          );
          assert.deepEqual(
            diagnostics.map((diagnostic) => diagnostic.code),
            ['not-a-regular-file'],
            name,
          );
        }
        const verdict = await client.waitForVerdict((params) =>
          params.verdicts.some((entry) => (entry.unchecked?.length ?? 0) > 0),
        );
        assert.deepEqual(
          verdict.verdicts[0]?.unchecked?.map((file) => [file.file, file.code]),
          [
            ['service/pipe.yaml', 'not-a-regular-file'],
            ['service/zero.yaml', 'not-a-regular-file'],
          ],
        );
        assert.equal(verdict.verdicts[0]?.file, undefined, 'not a failure: unknown');
        const serviceUri = fileUri(path.join(root, 'service', 'service.yaml'));
        await client.open(serviceUri, readFileSync(path.join(root, 'service', 'service.yaml'), 'utf8'));
        const hover = await client.request(HoverRequest.method, {
          textDocument: { uri: serviceUri },
          position: { line: 0, character: 4 },
        });
        assert.ok(hover, 'hover is answered while special files sit in the tree');
      } finally {
        await client.dispose();
      }
    } finally {
      await removeTree(root);
    }
  });

  it('an oversized file makes the verdict unknown (never "passes"), with the file and the reason', async () => {
    const root = await copySampleWorkspace();
    try {
      mkdirSync(path.join(root, 'service', 'dump'), { recursive: true });
      writeFileSync(path.join(root, 'service', 'dump', 'huge.yaml'), `# ${'x'.repeat(6 * 1024 * 1024)}\n`);
      const client = await startSettled({ folders: [root] });
      try {
        const verdict = await client.waitForVerdict(() => true);
        assert.deepEqual(
          verdict.verdicts.map((entry) => [entry.file, entry.unchecked?.map((file) => [file.file, file.code])]),
          [[undefined, [['service/dump/huge.yaml', 'file-too-large']]]],
        );
      } finally {
        await client.dispose();
      }
    } finally {
      await removeTree(root);
    }
  });
});
