/**
 * The real history of 0xSplits/releases (kayron-spec §7, corpus INDEX.md): every commit's tree is rebuilt from the
 * saved file versions and linted, once as the releases CI sees it (only infrastructure/ and service/ mounted) and once
 * as the operator sees it (the whole tree from `.`, root-level *.yaml included). Kayron's verdicts in the INDEX were
 * produced by running Kayron itself, so every row must agree; a disagreement is a bug in the core, never in the INDEX.
 */
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { lintTree } from '../../server/src/features/lint-tree';
import { assertStartsWith } from '../helpers/cursor';
import { removeTree, makeTree, type TreeSpec } from '../helpers/tree';

const CORPUS =
  process.env.KAYRON_CORPUS ?? path.resolve(__dirname, '..', '..', '..', 'shared', 'corpus', 'releases-history');
const INDEX = path.join(CORPUS, 'INDEX.md');

interface CommitRow {
  commit: string;
  subject: string;
  infrastructure: string;
  service: string;
  rootFiles: { path: string; folder: string }[];
  lintCi: string;
  lintRoot: string;
}

interface SavedRow {
  folder: string;
  files: string[];
  lintHead: string;
}

function cells(line: string): string[] {
  return line
    .split('|')
    .slice(1, -1)
    .map((cell) => cell.trim());
}

const unquote = (cell: string): string => cell.replace(/^`|`$/g, '');

function tableRows(markdown: string, heading: string): string[] {
  const start = markdown.indexOf(heading);
  assert.ok(start >= 0, `INDEX.md has the section ${JSON.stringify(heading)}`);
  const next = markdown.indexOf('\n## ', start + heading.length);
  const section = markdown.slice(start, next < 0 ? undefined : next);
  return section.split('\n').filter((line) => line.startsWith('| `'));
}

function readIndex(): { commits: CommitRow[]; saved: SavedRow[] } {
  assert.ok(existsSync(INDEX), `the corpus index exists at ${INDEX} (set KAYRON_CORPUS to point elsewhere)`);
  const markdown = readFileSync(INDEX, 'utf8');
  const commits = tableRows(markdown, '## Every commit').map((line): CommitRow => {
    const row = cells(line);
    assert.equal(row.length, 9, `commit row has 9 columns: ${line}`);
    const [commit = '', , subject = '', , infrastructure = '', service = '', root = '', lintCi = '', lintRoot = ''] =
      row;
    const rootFiles =
      root === '-'
        ? []
        : root.split(',').map((item) => {
            const [file = '', folder = ''] = item.trim().split('@');
            return { path: file, folder };
          });
    return { commit: unquote(commit), subject, infrastructure, service, rootFiles, lintCi, lintRoot };
  });
  // The last column ("lint day") quotes goccy excerpts that contain `|`, so only the leading columns are split.
  const saved = tableRows(markdown, '## Saved versions').map((line): SavedRow => {
    const row = cells(line);
    const folder = unquote(row[0] ?? '');
    const files = (row[4] ?? '').split('<br>').map((file) => file.trim());
    return { folder, files, lintHead: row[9] ?? '' };
  });
  return { commits, saved };
}

function savedFile(folder: string, relativePath: string): string {
  const file = path.join(CORPUS, folder, relativePath);
  assert.ok(existsSync(file), `saved version ${folder}/${relativePath} exists`);
  return readFileSync(file, 'utf8');
}

function folderTree(row: CommitRow): TreeSpec {
  const spec: TreeSpec = {};
  if (row.infrastructure !== '-')
    spec['infrastructure/infrastructure.yaml'] = savedFile(row.infrastructure, 'infrastructure/infrastructure.yaml');
  if (row.service !== '-') spec['service/service.yaml'] = savedFile(row.service, 'service/service.yaml');
  return spec;
}

function fullTree(row: CommitRow): TreeSpec {
  const spec = folderTree(row);
  for (const file of row.rootFiles) spec[file.path] = savedFile(file.folder, file.path);
  return spec;
}

async function assertVerdict(spec: TreeSpec, expected: string, what: string): Promise<void> {
  const root = makeTree(spec, 'kayron-corpus-');
  try {
    const result = await lintTree(root);
    const ok = /^OK\((\d+)\)$/.exec(expected);
    if (ok) {
      assert.equal(
        result.kayronVerdict,
        undefined,
        `${what}: Kayron accepts it, but the core reports ${JSON.stringify(result.kayronVerdict?.problem.message)} in ${result.kayronVerdict?.relativePath}`,
      );
      assert.equal(result.entryCount, Number(ok[1]), `${what}: entry count`);
      return;
    }
    const reject = /^REJECT: (.+)$/.exec(expected);
    assert.ok(reject, `${what}: unknown verdict notation ${JSON.stringify(expected)}`);
    assert.ok(result.kayronVerdict, `${what}: Kayron rejects it (${expected}), but the core accepts it`);
    assertStartsWith(result.kayronVerdict.problem.message, reject[1] ?? '', `${what}: verdict message`);
  } finally {
    removeTree(root);
  }
}

const index = readIndex();

describe('corpus INDEX.md itself', () => {
  test('lists 218 commits and 112 saved-version folders, and every folder exists', () => {
    assert.equal(index.commits.length, 218);
    assert.equal(index.saved.length, 112);
    for (const row of index.saved) {
      for (const file of row.files) assert.ok(existsSync(path.join(CORPUS, row.folder, file)), `${row.folder}/${file}`);
    }
  });

  test('every commit that references a saved version names an existing folder', () => {
    const folders = new Set(index.saved.map((row) => row.folder));
    for (const row of index.commits) {
      for (const folder of [row.infrastructure, row.service, ...row.rootFiles.map((file) => file.folder)]) {
        if (folder !== '-') assert.ok(folders.has(folder), `${row.commit} references ${folder}`);
      }
    }
  });
});

describe('every commit of the releases repository, linted as the releases CI does (infrastructure/ + service/ only)', () => {
  for (const row of index.commits) {
    test(
      `${row.commit} ${row.subject} → ${row.lintCi}`,
      { skip: row.lintCi === 'n/a' ? 'n/a in the INDEX' : false },
      async () => {
        await assertVerdict(folderTree(row), row.lintCi, `${row.commit} (CI)`);
      },
    );
  }
});

describe('every commit of the releases repository, linted from the repo root as the operator does (root-level *.yaml included)', () => {
  for (const row of index.commits) {
    test(
      `${row.commit} ${row.subject} → ${row.lintRoot}`,
      { skip: row.lintRoot === 'n/a' ? 'n/a in the INDEX' : false },
      async () => {
        await assertVerdict(fullTree(row), row.lintRoot, `${row.commit} (root)`);
      },
    );
  }
});

describe('the saved-versions table agrees with the commit table and with the core', () => {
  const byCommit = new Map(index.commits.map((row) => [row.commit, row]));
  for (const saved of index.saved) {
    test(`${saved.folder}: lint HEAD ${saved.lintHead}`, async () => {
      const commit = byCommit.get(saved.folder);
      assert.ok(commit, `the folder ${saved.folder} is named after a commit of the commit table`);
      // The folder holds the versions first seen in that commit, so the commit's tree carries each of them.
      for (const file of saved.files) {
        const carried =
          (file === 'infrastructure/infrastructure.yaml' && commit.infrastructure === saved.folder) ||
          (file === 'service/service.yaml' && commit.service === saved.folder) ||
          commit.rootFiles.some((root) => root.path === file && root.folder === saved.folder);
        assert.ok(carried, `${saved.folder}'s own commit carries ${file}@${saved.folder}`);
      }
      assert.equal(saved.lintHead, commit.lintCi, 'the saved-version verdict is the CI verdict of its first commit');
      if (saved.lintHead !== 'n/a')
        await assertVerdict(folderTree(commit), saved.lintHead, `${saved.folder} (saved version)`);
    });
  }
});
