// The owner `github:` values resolve under: from the setting, else from the git origin remote (all URL forms).
import { strict as assert } from 'node:assert';
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import {
  parseGitRemoteUrl,
  readOriginUrl,
  remoteUrlFromGitConfig,
  resolveOwner,
  resolveWorkspaceOwner,
} from '../../server/src/github/owner';
import { temporaryDirectory } from '../github-standin/fixtures';

describe('git remote URLs', () => {
  const cases: [string, { host: string; owner: string; repo: string } | undefined][] = [
    ['https://github.com/0xSplits/releases', { host: 'github.com', owner: '0xSplits', repo: 'releases' }],
    ['https://github.com/0xSplits/releases.git', { host: 'github.com', owner: '0xSplits', repo: 'releases' }],
    ['https://github.com/0xSplits/releases/', { host: 'github.com', owner: '0xSplits', repo: 'releases' }],
    ['https://user:secret@github.com/acme/releases.git', { host: 'github.com', owner: 'acme', repo: 'releases' }],
    ['http://ghe.example.com/platform/releases.git', { host: 'ghe.example.com', owner: 'platform', repo: 'releases' }],
    ['git@github.com:0xSplits/releases.git', { host: 'github.com', owner: '0xSplits', repo: 'releases' }],
    ['github.com:acme/releases', { host: 'github.com', owner: 'acme', repo: 'releases' }],
    ['git@ghe.example.com:platform/releases.git', { host: 'ghe.example.com', owner: 'platform', repo: 'releases' }],
    ['ssh://git@github.com/acme/releases.git', { host: 'github.com', owner: 'acme', repo: 'releases' }],
    [
      'ssh://git@ghe.example.com:2222/platform/releases',
      { host: 'ghe.example.com', owner: 'platform', repo: 'releases' },
    ],
    ['git://github.com/acme/releases.git', { host: 'github.com', owner: 'acme', repo: 'releases' }],
    ['https://github.com/acme', undefined],
    ['https://gitlab.com/group/sub/repo.git', undefined],
    ['/home/me/releases', undefined],
    ['C:\\work\\releases', undefined],
    ['file:///srv/git/releases.git', undefined],
    ['https://github.com/-bad-/releases', undefined],
  ];
  for (const [url, expected] of cases) {
    test(url, () => assert.deepEqual(parseGitRemoteUrl(url), expected));
  }
});

describe('owner resolution', () => {
  test('the setting wins, as a login or as a URL such as KAYRON_RELEASE_SOURCE', () => {
    const originUrl = 'git@github.com:my-fork/releases.git';
    assert.deepEqual(resolveOwner({ setting: '0xSplits', originUrl }), {
      owner: '0xSplits',
      source: 'setting',
      host: undefined,
    });
    assert.deepEqual(resolveOwner({ setting: 'https://github.com/0xSplits/releases', originUrl }), {
      owner: '0xSplits',
      source: 'setting',
      host: undefined,
    });
    assert.deepEqual(resolveOwner({ setting: 'https://github.com/0xSplits', originUrl }), {
      owner: '0xSplits',
      source: 'setting',
      host: undefined,
    });
  });

  test('without a setting, the origin owner; an invalid setting resolves nothing rather than silently using origin', () => {
    assert.deepEqual(resolveOwner({ setting: ' ', originUrl: 'git@github.com:acme/releases.git' }), {
      owner: 'acme',
      source: 'origin',
      host: 'github.com',
    });
    assert.equal(resolveOwner({ setting: 'not an owner!', originUrl: 'git@github.com:acme/releases.git' }), undefined);
    assert.equal(resolveOwner({}), undefined);
  });

  test('git config: the origin section, not another remote', () => {
    const config = [
      '[core]',
      '\tbare = false',
      '[remote "upstream"]',
      '\turl = https://github.com/upstream/releases.git',
      '[remote "origin"]',
      '\tfetch = +refs/heads/*:refs/remotes/origin/*',
      '\turl = git@github.com:acme/releases.git',
      '[branch "main"]',
      '\tremote = origin',
    ].join('\n');
    assert.equal(remoteUrlFromGitConfig(config), 'git@github.com:acme/releases.git');
    assert.equal(remoteUrlFromGitConfig(config, 'upstream'), 'https://github.com/upstream/releases.git');
    assert.equal(remoteUrlFromGitConfig('[core]\n\tbare = false\n'), undefined);
  });

  test('reads origin from a repository, from a sub-folder, and through a worktree .git file', async () => {
    const root = await temporaryDirectory();
    try {
      const main = path.join(root.path, 'main');
      await mkdir(path.join(main, '.git', 'worktrees', 'wt'), { recursive: true });
      await mkdir(path.join(main, 'service'), { recursive: true });
      await writeFile(
        path.join(main, '.git', 'config'),
        '[remote "origin"]\n\turl = https://github.com/acme/releases.git\n',
      );
      await writeFile(path.join(main, '.git', 'worktrees', 'wt', 'commondir'), '../..\n');
      const worktree = path.join(root.path, 'wt');
      await mkdir(worktree);
      await writeFile(path.join(worktree, '.git'), `gitdir: ${path.join(main, '.git', 'worktrees', 'wt')}\n`);

      assert.equal(await readOriginUrl(main), 'https://github.com/acme/releases.git');
      assert.equal(await readOriginUrl(path.join(main, 'service')), 'https://github.com/acme/releases.git');
      assert.equal(await readOriginUrl(worktree), 'https://github.com/acme/releases.git');
      assert.deepEqual(await resolveWorkspaceOwner(worktree, undefined), {
        owner: 'acme',
        source: 'origin',
        host: 'github.com',
      });
      assert.deepEqual(await resolveWorkspaceOwner(worktree, 'other'), {
        owner: 'other',
        source: 'setting',
        host: undefined,
      });
    } finally {
      await root.remove();
    }
  });
});
