/**
 * Deferred analysis of large release files. The worker's plain-data result, adopted on the server, must equal the
 * full analysis and keep the item cache of the analysis it replaces; `analyzeInSlices` must equal the full analysis
 * however often it yields, refuse texts it cannot split, stop when told the text is stale, and reuse the items of a
 * previous analysis without spoiling it; `analyzeIncrementallyOrDefer` defers exactly what its limits call too big;
 * `ReleaseWorkspace` slices what it can, asks the analyzer only for the rest, keeps the last analysed text meanwhile
 * and installs only results for the newest text; `WorkerAnalyzer` gives the same results from the built worker script,
 * long arrays included.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { analyzeReleaseFile, type FileAnalysis } from '../../server/src/features/validate';
import {
  adoptTransferred,
  analyzeForTransfer,
  analyzeIncrementallyOrDefer,
  analyzeInSlices,
  INCREMENTAL_MIN_LENGTH,
  type DeferLimits,
  type SliceOptions,
  type TransferredAnalysis,
} from '../../server/src/features/incremental-analysis';
import {
  analyzeWithoutBlocking,
  DEFAULT_DEFER_LIMITS,
  defaultAnalyzer,
  InlineAnalyzer,
  largeArrays,
  TRANSFER_CHUNK,
  WorkerAnalyzer,
  type Analyzer,
  type PartName,
} from '../../server/src/workspace/analysis-pool';
import { ReleaseWorkspace } from '../../server/src/workspace/release-workspace';
import { generateReleaseFile, INFRASTRUCTURE_ENTRY } from '../bench/release-files';
import { projectAnalysis } from '../helpers/analysis-projection';
import { CORPUS_DIR, corpusYamlFiles } from '../helpers/corpus-files';

const CORPUS = CORPUS_DIR;
const WORKER_SCRIPT = path.resolve(__dirname, '../../dist/analysis-worker.js');
const SERVICE = 'service/service.yaml';

/** Analyses nothing deferred: what the synchronous server and the CLI do. */
const NEVER_DEFER: DeferLimits = { wholeTextLength: Infinity, changedLength: Infinity };

const corpusFiles = corpusYamlFiles;

/** Every saved corpus version as [file, path in its repository, text]; the first folder level is the commit. */
function corpusCases(): [string, string, string][] {
  const files = corpusFiles(CORPUS);
  assert.ok(files.length >= 100, `expected the releases-history corpus, found ${files.length} files`);
  return files.map((file) => [
    file,
    path.relative(CORPUS, file).split(path.sep).slice(1).join('/'),
    readFileSync(file, 'utf8'),
  ]);
}

const project = projectAnalysis;

const full = (relativePath: string, text: string) => project(analyzeReleaseFile(relativePath, text));

/** What the server gets back from the worker: the result after a structured clone (postMessage clones the same way). */
function transferred(relativePath: string, text: string): TransferredAnalysis {
  const result = analyzeForTransfer(relativePath, text);
  assert.ok(
    !result.analysis.decoded || !('document' in result.analysis.decoded || 'lineCounter' in result.analysis.decoded),
    'no YAML tree or line counter crosses the thread',
  );
  const cloned = structuredClone(result);
  // Plain data only: a getter, a class instance or a function would be lost or refused by the clone.
  assert.deepEqual(cloned, result, `${relativePath}: the transferred result survives structured cloning unchanged`);
  return cloned;
}

function assertAdoptedEqualsFull(label: string, relativePath: string, text: string): FileAnalysis {
  const adopted = adoptTransferred(transferred(relativePath, text));
  assert.deepEqual(project(adopted), full(relativePath, text), label);
  return adopted;
}

/** `analyzeInSlices` that must give an analysis (not undefined, not 'stale'). */
async function sliced(
  relativePath: string,
  text: string,
  previous?: FileAnalysis,
  options?: SliceOptions,
): Promise<FileAnalysis> {
  const result = await analyzeInSlices(relativePath, text, previous, options);
  assert.ok(
    result && result !== 'stale',
    `${relativePath}: expected an analysis from analyzeInSlices, got ${result === 'stale' ? 'stale' : 'undefined'}`,
  );
  return result;
}

const splice = (text: string, at: number, remove: number, insert: string) =>
  text.slice(0, at) + insert + text.slice(at + remove);

/** Offset just after `release: "` of the last entry that has a release tag. */
const lastTagOffset = (text: string) => text.lastIndexOf('release: "v') + 'release: "'.length;
/** Offset just after `release: "` of the first entry that has a release tag. */
const firstTagOffset = (text: string) => text.indexOf('release: "v') + 'release: "'.length;

/** Duplicate keys and type errors: decode problems whose positions, messages and data move with their item. */
const DECODE_PROBLEMS = '- docker: [1]\n  github: "a"\n  github: "b"\n  deploy:\n    release: "v1.0.0"\n';

/** Texts only a whole-file parse describes exactly (the generated ones are large enough to be deferred). */
function unsplittableTexts(): [string, string, string][] {
  const large = generateReleaseFile(500, { problemRate: 0.2, seed: 35 });
  assert.ok(large.length >= DEFAULT_DEFER_LIMITS.wholeTextLength);
  return [
    ['a YAML syntax error', SERVICE, splice(large, lastTagOffset(large), 0, '"')],
    [
      'anchors and a merge key',
      SERVICE,
      `- &base\n  docker: "a"\n  github: "a"\n  deploy:\n    release: "v1.0.0"\n- <<: *base\n  docker: "b"\n${large}`,
    ],
    ['an alias of a missing anchor', SERVICE, `${large}- docker: "x"\n  github: *missing\n`],
    ['an ignored .yml file', 'service/service.yml', large],
    ['a file outside the release folders', 'docs/service.yaml', large],
    ['an empty file', SERVICE, ''],
    ['only comments', SERVICE, '# nothing released yet\n\n# really nothing\n'],
    ['a top-level mapping', SERVICE, `key: value\n${large.replace(/^-/gm, '  -')}`],
    ['a second document', SERVICE, `${large}---\n- docker: "z"\n`],
    [
      'a flow sequence',
      SERVICE,
      `[{docker: "a", github: "a"}, {docker: "b", github: "b"}]\n${'# padding\n'.repeat(4000)}`,
    ],
    ['indented content before the first item', SERVICE, `  - docker: "indented"\n${large}`],
    ['a byte-order mark', SERVICE, `\ufeff${large}`],
    ['a tab in a comment', SERVICE, `${large}#\tcomment\n`],
    ['a lone carriage return', SERVICE, splice(large, large.indexOf('\n', large.indexOf('- docker:')), 1, '\r')],
  ];
}

describe('a transferred analysis, adopted, equals the full analysis', () => {
  test('every corpus file', () => {
    for (const [file, relativePath, text] of corpusCases()) assertAdoptedEqualsFull(file, relativePath, text);
  });

  test('generated 1,000-entry files with problems', () => {
    const texts: [string, string][] = [
      [SERVICE, generateReleaseFile(1000, { problemRate: 0.2, seed: 31 })],
      [
        'infrastructure/infrastructure.yaml',
        generateReleaseFile(1000, { infrastructure: true, problemRate: 0.3, seed: 32 }),
      ],
      ['service/crlf.yaml', generateReleaseFile(1000, { problemRate: 0.2, seed: 33 }).replace(/\n/g, '\r\n')],
      ['service/decode.yaml', `${generateReleaseFile(1000, { problemRate: 0.2, seed: 34 })}${DECODE_PROBLEMS}`],
    ];
    for (const [relativePath, text] of texts) {
      const adopted = assertAdoptedEqualsFull(relativePath, relativePath, text);
      assert.ok(
        adopted.kayronProblems.length + adopted.extraProblems.length > 0,
        `${relativePath} has problems to compare`,
      );
    }
  });

  test('texts only a whole-file parse describes (syntax error, anchors, other paths, several documents...)', () => {
    for (const [label, relativePath, text] of unsplittableTexts()) {
      if (label === 'a byte-order mark') continue; // Its line starts differ on purpose: see the next test.
      assertAdoptedEqualsFull(label, relativePath, text);
    }
  });

  test('a file with a byte-order mark: the same analysis, and line starts although the full analysis parsed nothing', () => {
    const text = `\ufeff${generateReleaseFile(100, { problemRate: 0.2, seed: 37 })}`;
    const adopted = project(adoptTransferred(transferred(SERVICE, text)));
    const whole = full(SERVICE, text);
    // analyzeReleaseFile rejects a BOM before parsing and so records no line starts; the adopted counter has them.
    assert.deepEqual(whole.decoded?.lineStarts, []);
    assert.deepEqual(adopted.decoded?.lineStarts, [
      0,
      ...[...text.matchAll(/\n/g)].map((match) => (match.index ?? 0) + 1),
    ]);
    assert.ok(whole.decoded && whole.kayronProblems.length > 0, 'the BOM is reported');
    assert.deepEqual({ ...adopted, decoded: { ...adopted.decoded, lineStarts: [] } }, whole);
  });

  test('the adopted line counter and tree answer like the full analysis', () => {
    const large = generateReleaseFile(200, { problemRate: 0.2, seed: 36 });
    const texts = [
      large,
      splice(large, lastTagOffset(large), 0, '"'),
      large.replace(/\n/g, '\r\n'),
      `${large}- &a {docker: "x"}\n- *a\n`,
      `${large}---\n- docker: "z"\n`,
    ];
    for (const text of texts) {
      const whole = analyzeReleaseFile(SERVICE, text);
      const adopted = adoptTransferred(transferred(SERVICE, text));
      const offsets = [
        0,
        1,
        text.indexOf('\n'),
        text.indexOf('\n') + 1,
        Math.floor(text.length / 2),
        text.length - 1,
        text.length,
      ];
      for (const offset of offsets) {
        assert.deepEqual(
          adopted.decoded?.lineCounter.linePos(offset),
          whole.decoded?.lineCounter.linePos(offset),
          `linePos(${offset})`,
        );
      }
      assert.equal(
        adopted.decoded?.document === undefined,
        whole.decoded?.document === undefined,
        'a tree exactly when the full analysis has one',
      );
      assert.deepEqual(adopted.decoded?.document?.toJS(), whole.decoded?.document?.toJS());
    }
  });
});

describe('edits after an adopted analysis', () => {
  const relativePath = SERVICE;
  const textA = generateReleaseFile(1000, { problemRate: 0.2, seed: 41 });
  /** A quote too many in the last tag: a syntax error, so only the worker's whole-file parse describes it. */
  const textB = splice(textA, lastTagOffset(textA), 0, '"');
  /** The quote removed again and the first tag changed: neither A nor B, but close to A. */
  const textC = splice(textA, firstTagOffset(textA), 1, 'x');

  test('the texts are large enough that the default limits defer them without an item cache', () => {
    assert.ok(textA.length >= DEFAULT_DEFER_LIMITS.wholeTextLength);
    for (const text of [textA, textB, textC])
      assert.equal(analyzeIncrementallyOrDefer(relativePath, text, undefined, DEFAULT_DEFER_LIMITS), undefined);
  });

  test('a whole-file result adopted in place of a sliced analysis keeps its items, so the edit that fixes it is incremental', async () => {
    const slicedA = await sliced(relativePath, textA);
    const entriesA = [...(slicedA.decoded?.entries ?? [])];
    // The broken text cannot be split, and a whole-file parse of it is too big for the event loop.
    assert.equal(analyzeIncrementallyOrDefer(relativePath, textB, slicedA, DEFAULT_DEFER_LIMITS), undefined);
    assert.equal(await analyzeInSlices(relativePath, textB, slicedA), undefined);
    const adoptedB = adoptTransferred(transferred(relativePath, textB), slicedA);
    assert.deepEqual(project(adoptedB), full(relativePath, textB));
    assert.ok(adoptedB.kayronProblems.some((problem) => problem.code === 'yaml-syntax'));

    const analysisC = analyzeIncrementallyOrDefer(relativePath, textC, adoptedB, DEFAULT_DEFER_LIMITS);
    assert.ok(analysisC, 'the fixing edit is analysed on the spot');
    assert.deepEqual(project(analysisC), full(relativePath, textC));
    const entriesC = analysisC.decoded?.entries ?? [];
    assert.equal(entriesC.length, entriesA.length);
    assert.ok(
      entriesC.slice(-10).every((entry, index) => entry === entriesA[entriesA.length - 10 + index]),
      "the sliced analysis's entries were reused",
    );
  });

  test('adopted without a previous analysis there are no items to build on', () => {
    const adoptedB = adoptTransferred(transferred(relativePath, textB));
    assert.equal(analyzeIncrementallyOrDefer(relativePath, textC, adoptedB, DEFAULT_DEFER_LIMITS), undefined);
    const analysis = analyzeIncrementallyOrDefer(relativePath, textC, adoptedB, NEVER_DEFER);
    assert.ok(analysis);
    assert.deepEqual(project(analysis), full(relativePath, textC));
  });

  test('the items of a previous analysis of another path are not kept', async () => {
    const slicedA = await sliced(relativePath, textA);
    const other = 'service/other.yaml';
    const adoptedOther = adoptTransferred(transferred(other, textB), slicedA);
    assert.deepEqual(project(adoptedOther), full(other, textB));
    assert.equal(analyzeIncrementallyOrDefer(other, textC, adoptedOther, DEFAULT_DEFER_LIMITS), undefined);
    assert.equal(analyzeIncrementallyOrDefer(other, textC, slicedA, DEFAULT_DEFER_LIMITS), undefined);
  });

  test('the items of a previous analysis that an edit already moved on are not kept', async () => {
    const slicedA = await sliced(relativePath, textA);
    // An edit near the top moves every later item in place: slicedA's items no longer describe textA.
    const moved = analyzeIncrementallyOrDefer(
      relativePath,
      `# moved down one line\n${textA}`,
      slicedA,
      DEFAULT_DEFER_LIMITS,
    );
    assert.ok(moved);
    const adoptedB = adoptTransferred(transferred(relativePath, textB), slicedA);
    assert.deepEqual(project(adoptedB), full(relativePath, textB));
    assert.equal(analyzeIncrementallyOrDefer(relativePath, textC, adoptedB, DEFAULT_DEFER_LIMITS), undefined);
    const analysis = analyzeIncrementallyOrDefer(relativePath, textC, adoptedB, NEVER_DEFER);
    assert.ok(analysis);
    assert.deepEqual(project(analysis), full(relativePath, textC));
  });
});

describe('analyzeInSlices', () => {
  const relativePath = SERVICE;
  const textA = generateReleaseFile(1000, { problemRate: 0.2, seed: 81 });

  test('every corpus file is split and equals the full analysis', async () => {
    for (const [file, corpusPath, text] of corpusCases()) {
      assert.deepEqual(
        project(await sliced(corpusPath, text, undefined, { budgetMs: 0 })),
        full(corpusPath, text),
        file,
      );
    }
  });

  test('generated 1,000- and 3,000-entry files equal the full analysis', async () => {
    const texts: [string, string][] = [
      [SERVICE, textA],
      [
        'infrastructure/infrastructure.yaml',
        generateReleaseFile(1000, { infrastructure: true, problemRate: 0.3, seed: 82 }),
      ],
      ['service/crlf.yaml', generateReleaseFile(1000, { problemRate: 0.2, seed: 83 }).replace(/\n/g, '\r\n')],
      [
        'service/decode.yaml',
        `${DECODE_PROBLEMS}${generateReleaseFile(1000, { problemRate: 0.2, seed: 84 })}${DECODE_PROBLEMS}`,
      ],
      // A root-level file carries a path warning (not linted by CI) once per file, not once per item.
      ['releases.yaml', generateReleaseFile(1000, { problemRate: 0.2, seed: 85 })],
      [SERVICE, generateReleaseFile(3000, { problemRate: 0.3, seed: 86 })],
      [
        'infrastructure/infrastructure.yaml',
        generateReleaseFile(3000, { infrastructure: true, problemRate: 0.2, seed: 87 }).replace(/\n/g, '\r\n'),
      ],
    ];
    for (const [corpusPath, text] of texts) {
      const analysis = await sliced(corpusPath, text);
      assert.deepEqual(project(analysis), full(corpusPath, text), corpusPath);
      assert.ok(
        analysis.kayronProblems.length > 0 && analysis.extraProblems.length > 0,
        `${corpusPath} has problems to compare`,
      );
      assert.ok((analysis.decoded?.entries.length ?? 0) >= 1000);
    }
  });

  test('with no time budget it yields before every item, lets the event loop run, and gives the same result', async () => {
    const entries = analyzeReleaseFile(relativePath, textA).decoded?.entries.length ?? 0;
    let staleChecks = 0;
    let turns = 0;
    let running = true;
    const tick = () => {
      turns++;
      if (running) setImmediate(tick);
    };
    setImmediate(tick);
    const analysis = await sliced(relativePath, textA, undefined, {
      budgetMs: 0,
      isStale: () => {
        staleChecks++;
        return false;
      },
    });
    running = false;
    assert.ok(staleChecks >= entries, `asked ${staleChecks} times whether the text is stale, for ${entries} entries`);
    assert.ok(turns >= entries / 2, `other work ran in ${turns} turns of the event loop meanwhile`);
    assert.deepEqual(project(analysis), full(relativePath, textA));
  });

  test('resolves to undefined for texts it cannot split', async () => {
    for (const [label, textPath, text] of unsplittableTexts()) {
      assert.equal(await analyzeInSlices(textPath, text, undefined, { budgetMs: 0 }), undefined, label);
    }
  });

  test("resolves to 'stale' as soon as isStale says so, and asks no further", async () => {
    for (const staleAt of [1, 10]) {
      let checks = 0;
      const result = await analyzeInSlices(relativePath, textA, undefined, {
        budgetMs: 0,
        isStale: () => ++checks >= staleAt,
      });
      assert.equal(result, 'stale', `stale at check ${staleAt}`);
      assert.equal(checks, staleAt);
    }
  });

  test('with a previous analysis of the same text the result is the same', async () => {
    const previous = await sliced(relativePath, textA);
    const again = await sliced(relativePath, textA, previous, { budgetMs: 0 });
    assert.deepEqual(project(again), full(relativePath, textA));
    assert.deepEqual(project(previous), project(again));
  });

  test('copies the items whose text the previous analysis already analysed, leaving the previous analysis as it was', async () => {
    const previous = await sliced(relativePath, textA);
    const snapshot = structuredClone(project(previous));
    // A mark on every entry of the previous analysis: copies of its items carry it (entries are copied with a
    // spread), items analysed afresh do not.
    const mark = Symbol('from the previous analysis');
    for (const entry of previous.decoded?.entries ?? []) Object.assign(entry, { [mark]: true });
    const middle = textA.indexOf('- docker: "svc-500"');
    const edited = splice(textA, middle, 0, '- docker: "new"\n  github: "new"\n  deploy:\n    release: "1.0"\n');
    const analysis = await sliced(relativePath, edited, previous, { budgetMs: 0 });
    const entries = analysis.decoded?.entries ?? [];
    const marked = (entry: object) => mark in entry;
    assert.equal(entries.length, 1001);
    assert.ok(!marked(entries[500] as object), 'the new entry was analysed');
    // The insertion starts at an item's first line, so every old item keeps its text.
    assert.ok(entries.slice(0, 500).every(marked) && entries.slice(501).every(marked), 'every other entry was copied');
    const previousEntries = new Set<object>(previous.decoded?.entries);
    assert.ok(
      entries.every((entry) => !previousEntries.has(entry)),
      'copied, not shared',
    );
    for (const entry of entries) Reflect.deleteProperty(entry, mark);
    for (const entry of previous.decoded?.entries ?? []) Reflect.deleteProperty(entry, mark);
    assert.deepEqual(project(analysis), full(relativePath, edited));
    assert.deepEqual(project(previous), snapshot, 'the previous analysis is unchanged');
  });

  test('leaves the previous analysis usable: an edit from it afterwards is still incremental and exact', async () => {
    const previous = await sliced(relativePath, textA);
    const pasted = `${textA}${generateReleaseFile(300, { namePrefix: 'pasted', seed: 88 })}`;
    assert.deepEqual(project(await sliced(relativePath, pasted, previous)), full(relativePath, pasted));
    const edited = splice(textA, lastTagOffset(textA), 1, 'x');
    const analysis = analyzeIncrementallyOrDefer(relativePath, edited, previous, DEFAULT_DEFER_LIMITS);
    assert.ok(analysis, 'analysed on the spot from the item cache');
    assert.deepEqual(project(analysis), full(relativePath, edited));
  });

  test('an edit from a sliced result is incremental and reuses the unchanged entries', async () => {
    const analysisA = await sliced(relativePath, textA);
    const entriesA = [...(analysisA.decoded?.entries ?? [])];
    const tag = lastTagOffset(textA);
    const editedIndex = entriesA.findIndex((entry) => entry.range[0] <= tag && tag <= entry.range[1]);
    assert.ok(editedIndex >= 0);
    const edited = splice(textA, tag, 1, 'x');
    const next = analyzeIncrementallyOrDefer(relativePath, edited, analysisA, DEFAULT_DEFER_LIMITS);
    assert.ok(next, 'not deferred');
    assert.deepEqual(project(next), full(relativePath, edited));
    const entries = next.decoded?.entries ?? [];
    assert.equal(entries.length, entriesA.length);
    assert.notEqual(entries[editedIndex], entriesA[editedIndex]);
    assert.equal(
      entries.filter((entry, index) => index !== editedIndex && entry === entriesA[index]).length,
      entriesA.length - 1,
      'every entry but the edited one is the same object',
    );
  });

  test('a previous analysis that an edit moves on while slicing runs is no longer copied from, and the result stays exact', async () => {
    const previous = await sliced(relativePath, textA);
    const target = `${textA}${DECODE_PROBLEMS}`;
    let checks = 0;
    const result = await sliced(relativePath, target, previous, {
      budgetMs: 0,
      isStale: () => {
        // Half-way through, the workspace analyses an edit from the same previous analysis: its items move in place.
        if (++checks === 300)
          assert.ok(
            analyzeIncrementallyOrDefer(relativePath, `# one more line\n${textA}`, previous, DEFAULT_DEFER_LIMITS),
          );
        return false;
      },
    });
    assert.ok(checks > 300);
    assert.deepEqual(project(result), full(relativePath, target));
  });

  test('a previous analysis of another path is not copied from', async () => {
    const previous = await sliced('service/other.yaml', textA);
    const mark = Symbol('from the other file');
    for (const entry of previous.decoded?.entries ?? []) Object.assign(entry, { [mark]: true });
    const analysis = await sliced(relativePath, textA, previous);
    assert.ok((analysis.decoded?.entries ?? []).every((entry) => !(mark in entry)));
    assert.deepEqual(project(analysis), full(relativePath, textA));
  });
});

describe('analyzeIncrementallyOrDefer defers exactly what its limits call too big', () => {
  const relativePath = SERVICE;
  const text = generateReleaseFile(300, { problemRate: 0.2, seed: 51 });
  const defined = (analysis: FileAnalysis | undefined, label: string): FileAnalysis => {
    assert.ok(analysis, `${label}: expected an analysis, got a deferral`);
    return analysis;
  };

  test('a whole text at least wholeTextLength long without a cache', () => {
    assert.ok(text.length >= INCREMENTAL_MIN_LENGTH);
    assert.equal(
      analyzeIncrementallyOrDefer(relativePath, text, undefined, {
        wholeTextLength: text.length,
        changedLength: Infinity,
      }),
      undefined,
    );
    const analysis = defined(
      analyzeIncrementallyOrDefer(relativePath, text, undefined, {
        wholeTextLength: text.length + 1,
        changedLength: 0,
      }),
      'one character under the limit',
    );
    assert.deepEqual(project(analysis), full(relativePath, text));
  });

  test('a short text (analysed whole) at least wholeTextLength long', () => {
    const short = generateReleaseFile(10, { problemRate: 0.3, seed: 52 });
    assert.ok(short.length < INCREMENTAL_MIN_LENGTH);
    assert.equal(
      analyzeIncrementallyOrDefer(relativePath, short, undefined, {
        wholeTextLength: short.length,
        changedLength: Infinity,
      }),
      undefined,
    );
    assert.deepEqual(
      project(
        defined(
          analyzeIncrementallyOrDefer(relativePath, short, undefined, {
            wholeTextLength: short.length + 1,
            changedLength: 0,
          }),
          'short',
        ),
      ),
      full(relativePath, short),
    );
  });

  test('files Kayron does not load are analysed on the spot, however long', () => {
    for (const ignored of ['service/service.yml', 'docs/notes.yaml']) {
      const analysis = defined(
        analyzeIncrementallyOrDefer(ignored, text, undefined, { wholeTextLength: 1, changedLength: 1 }),
        ignored,
      );
      assert.deepEqual(project(analysis), full(ignored, text));
    }
  });

  test('a change at least changedLength long, with a cache', () => {
    // A comment appended to a line: neither its first nor its last character matches the text it borders, so the
    // changed span is exactly the inserted comment.
    const lineEnd = text.indexOf('\n', text.indexOf('- docker: "svc-150"'));
    const comment = ` # ${'pasted '.repeat(20)}!`;
    assert.notEqual(text[lineEnd], comment[0]);
    assert.notEqual(text[lineEnd - 1], comment.at(-1));
    const edited = splice(text, lineEnd, 0, comment);
    const withCache = () => defined(analyzeIncrementallyOrDefer(relativePath, text, undefined, NEVER_DEFER), 'initial');
    assert.equal(
      analyzeIncrementallyOrDefer(relativePath, edited, withCache(), {
        wholeTextLength: Infinity,
        changedLength: comment.length,
      }),
      undefined,
    );
    const analysis = defined(
      analyzeIncrementallyOrDefer(relativePath, edited, withCache(), {
        wholeTextLength: 1,
        changedLength: comment.length + 1,
      }),
      'one character under',
    );
    assert.deepEqual(project(analysis), full(relativePath, edited));
  });

  test('a syntax error in a large file needs a whole-file parse, which is deferred', () => {
    const broken = splice(text, lastTagOffset(text), 0, '"');
    const withCache = () => defined(analyzeIncrementallyOrDefer(relativePath, text, undefined, NEVER_DEFER), 'initial');
    assert.equal(
      analyzeIncrementallyOrDefer(relativePath, broken, withCache(), {
        wholeTextLength: broken.length,
        changedLength: Infinity,
      }),
      undefined,
    );
    const analysis = defined(
      analyzeIncrementallyOrDefer(relativePath, broken, withCache(), {
        wholeTextLength: broken.length + 1,
        changedLength: Infinity,
      }),
      'under the limit',
    );
    assert.deepEqual(project(analysis), full(relativePath, broken));
  });

  test('small edits of a large file are analysed on the spot, even with tight limits', () => {
    const limits: DeferLimits = { wholeTextLength: 100, changedLength: 100 };
    let previous = defined(analyzeIncrementallyOrDefer(relativePath, text, undefined, NEVER_DEFER), 'initial');
    let current = text;
    const edits: ((value: string) => string)[] = [
      (value) => splice(value, lastTagOffset(value), 1, 'x'),
      (value) => `# a comment\n${value}`,
      (value) => splice(value, value.indexOf('- docker: "svc-7"'), 0, '- docker: "n"\n  github: "n"\n'),
      (value) => value.replace('  github: "svc-100"\n', ''),
    ];
    for (const edit of edits) {
      current = edit(current);
      previous = defined(analyzeIncrementallyOrDefer(relativePath, current, previous, limits), 'small edit');
      assert.deepEqual(project(previous), full(relativePath, current));
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------------

interface Request {
  relativePath: string;
  text: string;
  /** Answers with the worker's result for this request's text. */
  finish(): void;
  fail(error: Error): void;
}

/** An analyzer whose answers the test gives itself, one request at a time, computed as the worker would. */
class ManualAnalyzer implements Analyzer {
  readonly requests: Request[] = [];

  analyze(relativePath: string, text: string): Promise<TransferredAnalysis> {
    return new Promise((resolve, reject) => {
      this.requests.push({
        relativePath,
        text,
        finish: () => resolve(structuredClone(analyzeForTransfer(relativePath, text))),
        fail: reject,
      });
    });
  }

  request(index: number): Request {
    const request = this.requests[index];
    assert.ok(request, `request ${index} was made`);
    return request;
  }

  dispose(): void {}
}

/** Polls (a turn of the event loop at a time) until `condition` holds: slicing and deferred runs take several turns. */
async function until(description: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${description}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('ReleaseWorkspace with deferred analyses', () => {
  const BIG = 'service/big.yaml';
  /** Small enough that a generated file of 100 entries (~7 KiB) is deferred, and an edit of a few lines is not. */
  const limits: DeferLimits = { wholeTextLength: 2000, changedLength: 500 };
  const small = generateReleaseFile(3, { namePrefix: 'small', seed: 61 });
  const big = generateReleaseFile(100, { problemRate: 0.3, seed: 62 });
  const big2 = generateReleaseFile(100, { problemRate: 0.3, seed: 63 });
  /** Unsplittable versions (a syntax error in the last tag): only the analyzer analyses these. */
  const broken = splice(big, lastTagOffset(big), 0, '"');
  const broken2 = splice(big2, lastTagOffset(big2), 0, '"');
  let root: string;

  before(async () => {
    root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'kayron-deferred-')));
    await fs.mkdir(path.join(root, 'infrastructure'));
    await fs.mkdir(path.join(root, 'service'));
    await fs.writeFile(path.join(root, 'infrastructure', 'infrastructure.yaml'), INFRASTRUCTURE_ENTRY);
    // "svc-3" is also a docker name of the big files: the cross-file duplicate shows when their analysis is installed.
    await fs.writeFile(
      path.join(root, 'service', 'service.yaml'),
      '- docker: "svc-3"\n  github: "svc-3"\n  deploy:\n    release: "v1.0.0"\n',
    );
  });
  after(async () => {
    await fs.rm(root, { recursive: true, force: true });
  });

  async function setUp() {
    const analyzer = new ManualAnalyzer();
    const analyzed: [string, string | undefined][] = [];
    const errors: [string, string][] = [];
    const workspace: ReleaseWorkspace = new ReleaseWorkspace(root, {
      analyzer,
      limits,
      // Records the text installed when the callback runs, to show which text's analysis was installed.
      onAnalyzed: (relativePath) => analyzed.push([relativePath, workspace.textOf(relativePath)]),
      onError: (relativePath, error) => errors.push([relativePath, error.message]),
    });
    await workspace.scan();
    assert.equal(analyzer.requests.length, 0, 'the small files on disk are analysed on the spot');
    return { workspace, analyzer, analyzed, errors };
  }

  const problemsOf = (workspace: ReleaseWorkspace, relativePath: string) =>
    workspace.validate().problems.get(relativePath) ?? [];
  const codesOf = (workspace: ReleaseWorkspace, relativePath: string) =>
    problemsOf(workspace, relativePath).map((problem) => problem.code);
  const assertInstalled = (workspace: ReleaseWorkspace, relativePath: string, text: string) => {
    assert.equal(workspace.isPending(relativePath), false, `${relativePath}: nothing pending`);
    assert.equal(workspace.textOf(relativePath), text);
    const analysis = workspace.analysisOf(relativePath);
    assert.ok(analysis);
    assert.deepEqual(project(analysis), full(relativePath, text));
    return analysis;
  };

  test('the texts: big ones are deferred, the broken ones cannot be sliced', async () => {
    for (const text of [big, big2, broken, broken2]) assert.ok(text.length >= limits.wholeTextLength);
    assert.ok(await analyzeInSlices(BIG, big, undefined));
    assert.equal(await analyzeInSlices(BIG, broken, undefined), undefined);
    assert.equal(await analyzeInSlices(BIG, broken2, undefined), undefined);
  });

  test('a large splittable text is analysed in slices on the server thread, without the analyzer', async () => {
    const { workspace, analyzer, analyzed } = await setUp();
    workspace.setOpenText(BIG, small, false);
    const smallAnalysis = workspace.analysisOf(BIG);
    assert.ok(smallAnalysis);
    const smallProblems = problemsOf(workspace, BIG);

    workspace.setOpenText(BIG, big, false);
    assert.equal(workspace.isPending(BIG), true);
    assert.equal(workspace.isPending('service/service.yaml'), false);
    assert.equal(workspace.textOf(BIG), small, 'the last analysed text stays until the slices are done');
    assert.equal(workspace.analysisOf(BIG), smallAnalysis);
    assert.deepEqual(problemsOf(workspace, BIG), smallProblems);
    assert.ok(!codesOf(workspace, 'service/service.yaml').includes('duplicate-docker'));

    await workspace.settled(BIG);
    assert.equal(analyzer.requests.length, 0, 'the analyzer was not asked');
    const installed = assertInstalled(workspace, BIG, big);
    assert.deepEqual(analyzed, [[BIG, big]]);
    // The cached validation was dropped: the big file's problems and the cross-file duplicate show now.
    const bigProblems = problemsOf(workspace, BIG);
    for (const problem of [...installed.kayronProblems, ...installed.extraProblems])
      assert.ok(bigProblems.includes(problem));
    assert.ok(codesOf(workspace, 'service/service.yaml').includes('duplicate-docker'));
    assert.ok(codesOf(workspace, BIG).includes('duplicate-docker'));
  });

  test('a large text that cannot be split goes to the analyzer; the file keeps its last analysed text meanwhile', async () => {
    const { workspace, analyzer, analyzed } = await setUp();
    workspace.setOpenText(BIG, big, false);
    await workspace.settled(BIG);
    const bigAnalysis = workspace.analysisOf(BIG);
    assert.ok(codesOf(workspace, 'service/service.yaml').includes('duplicate-docker'));

    // A whole-file paste with a syntax error: more than changedLength, and it cannot be split.
    workspace.setOpenText(BIG, broken2, false);
    assert.equal(workspace.isPending(BIG), true);
    await until('the analyzer to be asked', () => analyzer.requests.length === 1);
    assert.deepEqual([analyzer.request(0).relativePath, analyzer.request(0).text], [BIG, broken2]);
    assert.equal(workspace.isPending(BIG), true);
    assert.equal(workspace.textOf(BIG), big);
    assert.equal(workspace.analysisOf(BIG), bigAnalysis);

    let settled = false;
    const settling = workspace.settled(BIG).then(() => {
      settled = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(settled, false, 'settled() waits for the analyzer');

    analyzer.request(0).finish();
    await settling;
    const installed = assertInstalled(workspace, BIG, broken2);
    assert.ok(installed.kayronProblems.some((problem) => problem.code === 'yaml-syntax'));
    assert.deepEqual(analyzed, [
      [BIG, big],
      [BIG, broken2],
    ]);
    // validate() reflects the new analysis: the syntax error shows, and the broken file no longer declares svc-3.
    assert.ok(codesOf(workspace, BIG).includes('yaml-syntax'));
    assert.ok(!codesOf(workspace, 'service/service.yaml').includes('duplicate-docker'));
    assert.equal(analyzer.requests.length, 1);
  });

  test('after either kind of result, the next small edit is analysed on the spot', async () => {
    const { workspace, analyzer } = await setUp();
    workspace.setOpenText(BIG, big, false);
    await workspace.settled();
    const edited = splice(big, lastTagOffset(big), 1, 'x');
    workspace.setOpenText(BIG, edited, false);
    assertInstalled(workspace, BIG, edited);

    // A one-character syntax error cannot be split: the whole-file parse goes to the analyzer.
    const brokenEdit = splice(edited, firstTagOffset(edited), 0, '"');
    workspace.setOpenText(BIG, brokenEdit, false);
    assert.equal(workspace.isPending(BIG), true);
    await until('the analyzer to be asked', () => analyzer.requests.length === 1);
    analyzer.request(0).finish();
    await workspace.settled(BIG);
    assertInstalled(workspace, BIG, brokenEdit);

    // The adopted result kept the items of the analysis it replaced, so the fixing edit needs no deferral.
    const fixed = splice(edited, lastTagOffset(edited), 1, 'y');
    workspace.setOpenText(BIG, fixed, false);
    assertInstalled(workspace, BIG, fixed);
    assert.equal(analyzer.requests.length, 1);
  });

  test('a result for a text that changed meanwhile is discarded and the newest text is analysed next', async () => {
    const { workspace, analyzer, analyzed } = await setUp();
    workspace.setOpenText(BIG, small, false);
    workspace.setOpenText(BIG, broken, false);
    await until('the analyzer to be asked', () => analyzer.requests.length === 1);
    workspace.setOpenText(BIG, broken2, false);
    assert.equal(analyzer.requests.length, 1, 'one analysis per file at a time');
    assert.equal(workspace.isPending(BIG), true);

    analyzer.request(0).finish();
    await until('the analysis of the newest text to be requested', () => analyzer.requests.length === 2);
    assert.equal(analyzer.request(1).text, broken2);
    assert.equal(workspace.textOf(BIG), small, 'the stale result was not installed');
    assert.deepEqual(analyzed, []);
    assert.equal(workspace.isPending(BIG), true);

    analyzer.request(1).finish();
    await workspace.settled(BIG);
    assertInstalled(workspace, BIG, broken2);
    assert.deepEqual(analyzed, [[BIG, broken2]]);
    assert.equal(analyzer.requests.length, 2);
  });

  test('texts replaced while they are sliced are dropped, and only the newest is installed', async () => {
    const { workspace, analyzer, analyzed } = await setUp();
    const big3 = generateReleaseFile(120, { problemRate: 0.3, seed: 66 });
    workspace.setOpenText(BIG, big, false);
    workspace.setOpenText(BIG, big2, false);
    workspace.setOpenText(BIG, big3, false);
    assert.equal(workspace.isPending(BIG), true);
    await workspace.settled(BIG);
    assertInstalled(workspace, BIG, big3);
    assert.deepEqual(analyzed, [[BIG, big3]]);
    assert.equal(analyzer.requests.length, 0);
  });

  test('a splittable text that replaces one waiting for the analyzer is sliced once the stale result arrives', async () => {
    const { workspace, analyzer, analyzed } = await setUp();
    workspace.setOpenText(BIG, broken, false);
    await until('the analyzer to be asked', () => analyzer.requests.length === 1);
    workspace.setOpenText(BIG, big2, false);
    analyzer.request(0).finish();
    await workspace.settled(BIG);
    assertInstalled(workspace, BIG, big2);
    assert.deepEqual(analyzed, [[BIG, big2]]);
    assert.equal(analyzer.requests.length, 1, 'the newer text was sliced');
  });

  test('an edit analysed on the spot overtakes a pending analysis', async () => {
    const { workspace, analyzer, analyzed } = await setUp();
    workspace.setOpenText(BIG, broken, false);
    await until('the analyzer to be asked', () => analyzer.requests.length === 1);
    const smaller = generateReleaseFile(4, { namePrefix: 'smaller', seed: 64 });
    workspace.setOpenText(BIG, smaller, false);
    const installed = assertInstalled(workspace, BIG, smaller);

    analyzer.request(0).finish();
    await workspace.settled();
    assert.equal(workspace.textOf(BIG), smaller);
    assert.equal(workspace.analysisOf(BIG), installed);
    assert.deepEqual(analyzed, []);
    assert.equal(analyzer.requests.length, 1);
  });

  test('going back to the analysed text cancels the wait, and no result is installed later', async () => {
    const { workspace, analyzer, analyzed } = await setUp();
    workspace.setOpenText(BIG, big, false);
    await workspace.settled(BIG);
    const installed = workspace.analysisOf(BIG);

    // A paste of more than changedLength characters is deferred even with the item cache, then sliced.
    const pasted = `${big}${generateReleaseFile(20, { namePrefix: 'pasted', seed: 65 }).replace(/^#.*\n\n/, '')}`;
    assert.ok(pasted.length - big.length >= limits.changedLength);
    workspace.setOpenText(BIG, pasted, false);
    assert.equal(workspace.isPending(BIG), true);
    workspace.setOpenText(BIG, big, false);
    assert.equal(workspace.isPending(BIG), false, 'undo back to the analysed text');
    await workspace.settled(BIG);
    assert.equal(workspace.textOf(BIG), big);
    assert.equal(workspace.analysisOf(BIG), installed);

    // A syntax error: sliced in vain, then sent to the analyzer; undone while the analyzer works.
    workspace.setOpenText(BIG, splice(big, lastTagOffset(big), 0, '"'), false);
    await until('the analyzer to be asked', () => analyzer.requests.length === 1);
    workspace.setOpenText(BIG, big, false);
    assert.equal(workspace.isPending(BIG), false);
    analyzer.request(0).finish();
    await workspace.settled(BIG);
    assert.equal(workspace.textOf(BIG), big);
    assert.equal(workspace.analysisOf(BIG), installed);
    assert.deepEqual(analyzed, [[BIG, big]]);
    assert.equal(analyzer.requests.length, 1, 'nothing left to analyse');

    // The installed analysis is still a good base for the next edit.
    const edited = splice(big, lastTagOffset(big), 1, 'x');
    workspace.setOpenText(BIG, edited, false);
    assertInstalled(workspace, BIG, edited);
  });

  test('a failed analysis is reported and the file keeps its previous analysis', async () => {
    const { workspace, analyzer, analyzed, errors } = await setUp();
    workspace.setOpenText(BIG, small, false);
    const smallAnalysis = workspace.analysisOf(BIG);
    workspace.setOpenText(BIG, broken, false);
    await until('the analyzer to be asked', () => analyzer.requests.length === 1);
    analyzer.request(0).fail(new Error('the analysis worker exited (code 1)'));
    await workspace.settled(BIG);
    assert.deepEqual(errors, [[BIG, 'the analysis worker exited (code 1)']]);
    assert.deepEqual(analyzed, []);
    assert.equal(workspace.isPending(BIG), false);
    assert.equal(workspace.textOf(BIG), small);
    assert.equal(workspace.analysisOf(BIG), smallAnalysis);
    assert.ok(!codesOf(workspace, BIG).includes('yaml-syntax'));

    // The same text again is a new request, not a wait for the failed one.
    workspace.setOpenText(BIG, broken, false);
    await until('the analyzer to be asked again', () => analyzer.requests.length === 2);
    analyzer.request(1).finish();
    await workspace.settled(BIG);
    assertInstalled(workspace, BIG, broken);
    assert.deepEqual(analyzed, [[BIG, broken]]);
    assert.equal(errors.length, 1);
  });

  test('files are analysed independently: settling one does not wait for another', async () => {
    const { workspace, analyzer } = await setUp();
    const OTHER = 'service/other.yaml';
    const THIRD = 'service/third.yaml';
    workspace.setOpenText(BIG, broken, false);
    workspace.setOpenText(OTHER, broken2, false);
    await until('the analyzer to be asked for both files', () => analyzer.requests.length === 2);
    const requestFor = (relativePath: string) => {
      const request = analyzer.requests.find((candidate) => candidate.relativePath === relativePath);
      assert.ok(request, `a request for ${relativePath}`);
      return request;
    };
    // A sliced file settles while both others wait for the analyzer.
    workspace.setOpenText(THIRD, big2.replace(/svc-/g, 'third-'), false);
    await workspace.settled(THIRD);
    assertInstalled(workspace, THIRD, big2.replace(/svc-/g, 'third-'));
    assert.equal(workspace.isPending(BIG), true);
    assert.equal(workspace.isPending(OTHER), true);

    requestFor(OTHER).finish();
    await workspace.settled(OTHER);
    assertInstalled(workspace, OTHER, broken2);
    assert.equal(workspace.isPending(BIG), true);
    assert.equal(
      workspace.textOf(BIG),
      undefined,
      'a file seen for the first time has no analysis until its result arrives',
    );
    assert.ok(!workspace.validate().problems.has(BIG));

    requestFor(BIG).finish();
    await workspace.settled();
    assertInstalled(workspace, BIG, broken);
    assert.ok(codesOf(workspace, BIG).includes('yaml-syntax'));
    assert.equal(analyzer.requests.length, 2);
  });

  test('without an analyzer everything is analysed on the spot', async () => {
    const workspace = new ReleaseWorkspace(root);
    await workspace.scan();
    for (const text of [big, broken, big2]) {
      workspace.setOpenText(BIG, text, false);
      assertInstalled(workspace, BIG, text);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------------

describe('analyzeWithoutBlocking and the inline analyzer', () => {
  const large = generateReleaseFile(600, { problemRate: 0.2, seed: 91 });
  const brokenLarge = splice(large, lastTagOffset(large), 0, '"');
  const limits: DeferLimits = { wholeTextLength: 2000, changedLength: 500 };

  test('a short text on the spot, a splittable one in slices, only an unsplittable one on the analyzer', async () => {
    const analyzer = new ManualAnalyzer();
    const short = generateReleaseFile(5, { seed: 92 });
    assert.ok(short.length < limits.wholeTextLength);
    assert.deepEqual(project(await analyzeWithoutBlocking(analyzer, SERVICE, short, limits)), full(SERVICE, short));
    assert.deepEqual(project(await analyzeWithoutBlocking(analyzer, SERVICE, large, limits)), full(SERVICE, large));
    assert.equal(analyzer.requests.length, 0);
    const analysing = analyzeWithoutBlocking(analyzer, SERVICE, brokenLarge, limits);
    await until('the analyzer to be asked', () => analyzer.requests.length === 1);
    assert.equal(analyzer.request(0).text, brokenLarge);
    analyzer.request(0).finish();
    assert.deepEqual(project(await analysing), full(SERVICE, brokenLarge));
  });

  test('its results keep no per-entry cache (they are never edited): an edit from one is analysed afresh', async () => {
    const analyzer = new ManualAnalyzer();
    const analysis = await analyzeWithoutBlocking(analyzer, SERVICE, large, limits);
    const edited = splice(large, lastTagOffset(large), 1, 'x');
    // With a cache this small edit is analysed on the spot; without one it is a from-scratch split, which these limits defer.
    assert.equal(analyzeIncrementallyOrDefer(SERVICE, edited, analysis, limits), undefined);
    const kept = await sliced(SERVICE, large);
    assert.deepEqual(
      project(analyzeIncrementallyOrDefer(SERVICE, edited, kept, limits) as FileAnalysis),
      full(SERVICE, edited),
    );
  });

  test('an analyzer failure rejects', async () => {
    const analyzer = new ManualAnalyzer();
    const analysing = analyzeWithoutBlocking(analyzer, SERVICE, brokenLarge, limits);
    await until('the analyzer to be asked', () => analyzer.requests.length === 1);
    analyzer.request(0).fail(new Error('the analysis worker was stopped'));
    await assert.rejects(analysing, /stopped/);
  });

  test('InlineAnalyzer answers as the worker would; defaultAnalyzer uses it when no worker script is beside it', async () => {
    const result = await new InlineAnalyzer().analyze(SERVICE, brokenLarge);
    assert.deepEqual(result, analyzeForTransfer(SERVICE, brokenLarge));
    assert.ok(defaultAnalyzer(os.tmpdir()) instanceof InlineAnalyzer);
    const beside = defaultAnalyzer(path.dirname(WORKER_SCRIPT));
    assert.equal(beside instanceof WorkerAnalyzer, existsSync(WORKER_SCRIPT));
    beside.dispose();
  });
});

// ---------------------------------------------------------------------------------------------------------------------

describe('WorkerAnalyzer with the built worker script', () => {
  const skip = existsSync(WORKER_SCRIPT) ? false : `${WORKER_SCRIPT} is missing: run \`npm run build\` first`;
  const analyzers: WorkerAnalyzer[] = [];
  const newAnalyzer = () => {
    const analyzer = new WorkerAnalyzer(WORKER_SCRIPT);
    analyzers.push(analyzer);
    return analyzer;
  };
  after(() => {
    for (const analyzer of analyzers) analyzer.dispose();
  });
  /** The worker thread of an analyzer (private: the tests stand in for a crash by ending it). */
  const workerOf = (analyzer: WorkerAnalyzer) => (analyzer as unknown as { worker: Worker | undefined }).worker;

  /**
   * An unsplittable text (an anchor) whose every long array exceeds a chunk: entries, decode problems (type errors),
   * unknown keys, Kayron's problems and the extension's warnings. A syntax error would not do: with one, Kayron
   * decodes no entries at all, so nothing is long.
   */
  const chunkyText = (entries: number, seed: number) => {
    const typeErrors = Array.from(
      { length: TRANSFER_CHUNK + 100 },
      (_, i) => `- docker: [${i}]\n  github: "typed-${i}"\n  webhook: "x"\n  deploy:\n    release: "v1.0.0"\n`,
    ).join('');
    return `- &base\n  docker: "anchored"\n  github: "anchored"\n  deploy:\n    release: "v1.0.0"\n${generateReleaseFile(entries, { problemRate: 1, seed })}${typeErrors}`;
  };
  const ALL_PARTS: PartName[] = ['entries', 'extraProblems', 'kayronProblems', 'problems', 'unknownKeys'];

  test('a 3,000-entry result sent in acknowledged parts equals analyzeForTransfer', { skip }, async () => {
    const text = chunkyText(3000, 71);
    const direct = analyzeForTransfer(SERVICE, text);
    assert.deepEqual(
      largeArrays(direct)
        .map(([name]) => name)
        .sort(),
      ALL_PARTS,
      'every long array is sent in parts',
    );
    const result = await newAnalyzer().analyze(SERVICE, text);
    assert.deepEqual(result, direct);
    assert.ok((result.analysis.decoded?.entries.length ?? 0) > 3000);
  });

  test('a 3,000-entry file with a syntax error, and a small file, equal analyzeForTransfer', { skip }, async () => {
    const large = generateReleaseFile(3000, { problemRate: 0.2, seed: 72 });
    const texts: [string, string][] = [
      [SERVICE, splice(large, lastTagOffset(large), 0, '"')],
      ['infrastructure/infrastructure.yaml', INFRASTRUCTURE_ENTRY],
      ['service/service.yml', generateReleaseFile(3, { seed: 73 })],
    ];
    const analyzer = newAnalyzer();
    for (const [relativePath, text] of texts) {
      const result = await analyzer.analyze(relativePath, text);
      assert.deepEqual(result, analyzeForTransfer(relativePath, text), relativePath);
      assert.deepEqual(project(adoptTransferred(result)), full(relativePath, text), relativePath);
    }
  });

  test(
    'concurrent requests, some sent in parts, each resolve to the analysis of their own text',
    { skip },
    async () => {
      const analyzer = newAnalyzer();
      const requests: [string, string][] = [
        ['service/a.yaml', chunkyText(1000, 74)],
        ['service/b.yaml', splice(generateReleaseFile(300, { seed: 75 }), 100, 0, '"')],
        ['infrastructure/infrastructure.yaml', generateReleaseFile(5, { infrastructure: true, seed: 76 })],
        ['service/a.yaml', chunkyText(1200, 77)],
      ];
      const results = await Promise.all(requests.map(([relativePath, text]) => analyzer.analyze(relativePath, text)));
      results.forEach((result, index) => {
        const [relativePath, text] = requests[index] as [string, string];
        assert.equal(result.relativePath, relativePath);
        assert.equal(result.text, text);
        assert.deepEqual(result, analyzeForTransfer(relativePath, text), `request ${index}`);
      });
    },
  );

  test('dispose() rejects a pending request, and a later request starts a new worker', { skip }, async () => {
    const analyzer = newAnalyzer();
    const text = chunkyText(1000, 78);
    const pending = analyzer.analyze(SERVICE, text);
    const first = workerOf(analyzer);
    assert.ok(first, 'the request started a worker');
    analyzer.dispose();
    await assert.rejects(pending, /stopped/);
    const result = await analyzer.analyze(SERVICE, text);
    assert.notEqual(workerOf(analyzer), first);
    assert.deepEqual(result, analyzeForTransfer(SERVICE, text));
  });

  test('a worker that dies fails its pending requests, and the next request starts a new one', { skip }, async () => {
    const analyzer = newAnalyzer();
    const text = generateReleaseFile(1000, { seed: 79 });
    const pending = [analyzer.analyze(SERVICE, text), analyzer.analyze('service/other.yaml', text)];
    // Stands in for a crash (e.g. out of memory): the worker ends without answering.
    const worker = workerOf(analyzer);
    assert.ok(worker, 'the request started a worker');
    await worker.terminate();
    for (const request of pending) await assert.rejects(request, /exited/);
    const result = await analyzer.analyze(SERVICE, text);
    assert.deepEqual(result, analyzeForTransfer(SERVICE, text));
  });

  test(
    'a worker that dies half-way through sending parts fails the request, and the next request gets all parts',
    { skip },
    async () => {
      const analyzer = newAnalyzer();
      const text = chunkyText(1000, 80);
      const pending = analyzer.analyze(SERVICE, text);
      const worker = workerOf(analyzer);
      assert.ok(worker, 'the request started a worker');
      let terminating: Promise<number> | undefined;
      worker.on('message', (message: { type: string }) => {
        if (message.type === 'part') terminating ??= worker.terminate();
      });
      await assert.rejects(pending, /exited/);
      assert.ok(terminating, 'the worker ended after a part');
      const result = await analyzer.analyze(SERVICE, text);
      assert.deepEqual(result, analyzeForTransfer(SERVICE, text));
    },
  );
});
