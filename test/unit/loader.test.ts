/** Which files Kayron loads and in which order (kayron-spec §1.2, §1.3) and the loader cases of §6.1. */
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { lintTree } from '../../server/src/features/lint-tree';
import {
  classifyPath,
  compareGoStrings,
  isWalkedDirectoryChain,
  walkReleaseTree,
} from '../../server/src/kayron/loader';
import { KAYRON_MESSAGES } from '../../server/src/kayron/messages';
import { assertStartsWith } from '../helpers/cursor';
import { compareWalkOrder } from '../../server/src/kayron/entry-model';
import { withTree } from '../helpers/tree';

const ENTRY = '- docker: "kayron"\n  github: "kayron"\n  deploy:\n    release: "v0.5.3"\n';

describe('classifyPath: the whitelist prefix quirk (§1.2)', () => {
  const cases: [path: string, loaded: boolean, seenByCi: boolean][] = [
    ['infrastructure/infrastructure.yaml', true, true],
    ['service/service.yaml', true, true],
    ['service/nested/deep/x.yaml', true, true],
    ['service/.old/x.yaml', true, true],
    // Prefix quirk: the trailing slash of ./service/ is lost, so these folders are walked by the operator.
    ['infrastructure-old/x.yaml', true, false],
    ['infrastructureX/x.yaml', true, false],
    ['servicefoo/x.yaml', true, false],
    ['services/x.yaml', true, false],
    ['service.bak/x.yaml', true, false],
    ['service.yaml/x.yaml', true, false],
    ['servicefoo/nested/x.yaml', true, false],
    // Skipped folders.
    ['.github/workflows/release-lint.yaml', false, false],
    ['other/x.yaml', false, false],
    ['foo/infrastructure/x.yaml', false, false],
    ['foo/service/x.yaml', false, false],
    ['Service/x.yaml', false, false],
    ['INFRASTRUCTURE/x.yaml', false, false],
    // Root-level files are never filtered, but CI does not mount them.
    ['root.yaml', true, false],
    ['service.yaml', true, false],
    ['infrastructure.yaml', true, false],
    ['releases.yaml', true, false],
    // Hidden files count, and so does a file named exactly ".yaml".
    ['.hidden.yaml', true, false],
    ['service/.hidden.yaml', true, true],
    ['service/.yaml', true, true],
    ['.yaml', true, false],
  ];
  for (const [relativePath, loaded, seenByCi] of cases) {
    test(`${relativePath}: loaded ${loaded}, seen by CI ${seenByCi}`, () => {
      const fileClass = classifyPath(relativePath);
      assert.equal(fileClass.loadedByKayron, loaded, 'loadedByKayron');
      assert.equal(fileClass.seenByCiLint, seenByCi, 'seenByCiLint');
      assert.equal(fileClass.ignoredExtension, false, 'ignoredExtension');
    });
  }

  test('isWalkedDirectoryChain checks every directory on the way, byte-wise and case-sensitively', () => {
    assert.equal(isWalkedDirectoryChain('service/a/b/c.yaml'), true);
    assert.equal(isWalkedDirectoryChain('servicex/a/b/c.yaml'), true);
    assert.equal(isWalkedDirectoryChain('service.yaml'), true);
    assert.equal(isWalkedDirectoryChain('Service/c.yaml'), false);
    assert.equal(isWalkedDirectoryChain('sErvice/c.yaml'), false);
    assert.equal(isWalkedDirectoryChain('other/service/c.yaml'), false);
  });
});

describe('classifyPath: the extension test is exactly ".yaml" (§1.3)', () => {
  const cases: [path: string, ignoredExtension: boolean][] = [
    ['service/x.yml', true],
    ['service/x.YAML', true],
    ['service/x.Yaml', true],
    ['service/x.YML', true],
    ['root.yml', true],
    ['servicefoo/x.yml', true],
    ['service/x.yaml.bak', false],
    ['service/x.json', false],
    ['service/README.md', false],
    ['service/yaml', false],
    // Not walked at all: no warning either.
    ['other/x.yml', false],
    ['.github/dependabot.yml', false],
  ];
  for (const [relativePath, ignoredExtension] of cases) {
    test(`${relativePath}: not loaded, ignoredExtension ${ignoredExtension}`, () => {
      const fileClass = classifyPath(relativePath);
      assert.equal(fileClass.loadedByKayron, false);
      assert.equal(fileClass.seenByCiLint, false);
      assert.equal(fileClass.ignoredExtension, ignoredExtension);
    });
  }
});

describe('Go byte order (sort.Strings)', () => {
  test('uppercase before lowercase, "-" before "." before "/", shorter prefix first', () => {
    const names = ['b', 'a.yaml', 'a-b', 'B', 'a', 'a/b', '_x', '.x', 'Z'];
    assert.deepEqual([...names].sort(compareGoStrings), ['.x', 'B', 'Z', '_x', 'a', 'a-b', 'a.yaml', 'a/b', 'b']);
  });

  test('compares UTF-8 bytes, not UTF-16 code units (U+FB00 sorts before U+1F600 in Go, after it in JavaScript)', () => {
    const ligature = '\ufb00';
    const emoji = '\u{1f600}';
    assert.ok(compareGoStrings(ligature, emoji) < 0);
    assert.ok(ligature > emoji, 'JavaScript string order differs, which is why the walker must not use it');
  });

  test('walk order compares path segments: a directory "a" is walked before the file "a-b.yaml"', () => {
    assert.ok(compareWalkOrder('service/a/x.yaml', 'service/a-b.yaml') < 0);
    assert.ok(
      compareGoStrings('service/a/x.yaml', 'service/a-b.yaml') > 0,
      'a whole-string comparison would get it wrong',
    );
  });
});

describe('walkReleaseTree on real folders', () => {
  test('walks depth-first in Go byte order, entering only whitelisted folders, and loads root-level files', async () => {
    await withTree(
      {
        '.github/workflows/release-lint.yaml': 'x',
        '.hidden.yaml': ENTRY,
        'README.md': '# releases',
        'Service/x.yaml': ENTRY,
        'foo/infrastructure/x.yaml': ENTRY,
        'infrastructure/infrastructure.yaml': ENTRY,
        'infrastructure-old/old.yaml': ENTRY,
        'other/x.yaml': ENTRY,
        'root.yaml': ENTRY,
        'service/B.yaml': ENTRY,
        'service/a/x.yaml': ENTRY,
        'service/a-b.yaml': ENTRY,
        'service/a.b.yaml': ENTRY,
        'service/a.yaml': ENTRY,
        'service/nested/deep/x.yaml': ENTRY,
        'service/.old/x.yaml': ENTRY,
        'service/notes.txt': 'x',
        'service/x.yml': ENTRY,
        'service.bak/x.yaml': ENTRY,
        'service.yaml': ENTRY,
        'servicefoo/x.yaml': ENTRY,
        'services/x.yaml': ENTRY,
        'empty-service-dir/': '',
      },
      async (root) => {
        const walked = await walkReleaseTree(root);
        assert.deepEqual(
          walked.map((file) => file.relativePath),
          [
            '.hidden.yaml',
            'infrastructure/infrastructure.yaml',
            'infrastructure-old/old.yaml',
            'root.yaml',
            'service/.old/x.yaml',
            'service/B.yaml',
            'service/a/x.yaml',
            'service/a-b.yaml',
            'service/a.b.yaml',
            'service/a.yaml',
            'service/nested/deep/x.yaml',
            'service.bak/x.yaml',
            'service.yaml',
            'servicefoo/x.yaml',
            'services/x.yaml',
          ],
        );
        const withIgnored = await walkReleaseTree(root, { includeIgnored: true });
        assert.deepEqual(
          withIgnored.filter((file) => !file.class.loadedByKayron).map((file) => file.relativePath),
          ['service/x.yml'],
        );
      },
    );
  });

  test('a directory named "service.yaml/" is walked (prefix quirk) and a sibling file of the same stem is ordered by bytes', async () => {
    await withTree(
      { 'service.yaml/x.yaml': ENTRY, 'service.yaml.d/y.yaml': ENTRY, 'service/z.yaml': ENTRY },
      async (root) => {
        const walked = await walkReleaseTree(root);
        assert.deepEqual(
          walked.map((file) => file.relativePath),
          ['service/z.yaml', 'service.yaml/x.yaml', 'service.yaml.d/y.yaml'],
        );
      },
    );
  });

  test('sorts non-ASCII names by UTF-8 bytes', async () => {
    await withTree(
      { 'service/\u{1f600}.yaml': ENTRY, 'service/\ufb00.yaml': ENTRY, 'service/z.yaml': ENTRY },
      async (root) => {
        const walked = await walkReleaseTree(root);
        assert.deepEqual(
          walked.map((file) => file.relativePath),
          ['service/z.yaml', 'service/\ufb00.yaml', 'service/\u{1f600}.yaml'],
        );
      },
    );
  });

  test('Lstat semantics: a symlinked directory is not entered; a symlinked .yaml file is read through the link', async () => {
    await withTree(
      {
        'elsewhere/inner.yaml': ENTRY,
        'shared/target.yaml': ENTRY,
        'service/linked-dir': { symlinkTo: '../elsewhere' },
        'service/linked-file.yaml': { symlinkTo: '../shared/target.yaml' },
        servicefoo: { symlinkTo: 'elsewhere' },
      },
      async (root) => {
        const walked = await walkReleaseTree(root);
        assert.deepEqual(
          walked.map((file) => file.relativePath),
          ['service/linked-file.yaml'],
        );
        const result = await lintTree(root);
        assert.equal(result.kayronVerdict, undefined);
        assert.equal(result.entryCount, 1, 'the linked file is read through the link');
      },
    );
  });

  test('a symlinked directory whose name ends in .yaml goes through the extension check like a file (§1.2)', async () => {
    await withTree(
      { 'elsewhere/inner.yaml': ENTRY, 'service/dir-link.yaml': { symlinkTo: '../elsewhere' } },
      async (root) => {
        const walked = await walkReleaseTree(root);
        assert.deepEqual(
          walked.map((file) => file.relativePath),
          ['service/dir-link.yaml'],
        );
      },
    );
  });

  test('when service/ itself is a symlink, nothing below it is loaded', async () => {
    await withTree({ 'real/x.yaml': ENTRY, service: { symlinkTo: 'real' } }, async (root) => {
      assert.deepEqual(await walkReleaseTree(root), []);
    });
  });

  test('maxFiles stops the walk early', async () => {
    await withTree({ 'service/a.yaml': ENTRY, 'service/b.yaml': ENTRY, 'service/c.yaml': ENTRY }, async (root) => {
      assert.deepEqual(
        (await walkReleaseTree(root, { maxFiles: 2 })).map((file) => file.relativePath),
        ['service/a.yaml', 'service/b.yaml'],
      );
    });
  });
});

describe("loader cases of Kayron's loader_test.go (§6.1), linted with the whitelist", () => {
  const case001 = {
    'infrastructure/infrastructure.yaml':
      '- github: "infrastructure"\n  provider: "cloudformation"\n  deploy:\n    release: "v1.13.0"\n',
    'service/foobar.yaml': '- docker: "splits"\n  github: "server"\n',
    'service/kayron.yaml': '- docker: "kayron"\n  github: "kayron"\n  deploy:\n    release: "v1.8.2"\n',
    'service/server.yaml': '- docker: "server"\n  github: "server"\n  deploy:\n    branch: "feature"\n',
    'service/specta.yaml': '- docker: "specta"\n  github: "specta"\n  deploy:\n    suspend: true\n',
  };

  test('000: an empty folder gives the at-least-one error', async () => {
    await withTree({}, async (root) => {
      const result = await lintTree(root);
      assert.equal(result.entryCount, 0);
      assert.equal(result.kayronVerdict?.problem.code, 'no-release-definitions');
      assertStartsWith(result.kayronVerdict.problem.message, KAYRON_MESSAGES['no-release-definitions']);
    });
  });

  test('001: five files load in walk order, each at block 0; the verdict is deploy-empty at service/foobar.yaml index 0', async () => {
    await withTree(case001, async (root) => {
      const result = await lintTree(root);
      assert.deepEqual(
        result.files.map((file) => [file.relativePath, file.analysis.decoded?.entries.map((entry) => entry.index)]),
        [
          ['infrastructure/infrastructure.yaml', [0]],
          ['service/foobar.yaml', [0]],
          ['service/kayron.yaml', [0]],
          ['service/server.yaml', [0]],
          ['service/specta.yaml', [0]],
        ],
      );
      assert.equal(result.entryCount, 5);
      assert.equal(result.kayronVerdict?.relativePath, 'service/foobar.yaml');
      assert.equal(result.kayronVerdict.problem.code, 'deploy-missing');
      assertStartsWith(result.kayronVerdict.problem.message, KAYRON_MESSAGES['deploy-missing']);
    });
  });

  test('002: the same entries under bar/, baz/, foo/ are skipped by the whitelist → at-least-one error', async () => {
    await withTree(
      {
        'bar/foobar.yaml': case001['service/foobar.yaml'],
        'bar/testing.yaml': case001['service/server.yaml'],
        'baz/kayron.yaml': case001['service/kayron.yaml'],
        'baz/specta.yaml': case001['service/specta.yaml'],
        'foo/infrastructure.yaml': case001['infrastructure/infrastructure.yaml'],
      },
      async (root) => {
        const result = await lintTree(root);
        assert.deepEqual(result.files, []);
        assert.equal(result.entryCount, 0);
        assert.equal(result.kayronVerdict?.problem.code, 'no-release-definitions');
      },
    );
  });

  test('003: a root that does not exist fails with ENOENT (Kayron: lstat … no such file or directory)', async () => {
    await withTree({}, async (root) => {
      await assert.rejects(
        walkReleaseTree(`${root}/environment`),
        (error: NodeJS.ErrnoException) => error.code === 'ENOENT',
      );
    });
  });

  test('004: case 001 plus .github/, README.md and bar/ loads the same five entries with the same verdict', async () => {
    await withTree(
      {
        ...case001,
        '.github/workflows/a.yaml': '',
        '.github/workflows/b.yaml': '',
        'README.md': '# releases\n',
        'bar/foobar.yaml': case001['service/foobar.yaml'],
        'bar/testing.yaml': '- docker: [broken\n',
      },
      async (root) => {
        const result = await lintTree(root);
        assert.deepEqual(
          result.files.map((file) => file.relativePath),
          Object.keys(case001),
        );
        assert.equal(result.entryCount, 5);
        assert.equal(result.kayronVerdict?.relativePath, 'service/foobar.yaml');
        assert.equal(result.kayronVerdict.problem.code, 'deploy-missing');
      },
    );
  });
});
