// Bounded reads of release files (regular files only, the limit checked on the opened file) and the git child environment.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { gitEnvironment } from '../../server/src/environments/git';
import { looksLikeReleasesRepo } from '../../server/src/kayron/loader';
import { readRegularFile } from '../../server/src/kayron/regular-file';

const root = mkdtempSync(path.join(os.tmpdir(), 'kayron-regular-file-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** Fails instead of hanging: a read that blocks is the defect under test. */
async function within<T>(promise: Promise<T>, ms = 20_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

describe('readRegularFile', () => {
  test('reads a regular file whole up to the limit; one byte more is too large; a prefix read stops at the limit', async () => {
    const file = path.join(root, 'ten.yaml');
    writeFileSync(file, '0123456789');
    const whole = await readRegularFile(file, { maxBytes: 10 });
    assert.equal(whole.kind === 'read' && whole.bytes.toString(), '0123456789');
    assert.deepEqual(await readRegularFile(file, { maxBytes: 9 }), { kind: 'too-large', size: 10 });
    const prefix = await readRegularFile(file, { maxBytes: 4, prefixOnly: true });
    assert.equal(prefix.kind === 'read' && prefix.bytes.toString(), '0123');
  });

  test('a FIFO, a link to /dev/zero and a directory behind a link are never read', async () => {
    const fifo = path.join(root, 'pipe.yaml');
    execFileSync('mkfifo', [fifo]);
    const zero = path.join(root, 'zero.yaml');
    symlinkSync('/dev/zero', zero);
    mkdirSync(path.join(root, 'folder'));
    const folder = path.join(root, 'folder.yaml');
    symlinkSync(path.join(root, 'folder'), folder);
    assert.deepEqual(await within(readRegularFile(fifo, { maxBytes: 1024 })), {
      kind: 'not-regular',
      what: 'a FIFO (named pipe)',
    });
    assert.deepEqual(await within(readRegularFile(zero, { maxBytes: 1024 })), {
      kind: 'not-regular',
      what: 'a character device',
    });
    assert.deepEqual(await within(readRegularFile(zero, { maxBytes: 1024, prefixOnly: true })), {
      kind: 'not-regular',
      what: 'a character device',
    });
    assert.equal((await within(readRegularFile(folder, { maxBytes: 1024 }))).kind, 'missing');
    assert.equal((await readRegularFile(path.join(root, 'nothing.yaml'), { maxBytes: 1024 })).kind, 'missing');
  });

  test('looksLikeReleasesRepo skips a FIFO and still finds the release list after it', async () => {
    const repo = path.join(root, 'repo');
    mkdirSync(path.join(repo, 'service'), { recursive: true });
    execFileSync('mkfifo', [path.join(repo, 'service', 'a.yaml')]);
    writeFileSync(
      path.join(repo, 'service', 'b.yaml'),
      '- docker: "x"\n  github: "x"\n  deploy:\n    release: "v1.0.0"\n',
    );
    assert.equal(await within(looksLikeReleasesRepo(repo)), true);
  });
});

describe('gitEnvironment', () => {
  const source = {
    PATH: '/bin',
    HOME: '/home/u',
    LANG: 'C.UTF-8',
    LC_CTYPE: 'C.UTF-8',
    GITHUB_TOKEN: 'secret',
    GH_TOKEN: 'secret',
    GIT_DIR: '/elsewhere',
    SSH_AUTH_SOCK: '/tmp/agent',
    NODE_OPTIONS: '--inspect',
  };

  test('read-only queries get PATH, HOME, locale and the variables the server sets, nothing else', () => {
    assert.deepEqual(gitEnvironment(false, source), {
      PATH: '/bin',
      HOME: '/home/u',
      LANG: 'C.UTF-8',
      LC_CTYPE: 'C.UTF-8',
      GIT_TERMINAL_PROMPT: '0',
      GIT_OPTIONAL_LOCKS: '0',
      LC_ALL: 'C',
    });
  });

  test('fetch also gets what ssh and credential helpers need, still no token', () => {
    const env = gitEnvironment(true, source);
    assert.equal(env['SSH_AUTH_SOCK'], '/tmp/agent');
    for (const name of ['GITHUB_TOKEN', 'GH_TOKEN', 'GIT_DIR', 'NODE_OPTIONS'])
      assert.equal(env[name], undefined, name);
  });
});
