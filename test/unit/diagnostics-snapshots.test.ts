/**
 * Diagnostics snapshots: each folder of test/fixtures/diagnostics is a small releases tree; lintTree's findings are
 * compared with its expected.json. Regenerate after an intended change with UPDATE_SNAPSHOTS=1 and review the diff.
 */
import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { lintTree, type TreeLintResult } from '../../server/src/features/lint-tree';
import { toLspRange } from '../helpers/cursor';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'diagnostics');
const UPDATE = process.env.UPDATE_SNAPSHOTS === '1';

interface SnapshotDiagnostic {
  file: string;
  /** 0-based [[startLine, startCharacter], [endLine, endCharacter]] in UTF-16 code units, as LSP reports them. */
  range: [[number, number], [number, number]];
  code: string;
  severity: string;
  /** The one problem `kayron lint` would print. */
  kayron: boolean;
  message: string;
}

interface Snapshot {
  verdict: { file: string; code: string } | null;
  entryCount: number;
  diagnostics: SnapshotDiagnostic[];
}

function snapshotOf(result: TreeLintResult): Snapshot {
  const texts = new Map(result.files.map((file) => [file.relativePath, file.text]));
  const diagnostics: SnapshotDiagnostic[] = [];
  for (const [file, problems] of result.problems) {
    for (const problem of problems) {
      const range = toLspRange(texts.get(file) ?? '', problem.range);
      diagnostics.push({
        file,
        range: [
          [range.line, range.character],
          [range.endLine, range.endCharacter],
        ],
        code: problem.code,
        severity: problem.severity,
        kayron: result.kayronVerdict?.problem === problem,
        message: problem.message,
      });
    }
  }
  return {
    verdict: result.kayronVerdict
      ? { file: result.kayronVerdict.relativePath, code: result.kayronVerdict.problem.code }
      : null,
    entryCount: result.entryCount,
    diagnostics,
  };
}

const cases = readdirSync(FIXTURES)
  .filter((name) => statSync(path.join(FIXTURES, name)).isDirectory())
  .sort();

test('there are 10–20 diagnostics fixtures', () => {
  assert.ok(cases.length >= 10 && cases.length <= 20, `${cases.length} fixtures`);
});

for (const name of cases) {
  test(`diagnostics of ${name} match expected.json`, async () => {
    const folder = path.join(FIXTURES, name);
    const expectedFile = path.join(folder, 'expected.json');
    const actual = snapshotOf(await lintTree(folder));
    if (UPDATE) {
      writeFileSync(expectedFile, `${JSON.stringify(actual, null, 2)}\n`);
      return;
    }
    assert.ok(existsSync(expectedFile), `${expectedFile} is missing: run with UPDATE_SNAPSHOTS=1 to create it`);
    assert.deepEqual(actual, JSON.parse(readFileSync(expectedFile, 'utf8')) as Snapshot);
    assert.ok(
      actual.diagnostics.filter((diagnostic) => diagnostic.kayron).length <= 1,
      'at most one diagnostic is the Kayron verdict',
    );
  });
}
