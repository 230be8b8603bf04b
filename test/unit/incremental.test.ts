/**
 * The incremental analysis must equal the full one after every edit. Property-style: every file of the real corpus and
 * a few generated ones receive hundreds of seeded random edits (typing, deleting, breaking and fixing tags, adding and
 * removing entries and comments, syntax errors, anchors, tabs, ...), each compared with `analyzeReleaseFile`.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { analyzeReleaseFile, validateWorkspace, type FileAnalysis } from '../../server/src/features/validate';
import { lintTree } from '../../server/src/features/lint-tree';
import {
  analyzeInSlices,
  analyzeReleaseFileIncremental as analyzeIncrementally,
  INCREMENTAL_MIN_LENGTH,
  splitTopLevelItems,
} from '../../server/src/features/incremental-analysis';
import { generateReleaseFile, seededRandom, serviceEntry } from '../bench/release-files';
import { projectAnalysis } from '../helpers/analysis-projection';
import { CORPUS_DIR, corpusYamlFiles } from '../helpers/corpus-files';

const CORPUS = CORPUS_DIR;

/** The small files of the corpus would otherwise be analysed whole; here every text goes through the items. */
const analyzeReleaseFileIncremental = (relativePath: string, text: string, previous?: FileAnalysis): FileAnalysis =>
  analyzeIncrementally(relativePath, text, previous, 0);

const corpusFiles = corpusYamlFiles;

const project = projectAnalysis;

function itemStarts(text: string): number[] {
  return [...text.matchAll(/^-(?=[ \r\n]|$)/gm)].map((match) => match.index ?? 0);
}

function lineStarts(text: string): number[] {
  return [0, ...[...text.matchAll(/\n/g)].map((match) => (match.index ?? 0) + 1)].filter(
    (offset) => offset <= text.length,
  );
}

type Random = () => number;
const pick = <T>(random: Random, list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
const splice = (text: string, at: number, remove: number, insert: string) =>
  text.slice(0, at) + insert + text.slice(at + remove);

/** Snippets that exercise every fallback and most decode problems. */
const TROUBLE = [
  '"',
  "'",
  ': x: y',
  '[',
  '{a',
  ']',
  '}',
  '!!int ',
  '|\n',
  '>-\n',
  '? ',
  '&a ',
  '*a',
  '<<: *a\n',
  '---\n',
  '...\n',
  '\t',
  '%YAML 1.2\n',
  '\ufeff',
  '- - x\n',
  '  - y\n',
  'key: value\n',
  '-x\n',
  '#',
  ' # note',
  '\r',
  '\r\n',
  '\u0000',
  'docker: [1]\n',
  '  deploy: "x"\n',
  ': !a\n',
];

interface Edit {
  label: string;
  text: string;
}

/** One random edit; the label says what happened so a failure can be reproduced by reading it. */
function randomEdit(text: string, random: Random, history: string[], counter: { next: number }): Edit {
  const at = Math.floor(random() * (text.length + 1));
  const lines = lineStarts(text);
  const lineAt = pick(random, lines);
  const items = itemStarts(text);
  const roll = random();
  if (roll < 0.2) {
    const char = pick(random, [...'abcxyz019 -:"\'#\n', ' ', ' ', '\n']);
    return { label: `insert ${JSON.stringify(char)} at ${at}`, text: splice(text, at, 0, char) };
  }
  if (roll < 0.35) {
    const length = 1 + Math.floor(random() * 5);
    return { label: `delete ${length} at ${at}`, text: splice(text, at, length, '') };
  }
  if (roll < 0.45) {
    const tags = [...text.matchAll(/release: "([vx])/g)];
    if (tags.length > 0) {
      const tag = pick(random, tags);
      const offset = (tag.index ?? 0) + 'release: "'.length;
      return { label: `flip tag at ${offset}`, text: splice(text, offset, 1, tag[1] === 'v' ? 'x' : 'v') };
    }
  }
  if (roll < 0.55) {
    const where = random() < 0.2 || items.length === 0 ? text.length : pick(random, items);
    const entry = serviceEntry(counter.next++, random, 0.5, 'added');
    const prefix = where === text.length && text.length > 0 && !text.endsWith('\n') ? '\n' : '';
    return { label: `add entry at ${where}`, text: splice(text, where, 0, prefix + entry) };
  }
  if (roll < 0.62 && items.length > 1) {
    const index = Math.floor(random() * items.length);
    const start = items[index] ?? 0;
    const end = items[index + 1] ?? text.length;
    return { label: `remove entry ${index}`, text: splice(text, start, end - start, '') };
  }
  if (roll < 0.66 && items.length > 1) {
    // Copy or move an entry to another item boundary: identical item texts at several places, items changing index.
    const index = Math.floor(random() * items.length);
    const start = items[index] ?? 0;
    const end = items[index + 1] ?? text.length;
    const entry = text.slice(start, end).endsWith('\n') ? text.slice(start, end) : `${text.slice(start, end)}\n`;
    const where = pick(random, [...items, text.length]);
    const move = random() < 0.5;
    const without = move ? splice(text, start, end - start, '') : text;
    const at = move && where > start ? Math.max(start, where - (end - start)) : where;
    const prefix = at === without.length && without.length > 0 && !without.endsWith('\n') ? '\n' : '';
    return { label: `${move ? 'move' : 'copy'} entry ${index} to ${at}`, text: splice(without, at, 0, prefix + entry) };
  }
  if (roll < 0.72) {
    const comment = pick(random, ['# a comment\n', '  # indented comment\n', '\n', '    # deep comment\n', '#\n']);
    return {
      label: `comment ${JSON.stringify(comment)} at line start ${lineAt}`,
      text: splice(text, lineAt, 0, comment),
    };
  }
  if (roll < 0.8) {
    const snippet = pick(random, TROUBLE);
    const where = random() < 0.5 ? at : lineAt;
    return { label: `trouble ${JSON.stringify(snippet)} at ${where}`, text: splice(text, where, 0, snippet) };
  }
  if (roll < 0.86) {
    // Repeat a line right after itself: usually a duplicate key, sometimes a second strategy or a nested item.
    const index = Math.floor(random() * lines.length);
    const start = lines[index] ?? 0;
    const end = lines[index + 1] ?? text.length;
    const line = text.slice(start, end);
    return { label: `repeat line at ${start}`, text: splice(text, end, 0, line.endsWith('\n') ? line : `\n${line}`) };
  }
  if (roll < 0.92) {
    const outdent = text.startsWith(' ', lineAt) && random() < 0.5;
    return {
      label: `${outdent ? 'outdent' : 'indent'} line at ${lineAt}`,
      text: outdent ? splice(text, lineAt, 1, '') : splice(text, lineAt, 0, ' '),
    };
  }
  const earlier = history.length > 0 ? pick(random, history) : text;
  return { label: 'revert to an earlier text', text: earlier };
}

/** An incremental result (rather than a fallback to the full analysis) parses the whole-file tree only on demand. */
const tookIncrementalPath = (analysis: FileAnalysis): boolean =>
  analysis.decoded !== undefined && Object.getOwnPropertyDescriptor(analysis.decoded, 'document')?.get !== undefined;

/** Applies `edits` random edits, comparing incremental and full analysis after each; returns how many steps were incremental. */
function checkEditSequence(name: string, relativePath: string, initial: string, seed: number, edits: number): number {
  const random = seededRandom(seed);
  const history: string[] = [initial];
  const counter = { next: 10_000 };
  let text = initial;
  let previous = analyzeReleaseFileIncremental(relativePath, text);
  assert.deepEqual(project(previous), project(analyzeReleaseFile(relativePath, text)), `${name}: initial text`);
  /** The latest text that was a plain block sequence: typing breaks files for a moment, then fixes them. */
  let lastPlain = tookIncrementalPath(previous) ? text : initial;
  const labels: string[] = [];
  let incrementalSteps = 0;
  for (let step = 0; step < edits; step++) {
    const edit =
      !tookIncrementalPath(previous) && random() < 0.6
        ? { label: 'fix: back to the last plain text', text: lastPlain }
        : randomEdit(text, random, history, counter);
    text = edit.text;
    labels.push(edit.label);
    if (history.length < 20 && random() < 0.2) history.push(text);
    const incremental = analyzeReleaseFileIncremental(relativePath, text, previous);
    const full = analyzeReleaseFile(relativePath, text);
    assert.deepEqual(
      project(incremental),
      project(full),
      `${name} (seed ${seed}) step ${step}: ${labels.slice(-3).join(' | ')}\n--- text ---\n${text}`,
    );
    previous = incremental;
    if (tookIncrementalPath(incremental)) {
      incrementalSteps++;
      lastPlain = text;
    }
  }
  return incrementalSteps;
}

/** Guards the property test itself: if nearly every step fell back, it would not be testing the incremental path. */
function assertMostlyIncremental(name: string, incrementalSteps: number, edits: number): void {
  assert.ok(
    incrementalSteps >= edits * 0.4,
    `${name}: only ${incrementalSteps} of ${edits} edits took the incremental path`,
  );
}

describe('incremental analysis equals the full analysis', () => {
  const files = corpusFiles(CORPUS);

  test('the corpus is there', () => {
    assert.ok(files.length >= 100, `expected the releases-history corpus, found ${files.length} files`);
  });

  test('every corpus file (and its CRLF form), under random edits', () => {
    let edits = 0;
    let incrementalSteps = 0;
    files.forEach((file, index) => {
      const text = readFileSync(file, 'utf8');
      const relativePath = path.relative(CORPUS, file).split(path.sep).slice(1).join('/');
      incrementalSteps += checkEditSequence(file, relativePath, text, 1000 + index, 60);
      edits += 60;
      if (index % 6 === 0) {
        incrementalSteps += checkEditSequence(
          `${file} (CRLF)`,
          relativePath,
          text.replace(/\n/g, '\r\n'),
          5000 + index,
          30,
        );
        edits += 30;
      }
    });
    assertMostlyIncremental('corpus', incrementalSteps, edits);
  });

  const generated: [string, string, string, number][] = [
    [
      'generated infrastructure',
      'infrastructure/infrastructure.yaml',
      generateReleaseFile(25, { infrastructure: true, problemRate: 0.2, seed: 7 }),
      300,
    ],
    ['generated service', 'service/service.yaml', generateReleaseFile(30, { problemRate: 0.3, seed: 8 }), 300],
    [
      'generated root file (not linted by CI)',
      'releases.yaml',
      generateReleaseFile(20, { problemRate: 0.3, seed: 9 }),
      200,
    ],
    [
      'generated CRLF',
      'service/crlf.yaml',
      generateReleaseFile(20, { problemRate: 0.3, seed: 10 }).replace(/\n/g, '\r\n'),
      200,
    ],
    [
      'generated, no header comment',
      'service/bare.yaml',
      generateReleaseFile(20, { problemRate: 0.3, seed: 11 }).replace(/^#.*\n\n/, ''),
      200,
    ],
  ];
  for (const [name, relativePath, text, edits] of generated) {
    test(`${name}, under ${edits} random edits`, () => {
      assertMostlyIncremental(name, checkEditSequence(name, relativePath, text, text.length, edits), edits);
    });
  }

  test('files that are not a plain block sequence', () => {
    const texts = [
      '',
      '# only a comment\n',
      'docker: x\n',
      '[{docker: x}]\n',
      '- &base {docker: a, github: a, deploy: {release: v1.0.0}}\n- <<: *base\n  docker: b\n',
      '- docker: a\n---\n- docker: b\n',
      '%YAML 1.2\n---\n- docker: a\n',
      '- docker: a\n\tgithub: a\n',
      '\ufeff- docker: a\n',
      '  - docker: a\n    github: a\n',
      '- docker: "a\n- docker: b\n',
      '- docker: a\n  github: a\n  github: b\n- docker: c\n  docker: d\n',
      '- "scalar"\n- [1, 2]\n-\n- docker: a\n  deploy: [1]\n',
      '-\n-\n-\n',
      '- docker: a\r- docker: b\n',
      // A value that is only a tag takes the next item (goccy): the items are not independent.
      '- docker: a\n  github: a\n  deploy:\n    branch: !a\n- docker: b\n  github: b\n',
    ];
    for (const text of texts) {
      for (const relativePath of ['service/a.yaml', 'releases.yaml', 'service/a.yml', 'docs/a.yaml']) {
        assert.deepEqual(
          project(analyzeReleaseFileIncremental(relativePath, text)),
          project(analyzeReleaseFile(relativePath, text)),
          JSON.stringify(text),
        );
      }
    }
  });

  test('deleting the LF of a CRLF pair leaves a lone CR right before the change: the whole file is analysed, same result', () => {
    // The last entry has a type error: its `[line:col]` message depends on every line break above it.
    const text = `${generateReleaseFile(6, { problemRate: 0.3, seed: 7 })}- docker: [1]\n  github: a\n`.replace(
      /\n/g,
      '\r\n',
    );
    const first = analyzeReleaseFileIncremental('service/a.yaml', text);
    assert.equal(tookIncrementalPath(first), true, 'the CRLF file itself is split into items');
    let checked = 0;
    for (let at = text.indexOf('\r\n'); at >= 0; at = text.indexOf('\r\n', at + 2)) {
      const edited = splice(text, at + 1, 1, '');
      const incremental = analyzeReleaseFileIncremental('service/a.yaml', edited, first);
      assert.equal(tookIncrementalPath(incremental), false, `a lone CR at ${at} makes the file unsplittable`);
      assert.deepEqual(
        project(incremental),
        project(analyzeReleaseFile('service/a.yaml', edited)),
        `LF deleted at ${at + 1}`,
      );
      checked++;
    }
    assert.ok(checked > 20, `checked ${checked} deletions`);
  });

  test('edits around the lines above the first item', () => {
    // Each text follows from the one before; the second empties the first item's line, so the next item becomes the first.
    const sequence = [
      '#\n- a\n- b\n',
      '#\n\n- b\n',
      'x: 1\n#\n\n- b\n',
      '#\n\n- b\n',
      '  !!str\n#\n\n- b\n',
      '#\n\n- b\n',
      '\n- b\n- c\n',
      '- b\n- c\n',
    ];
    let previous: FileAnalysis | undefined;
    for (const text of sequence) {
      const incremental = analyzeReleaseFileIncremental('service/a.yaml', text, previous);
      assert.deepEqual(project(incremental), project(analyzeReleaseFile('service/a.yaml', text)), JSON.stringify(text));
      previous = incremental;
    }
  });

  test('small texts are analysed whole, with the same result', () => {
    const text = generateReleaseFile(5);
    assert.ok(text.length < INCREMENTAL_MIN_LENGTH);
    const analysis = analyzeIncrementally('service/a.yaml', text);
    assert.equal(tookIncrementalPath(analysis), false);
    assert.deepEqual(project(analysis), project(analyzeReleaseFile('service/a.yaml', text)));
    const large = generateReleaseFile(100);
    assert.ok(large.length >= INCREMENTAL_MIN_LENGTH);
    assert.equal(tookIncrementalPath(analyzeIncrementally('service/a.yaml', large)), true);
  });

  test('the whole-file tree is parsed on demand and equals the full one', () => {
    const text = generateReleaseFile(20, { problemRate: 0.3 });
    const incremental = analyzeReleaseFileIncremental('service/a.yaml', text);
    assert.deepEqual(
      incremental.decoded?.document?.toJS(),
      analyzeReleaseFile('service/a.yaml', text).decoded?.document?.toJS(),
    );
  });
});

describe('incremental analysis reuses unchanged items', () => {
  const text = generateReleaseFile(50, { problemRate: 0.2, seed: 3 });
  const items = itemStarts(text);
  const lastTag = text.lastIndexOf('release: "v') + 'release: "'.length;

  test('a plain block sequence is split into its items', () => {
    assert.deepEqual(splitTopLevelItems(text), items);
    assert.equal(splitTopLevelItems('key: value\n'), undefined);
  });

  test('an edit in the last entry keeps the earlier entries as they were', () => {
    const first = analyzeReleaseFileIncremental('service/a.yaml', text);
    const second = analyzeReleaseFileIncremental('service/a.yaml', splice(text, lastTag, 1, 'x'), first);
    const before = first.decoded?.entries ?? [];
    const after = second.decoded?.entries ?? [];
    assert.equal(after.length, before.length);
    assert.ok(
      after.slice(0, -1).every((entry, index) => entry === before[index]),
      'unchanged entries are reused, not re-decoded',
    );
    assert.notEqual(after.at(-1), before.at(-1));
  });

  test('the items survive a syntax error and are reused once it is fixed', () => {
    const first = analyzeReleaseFileIncremental('service/a.yaml', text);
    const broken = analyzeReleaseFileIncremental('service/a.yaml', splice(text, lastTag, 0, '"'), first);
    assert.equal(broken.decoded?.entries.length, 0, 'a syntax error decodes nothing, as in the full analysis');
    const fixed = analyzeReleaseFileIncremental('service/a.yaml', text, broken);
    const before = first.decoded?.entries ?? [];
    const after = fixed.decoded?.entries ?? [];
    assert.equal(after.length, before.length);
    assert.ok(
      after.every((entry, index) => entry === before[index]),
      'every entry is reused, the fixed one included',
    );
    assert.deepEqual(project(fixed), project(first));
  });

  test('an item reused at the place another one is moved away from is a separate copy', () => {
    // The first entry changes (same length) and a copy of the second is inserted after it: the old second item both
    // stays where it was (found by its text) and moves one entry down (unchanged text after the edit).
    const [a, b, c] = [
      '- docker: "a"\n  github: "a"\n',
      '- docker: "b"\n  github: "b"\n',
      '- docker: "c"\n  github: "c"\n',
    ];
    const first = analyzeReleaseFileIncremental('service/a.yaml', `${a}${c}`);
    const edited = `${b}${c}${c}`;
    const second = analyzeReleaseFileIncremental('service/a.yaml', edited, first);
    assert.deepEqual(project(second), project(analyzeReleaseFile('service/a.yaml', edited)));
    const entries = second.decoded?.entries ?? [];
    assert.notEqual(entries[1], entries[2]);
  });

  test('problems already handed out never change, even when their entries move', () => {
    const first = analyzeReleaseFileIncremental('service/a.yaml', text);
    const handedOut = [...first.kayronProblems, ...first.extraProblems];
    const snapshot = structuredClone(handedOut);
    assert.ok(snapshot.length > 0, 'the generated file has problems');
    analyzeReleaseFileIncremental('service/a.yaml', `# a new first line\n${text}`, first);
    assert.deepEqual(handedOut, snapshot);
  });

  test('the same previous analysis passed twice still gives exact results', () => {
    const first = analyzeReleaseFileIncremental('service/a.yaml', text);
    for (const edited of [`# one\n${text}`, `# two more\n\n${text}`, splice(text, lastTag, 1, 'x')]) {
      assert.deepEqual(
        project(analyzeReleaseFileIncremental('service/a.yaml', edited, first)),
        project(analyzeReleaseFile('service/a.yaml', edited)),
      );
    }
  });

  test('an insertion before an entry moves it without re-decoding, with file-absolute positions', () => {
    const withTypeError = `${text}- docker: [1]\n  github: a\n  github: b\n`;
    const first = analyzeReleaseFileIncremental('service/a.yaml', withTypeError);
    const firstEntries = [...(first.decoded?.entries ?? [])];
    const edited = splice(withTypeError, items[1] ?? 0, 0, '# new line\n');
    const second = analyzeReleaseFileIncremental('service/a.yaml', edited, first);
    assert.deepEqual(project(second), project(analyzeReleaseFile('service/a.yaml', edited)));
    // The comment joins the first item and the second is found again by its text; every later entry is the same object, moved.
    assert.ok(second.decoded?.entries.slice(2).every((entry, index) => entry === firstEntries[index + 2]));
    const messages = second.kayronProblems
      .filter((problem) => problem.code.startsWith('yaml-'))
      .map((problem) => problem.message);
    const lines = edited.split('\n').length;
    assert.ok(
      messages.some((message) => message.startsWith(`[${lines - 3}:`)),
      messages.join('\n'),
    );
  });
});

describe('goccy counts some CRLF breaks twice', () => {
  const crlf = (lines: string[]) => lines.map((line) => `${line}\r\n`).join('');
  const first = ['- docker: a', '  github: a', '  deploy:', '    release: "v1.0.0"'];
  const broken = ['- docker: [1]', '  github: b', '  deploy:', '    release: "v1.0.0"'];
  /** The line in the `[line:col]` of the broken entry's type error. */
  const typeErrorLine = (analysis: FileAnalysis) =>
    Number(
      /^\[(\d+):/.exec(analysis.kayronProblems.find((problem) => problem.code === 'yaml-type')?.message ?? '')?.[1],
    );

  test("a comment's CRLF in an item above moves the decode message of a later item, also when only it changes", () => {
    // Each text follows from the one before: comments (each CRLF after one counts two lines for goccy) come and go
    // above the broken entry, which itself never changes, so it is always moved, never analysed again.
    const texts = [
      crlf([...first, ...broken]),
      crlf(['# header', ...first, ...broken]),
      crlf(['# header', ...first, '  # note', ...broken]),
      crlf(['# header', ...first.slice(0, 3), '    release: "v1.0.0" # c', ...broken]),
      crlf(['# header', ...first.slice(0, 3), '    release: "v1.0.0#c"', ...broken]),
      crlf([...first, ...broken]),
    ];
    // goccy's line of the broken `docker:`: its own line plus the comments' CRLFs above it.
    const expected = [5, 7, 9, 8, 7, 5];
    let previous: FileAnalysis | undefined;
    texts.forEach((text, step) => {
      const incremental = analyzeReleaseFileIncremental('service/a.yaml', text, previous);
      assert.equal(tookIncrementalPath(incremental), true, `step ${step} is incremental`);
      assert.deepEqual(project(incremental), project(analyzeReleaseFile('service/a.yaml', text)), `step ${step}`);
      assert.equal(typeErrorLine(incremental), expected[step], `step ${step}`);
      previous = incremental;
    });
  });
});

describe("goccy's field order survives the incremental path", () => {
  // goccy decodes a struct's fields in the Go struct's order (Docker before Github): of the two type errors of the
  // last entry, Kayron reports the docker one, though the github one comes first in the text.
  const broken = '- github: [1]\n  docker: [2]\n  deploy:\n    release: "v1.0.0"\n';
  const text = `${generateReleaseFile(12, { seed: 21 })}${broken}`;
  const added = serviceEntry(500, seededRandom(5));

  /** The problem `kayron lint` reports for `text`, from the CLI's tree lint of a real folder. */
  async function cliVerdict(edited: string) {
    const root = mkdtempSync(path.join(tmpdir(), 'kayron-order-'));
    try {
      mkdirSync(path.join(root, 'service'));
      writeFileSync(path.join(root, 'service', 'a.yaml'), edited);
      return (await lintTree(root)).kayronVerdict?.problem;
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }

  test('after edits above the entry, the editor marks the problem the CLI reports', async () => {
    const first = analyzeReleaseFileIncremental('service/a.yaml', text);
    const firstItem = itemStarts(text)[0] ?? 0;
    const secondItem = itemStarts(text)[1] ?? 0;
    const edits = [
      splice(text, firstItem, 0, added),
      splice(text, firstItem, secondItem - firstItem, ''),
      splice(text, firstItem, secondItem - firstItem, added + added),
    ];
    for (const [step, edited] of edits.entries()) {
      const incremental = analyzeReleaseFileIncremental('service/a.yaml', edited, first);
      assert.equal(tookIncrementalPath(incremental), true, `step ${step} is incremental`);
      assert.deepEqual(project(incremental), project(analyzeReleaseFile('service/a.yaml', edited)), `step ${step}`);
      const sliced = await analyzeInSlices('service/a.yaml', edited, first);
      assert.ok(sliced && sliced !== 'stale', `step ${step} is split into items`);
      const cli = await cliVerdict(edited);
      assert.match(cli?.message ?? '', /docker/, `step ${step}: goccy reports the docker field first`);
      for (const [name, analysis] of [
        ['incremental', incremental],
        ['sliced', sliced],
      ] as const) {
        const editor = validateWorkspace([analysis]).kayronVerdict?.problem;
        assert.equal(editor?.message, cli?.message, `step ${step}, ${name}`);
        assert.deepEqual(editor?.range, cli?.range, `step ${step}, ${name}`);
      }
    }
  });
});
