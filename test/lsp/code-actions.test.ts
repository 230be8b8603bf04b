/**
 * Code actions through the built server over JSON-RPC: every quick fix, bumps, testing-branch switches, "bump all" and
 * kayron/entryEdit. Each test requests `textDocument/codeAction` the way VS Code does (the cursor's range plus the
 * diagnostics under it), applies the returned WorkspaceEdit with the small applier below, and compares the result with
 * the expected text byte for byte. GitHub is the local stand-in (test/github-standin), and a stopped one.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CodeActionRequest,
  CodeActionTriggerKind,
  type CodeAction,
  type Command,
  type Diagnostic,
  type Position,
  type Range,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver-protocol/node';
import {
  EntryBranchesRequest,
  EntryEditRequest,
  EntryVersionsRequest,
  ReleaseEntriesRequest,
  type EntryEditParams,
  type ReleaseEntry,
} from '../../server/src/protocol';
import { startGitHubStandin, type GitHubStandin, type StandinRepo } from '../github-standin/server';
import { KAYRON_LATEST, KAYRON_PULL, SPLITS_OWNER, splitsOrganization } from '../github-standin/splits-seed';
import {
  copySampleWorkspace,
  fileUri,
  makeTempDir,
  rangeOf,
  removeTree,
  startSettled,
  type LspClient,
} from './lsp-client';

// ---------------------------------------------------------------------------------------------------------------------
// A minimal WorkspaceEdit applier, independent of the server's own helpers: LSP positions (UTF-16 units, lines ended by
// \r\n, \n or \r) → offsets; text edits of one document refer to the original text and must not overlap.

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (char === '\r' && text[index + 1] === '\n') index++;
    if (char === '\r' || char === '\n') starts.push(index + 1);
  }
  return starts;
}

function offsetAt(text: string, starts: number[], position: Position): number {
  const start = starts[position.line];
  assert.ok(start !== undefined, `line ${position.line} is past the end of the text`);
  const next = starts[position.line + 1] ?? text.length;
  const lineText = text.slice(start, next).replace(/\r?\n$|\r$/, '');
  assert.ok(
    position.character <= lineText.length,
    `character ${position.character} is past the end of line ${position.line}`,
  );
  return start + position.character;
}

function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  const starts = lineStarts(text);
  const spans = edits
    .map((edit) => ({
      start: offsetAt(text, starts, edit.range.start),
      end: offsetAt(text, starts, edit.range.end),
      newText: edit.newText,
    }))
    .sort((a, b) => a.start - b.start || a.end - b.end);
  spans.forEach((span, index) => {
    assert.ok(span.start <= span.end, 'an edit range ends before it starts');
    const previous = spans[index - 1];
    assert.ok(!previous || previous.end <= span.start, `edits overlap: ${JSON.stringify(spans)}`);
  });
  let result = text;
  for (const span of [...spans].reverse()) result = result.slice(0, span.start) + span.newText + result.slice(span.end);
  return result;
}

/** Applies `edit` to `files` (URI → text): text changes, and renames that never overwrite. Returns the new files. */
function applyWorkspaceEdit(files: ReadonlyMap<string, string>, edit: WorkspaceEdit | undefined): Map<string, string> {
  assert.ok(edit, 'the action carries an edit');
  const result = new Map(files);
  const editText = (uri: string, edits: readonly TextEdit[]) => {
    const text = result.get(uri);
    assert.ok(text !== undefined, `the edit changes ${uri}, which the test does not know`);
    result.set(uri, applyTextEdits(text, edits));
  };
  for (const [uri, edits] of Object.entries(edit.changes ?? {})) editText(uri, edits);
  for (const change of edit.documentChanges ?? []) {
    if ('textDocument' in change)
      editText(
        change.textDocument.uri,
        change.edits.filter((item): item is TextEdit => 'range' in item),
      );
    else if (change.kind === 'rename') {
      const text = result.get(change.oldUri);
      assert.ok(text !== undefined, `rename of unknown ${change.oldUri}`);
      assert.ok(!result.has(change.newUri) || change.options?.overwrite, `rename would overwrite ${change.newUri}`);
      result.delete(change.oldUri);
      result.set(change.newUri, text);
    } else assert.fail(`unexpected resource operation ${change.kind}`);
  }
  return result;
}

/** The text of one document after `action`'s edit; the edit must change that document only. */
function appliedTo(uri: string, text: string, action: CodeAction | undefined): string {
  assert.ok(action, 'the action exists');
  const files = applyWorkspaceEdit(new Map([[uri, text]]), action.edit);
  assert.deepEqual([...files.keys()], [uri], 'the edit touches only this document');
  return files.get(uri) ?? '';
}

// ---------------------------------------------------------------------------------------------------------------------

type Action = CodeAction | Command;
const isCodeAction = (action: Action): action is CodeAction => typeof (action as CodeAction).command !== 'string';

const contains = (range: Range, position: Position) =>
  (range.start.line < position.line ||
    (range.start.line === position.line && range.start.character <= position.character)) &&
  (range.end.line > position.line || (range.end.line === position.line && range.end.character >= position.character));

/**
 * `textDocument/codeAction` as VS Code sends it for the lightbulb / Ctrl+. at `position`: an empty range there and the
 * diagnostics published for the document that contain it. `only` narrows the kinds (e.g. the Source Action menu).
 */
async function codeActionsAt(
  client: LspClient,
  uri: string,
  position: Position,
  only?: string[],
): Promise<CodeAction[]> {
  const diagnostics = (client.latestDiagnostics(uri) ?? []).filter((diagnostic) =>
    contains(diagnostic.range, position),
  );
  const result = await client.request<Action[] | null>(CodeActionRequest.method, {
    textDocument: { uri },
    range: { start: position, end: position },
    context: { diagnostics, triggerKind: CodeActionTriggerKind.Invoked, ...(only ? { only } : {}) },
  });
  const actions = result ?? [];
  assert.ok(
    actions.every(isCodeAction),
    `the server answers with CodeActions, not bare Commands: ${JSON.stringify(actions)}`,
  );
  return actions;
}

const titles = (actions: readonly CodeAction[]) => actions.map((action) => action.title);
const byTitle = (actions: readonly CodeAction[], title: string) => {
  const found = actions.find((action) => action.title === title);
  assert.ok(found, `no action "${title}" among ${JSON.stringify(titles(actions))}`);
  return found;
};

/** Position `offset` characters into the `occurrence`-th `needle` of `text`. */
const at = (text: string, needle: string, offset = 1, occurrence = 0): Position => {
  const { start } = rangeOf(text, needle, occurrence);
  return { line: start.line, character: start.character + offset };
};

// ---------------------------------------------------------------------------------------------------------------------

/** One broken file per quick fix, written to disk before the server starts (the server tracks files it walked). */
interface FixCase {
  name: string;
  path: string;
  text: string;
  code: string;
  /** Where the cursor is when the user asks for fixes. */
  cursor: string;
  title: string;
  preferred: boolean;
  expected: string;
  /** Other actions the same diagnostic offers (with their own expected text). */
  alternatives?: { title: string; expected: string }[];
}

const SERVICE_HEADER = '# Services running in the testing environment.\n# Pins are bumped by the release bot.\n\n';

const FIX_CASES: FixCase[] = [
  {
    name: 'adds the missing v (file with comments and blank lines)',
    path: 'service/missing-v.yaml',
    text: `${SERVICE_HEADER}- docker: "kayron"\n  github: "kayron"\n\n  deploy:\n    # keep in step with staging\n    release: "0.5.3"   # pinned\n\n- docker: "specta"\n  github: "specta"\n  deploy:\n    release: "v0.3.1"\n`,
    code: 'release-format',
    cursor: '"0.5.3"',
    title: 'Add the missing "v": v0.5.3',
    preferred: true,
    expected: `${SERVICE_HEADER}- docker: "kayron"\n  github: "kayron"\n\n  deploy:\n    # keep in step with staging\n    release: "v0.5.3"   # pinned\n\n- docker: "specta"\n  github: "specta"\n  deploy:\n    release: "v0.3.1"\n`,
  },
  {
    name: 'adds the missing v in a CRLF file, keeping every \\r\\n',
    path: 'service/missing-v-crlf.yaml',
    text: '# CRLF on purpose\r\n- docker: "alloy-crlf"\r\n  github: "alloy"\r\n  deploy:\r\n    release: \'1.12.2\'\r\n\r\n- docker: "lite-crlf"\r\n  github: "splits-lite"\r\n  deploy:\r\n    release: "v0.2.3"\r\n',
    code: 'release-format',
    cursor: "'1.12.2'",
    title: 'Add the missing "v": v1.12.2',
    preferred: true,
    expected:
      '# CRLF on purpose\r\n- docker: "alloy-crlf"\r\n  github: "alloy"\r\n  deploy:\r\n    release: \'v1.12.2\'\r\n\r\n- docker: "lite-crlf"\r\n  github: "splits-lite"\r\n  deploy:\r\n    release: "v0.2.3"\r\n',
  },
  {
    name: 'drops +build metadata from a plain tag',
    path: 'service/build-metadata.yaml',
    text: '- docker: "build-meta"\n  github: "kayron"\n  deploy:\n    release: v1.2.3+build.5\n',
    code: 'release-format',
    cursor: 'v1.2.3+build.5',
    title: 'Drop the build metadata: v1.2.3',
    preferred: true,
    expected: '- docker: "build-meta"\n  github: "kayron"\n  deploy:\n    release: v1.2.3\n',
  },
  {
    name: 'lowercases a docker name',
    path: 'service/docker-case.yaml',
    text: "- docker: 'Splits-Lite-Two'\n  github: 'splits-lite'\n  deploy:\n    release: 'v0.2.3'\n",
    code: 'docker-format',
    cursor: "'Splits-Lite-Two'",
    title: 'Use the lowercase name "splits-lite-two"',
    preferred: true,
    expected: "- docker: 'splits-lite-two'\n  github: 'splits-lite'\n  deploy:\n    release: 'v0.2.3'\n",
  },
  {
    name: 'strips owner/ and .git from github',
    path: 'service/github-name.yaml',
    text: '- docker: "github-name"\n  github: "0xSplits/specta.git"\n  deploy:\n    release: "v0.3.1"\n',
    code: 'github-format',
    cursor: '"0xSplits/specta.git"',
    title: 'Use the repository name "specta"',
    preferred: true,
    expected: '- docker: "github-name"\n  github: "specta"\n  deploy:\n    release: "v0.3.1"\n',
  },
  {
    name: 'renames a misspelled key (CRLF, comments)',
    path: 'service/misspelled.yaml',
    text: '- docker: "misspelled"\r\n  github: "specta"\r\n  deploy:\r\n    # typo below\r\n    relase: "v0.3.1"\r\n    release: "v0.3.0"\r\n',
    code: 'unknown-key',
    cursor: 'relase',
    title: 'Rename to "release"',
    preferred: true,
    // The rename makes a duplicate key: the fix only renames; the next diagnostic is the duplicate's.
    expected:
      '- docker: "misspelled"\r\n  github: "specta"\r\n  deploy:\r\n    # typo below\r\n    release: "v0.3.1"\r\n    release: "v0.3.0"\r\n',
  },
  {
    name: 'keeps one of several strategies, one action per strategy',
    path: 'service/strategies.yaml',
    text: '- docker: "strategies"\n  github: "kayron"\n  deploy:\n    # release: "v0.5.2"\n    branch: "feature/x"\n    release: "v0.5.3"\n    preview: true\n\n# end\n',
    code: 'deploy-strategy-conflict',
    cursor: 'deploy:',
    title: 'Keep only "branch"',
    preferred: false,
    expected:
      '- docker: "strategies"\n  github: "kayron"\n  deploy:\n    # release: "v0.5.2"\n    branch: "feature/x"\n    preview: true\n\n# end\n',
    alternatives: [
      {
        title: 'Keep only "release"',
        expected:
          '- docker: "strategies"\n  github: "kayron"\n  deploy:\n    # release: "v0.5.2"\n    release: "v0.5.3"\n    preview: true\n\n# end\n',
      },
    ],
  },
  {
    name: 'sets the provider to cloudformation',
    path: 'infrastructure/provider.yaml',
    text: '- github: "infrastructure"\n  provider: "aws"\n  deploy:\n    release: "v0.5.8"\n',
    code: 'provider-name',
    cursor: '"aws"',
    title: 'Change the provider to "cloudformation"',
    preferred: true,
    expected: '- github: "infrastructure"\n  provider: "cloudformation"\n  deploy:\n    release: "v0.5.8"\n',
  },
  {
    name: "quotes a coerced scalar with the file's quote style, keeping the source digits",
    path: 'service/coerced.yaml',
    text: "# single quotes here\n- docker: 'coerced'\n  github: 'kayron'\n  deploy:\n    release: 1.10\n",
    code: 'coerced-scalar',
    cursor: '1.10',
    title: "Quote the value: '1.10'",
    preferred: true,
    expected: "# single quotes here\n- docker: 'coerced'\n  github: 'kayron'\n  deploy:\n    release: '1.10'\n",
  },
  {
    name: 'removes a duplicate key with its value',
    path: 'service/duplicate.yaml',
    text: '- docker: "duplicate"\n  github: "specta"\n  deploy:\n    release: "v0.3.1"\n    release: "v0.3.0"\n    preview: true\n',
    code: 'yaml-syntax',
    cursor: 'release: "v0.3.0"',
    title: 'Remove the duplicate key',
    preferred: false,
    expected: '- docker: "duplicate"\n  github: "specta"\n  deploy:\n    release: "v0.3.1"\n    preview: true\n',
  },
];

const YML_TEXT = '- docker: "ignored"\n  github: "specta"\n  deploy:\n    release: "v0.3.1"\n';
const STRAY_TEXT =
  '# a folder CI never mounts\n- docker: "stray"\n  github: "specta"\n  deploy:\n    release: "v0.3.1"\n';

describe('quick fixes over JSON-RPC: request, apply the WorkspaceEdit, compare bytes', () => {
  let root: string;
  let client: LspClient;
  const uriOf = (relativePath: string) => fileUri(path.join(root, relativePath));

  before(async () => {
    root = await copySampleWorkspace();
    for (const fixCase of FIX_CASES) await fs.writeFile(path.join(root, fixCase.path), fixCase.text);
    await fs.writeFile(path.join(root, 'service/extra.yml'), YML_TEXT);
    await fs.mkdir(path.join(root, 'services'));
    await fs.writeFile(path.join(root, 'services/stray.yaml'), STRAY_TEXT);
    // No owner anywhere: the server has no GitHub context, so only the offline quick fixes answer.
    client = await startSettled({ folders: [root] });
  });
  after(async () => {
    await client?.dispose();
    if (root) await removeTree(root);
  });

  /** Opens `relativePath` with `text` and waits until its diagnostics include `code`. */
  async function openWith(
    relativePath: string,
    text: string,
    code: string,
    languageId = 'kayron-release',
  ): Promise<Diagnostic[]> {
    const uri = uriOf(relativePath);
    await client.open(uri, text, languageId);
    return client.waitForDiagnostics(uri, (list) => list.some((diagnostic) => diagnostic.code === code));
  }

  for (const fixCase of FIX_CASES) {
    it(fixCase.name, async () => {
      const uri = uriOf(fixCase.path);
      await openWith(fixCase.path, fixCase.text, fixCase.code);
      const actions = await codeActionsAt(client, uri, at(fixCase.text, fixCase.cursor));
      const fixes = actions.filter((action) =>
        action.diagnostics?.some((diagnostic) => diagnostic.code === fixCase.code),
      );
      assert.deepEqual(titles(fixes), [
        fixCase.title,
        ...(fixCase.alternatives ?? []).map((alternative) => alternative.title),
      ]);
      const fix = byTitle(fixes, fixCase.title);
      assert.equal(fix.kind, 'quickfix');
      assert.equal(fix.isPreferred ?? false, fixCase.preferred);
      const fixed = appliedTo(uri, fixCase.text, fix);
      assert.equal(fixed, fixCase.expected);
      for (const alternative of fixCase.alternatives ?? [])
        assert.equal(appliedTo(uri, fixCase.text, byTitle(fixes, alternative.title)), alternative.expected);
      // The fixed text really is fixed: the server no longer reports this problem on it.
      await client.replace(uri, fixed);
      await client.waitForDiagnostics(uri, (list) => !list.some((diagnostic) => diagnostic.code === fixCase.code));
      await client.close(uri);
    });
  }

  it('renames a .yml release file to .yaml (a rename in the WorkspaceEdit, never over an existing file)', async () => {
    const uri = uriOf('service/extra.yml');
    await openWith('service/extra.yml', YML_TEXT, 'ignored-extension', 'yaml');
    const actions = await codeActionsAt(client, uri, { line: 0, character: 0 });
    const fix = byTitle(actions, 'Rename to extra.yaml');
    assert.equal(fix.kind, 'quickfix');
    assert.equal(fix.isPreferred, true);
    const files = applyWorkspaceEdit(new Map([[uri, YML_TEXT]]), fix.edit);
    assert.deepEqual([...files], [[uriOf('service/extra.yaml'), YML_TEXT]]);

    // With service/extra.yaml taken, no rename is offered.
    await fs.writeFile(path.join(root, 'service/extra.yaml'), YML_TEXT.replace('"ignored"', '"taken"'));
    try {
      assert.deepEqual(
        titles(await codeActionsAt(client, uri, { line: 0, character: 0 })).filter((title) =>
          title.startsWith('Rename'),
        ),
        [],
      );
    } finally {
      await fs.rm(path.join(root, 'service/extra.yaml'));
      await client.close(uri);
    }
  });

  it('moves a file CI lint never sees into service/', async () => {
    const uri = uriOf('services/stray.yaml');
    await openWith('services/stray.yaml', STRAY_TEXT, 'not-linted-by-ci');
    const actions = await codeActionsAt(client, uri, { line: 0, character: 0 });
    const fix = byTitle(actions, 'Move to service/stray.yaml');
    assert.equal(fix.kind, 'quickfix');
    assert.equal(fix.isPreferred ?? false, false);
    const files = applyWorkspaceEdit(new Map([[uri, STRAY_TEXT]]), fix.edit);
    assert.deepEqual([...files], [[uriOf('service/stray.yaml'), STRAY_TEXT]]);
    await client.close(uri);
  });

  it('offers no bump or branch action without GitHub data, only the "Switch to branch…" prompt', async () => {
    const uri = uriOf('service/service.yaml');
    const text = await fs.readFile(path.join(root, 'service/service.yaml'), 'utf8');
    await client.open(uri, text);
    const actions = await codeActionsAt(client, uri, at(text, '"v0.5.3"'));
    assert.deepEqual(titles(actions), ['Switch to branch…']);
    assert.deepEqual(await codeActionsAt(client, uri, { line: 0, character: 0 }, ['source']), []);
    await client.close(uri);
  });
});

// ---------------------------------------------------------------------------------------------------------------------

/**
 * A service whose tags exercise every bump rule: v1.2.3 is pinned; the latest stable is v2.0.0, the newest patch of 1.2
 * is v1.2.7 and the newest 1.x is v1.4.1. Newer-looking tags Kayron rejects (`+build`, `V`, four parts, `latest`), a
 * prerelease and a short alias must never become a bump target.
 */
const BUMPY_TAGS = [
  'v3.0.0+build.7',
  'V4.0.0',
  'v5.0.0.0',
  'latest',
  'v2.1.0-rc.1',
  'v9',
  'v2.0.0',
  'v1.4.1',
  'v1.3.0',
  'v1.2.7',
  'v1.2.4',
  'v1.2.3',
  'v1.1.0',
];
const BUMPY: StandinRepo = {
  name: 'bumpy',
  defaultBranch: 'main',
  tags: BUMPY_TAGS.map((name) => ({ name })),
  branches: [{ name: 'chore/deps' }, { name: 'feature/faster' }, { name: 'main', protected: true }],
  pulls: [{ number: 5, title: 'Faster reconcile', headRef: 'feature/faster' }],
};

/** Comments, a blank line inside the mapping, single quotes and a trailing comment: all must survive every edit. */
const BUMPY_TEXT =
  "# bumpy: bumped by hand, see the runbook\n\n- docker: 'bumpy'   # single quotes on purpose\n  github: 'bumpy'\n  deploy:\n    # weekly\n    release: 'v1.2.3' # pinned\n\n    preview: true\n";
const BUMPY_CRLF_TEXT =
  '- docker: "bumpy-crlf"\r\n  github: "bumpy"\r\n  deploy:\r\n    release: "v1.2.3"\r\n\r\n# end\r\n';
/** On disk with a UTF-8 byte-order mark (VS Code hides it from the document text it sends; Kayron rejects the file). */
const BUMPY_BOM_TEXT =
  '# saved by a Windows editor\n- docker: "bumpy-bom"\n  github: "bumpy"\n  deploy:\n    release: "v1.2.3"\n';
/** A flow mapping: the value can be bumped in place, but no whole-line switch to a branch is possible. */
const FLOW_TEXT = '- docker: "flow"\n  github: "specta"\n  deploy: { release: "v0.3.0" }\n';

describe('bumps and testing branches over JSON-RPC, against the GitHub stand-in', () => {
  let standin: GitHubStandin;
  let root: string;
  let cache: string;
  let client: LspClient;
  let serviceText: string;
  const uriOf = (relativePath: string) => fileUri(path.join(root, relativePath));
  let serviceUri: string;
  let bumpyUri: string;
  let crlfUri: string;

  before(async () => {
    const owner = splitsOrganization();
    owner.repos?.push(BUMPY);
    standin = await startGitHubStandin({ owners: [owner] });
    root = await copySampleWorkspace();
    cache = await makeTempDir();
    await fs.writeFile(path.join(root, 'service/bumpy.yaml'), BUMPY_TEXT);
    await fs.writeFile(path.join(root, 'service/bumpy-crlf.yaml'), BUMPY_CRLF_TEXT);
    await fs.writeFile(path.join(root, 'service/bumpy-bom.yaml'), `\ufeff${BUMPY_BOM_TEXT}`);
    await fs.writeFile(path.join(root, 'service/flow.yaml'), FLOW_TEXT);
    serviceText = await fs.readFile(path.join(root, 'service/service.yaml'), 'utf8');
    serviceUri = uriOf('service/service.yaml');
    bumpyUri = uriOf('service/bumpy.yaml');
    crlfUri = uriOf('service/bumpy-crlf.yaml');
    client = await startSettled({
      folders: [root],
      env: { KAYRON_GITHUB_API_URL: standin.apiUrl, KAYRON_GITHUB_OWNER: SPLITS_OWNER },
      initializationOptions: { cacheDirectory: cache },
    });
    await client.open(serviceUri, serviceText);
    await client.open(bumpyUri, BUMPY_TEXT);
    await client.open(crlfUri, BUMPY_CRLF_TEXT);
    const outdated = (list: Diagnostic[]) => list.some((diagnostic) => diagnostic.code === 'release-outdated');
    await client.waitForDiagnostics(
      serviceUri,
      (list) => list.filter((diagnostic) => diagnostic.code === 'release-outdated').length === 2,
    );
    await client.waitForDiagnostics(bumpyUri, outdated);
    await client.waitForDiagnostics(crlfUri, outdated);
  });
  after(async () => {
    await client?.dispose();
    await standin?.close();
    if (root) await removeTree(root);
    if (cache) await removeTree(cache);
  });

  /** Makes `text` the document's content and waits until the server has published for it. */
  async function show(uri: string, text: string): Promise<void> {
    const since = client.mark();
    await client.replace(uri, text);
    await client.waitForPublishCycle(since);
  }

  it('offers "Bump to vX (latest)" as the preferred quick fix for release-outdated, with the patch and minor variants', async () => {
    const diagnostic = client.latestDiagnostics(bumpyUri)?.find((candidate) => candidate.code === 'release-outdated');
    assert.equal(diagnostic?.message, 'newer release available: v2.0.0');
    const actions = await codeActionsAt(client, bumpyUri, at(BUMPY_TEXT, "'v1.2.3'"));
    const bumps = actions.filter((action) => action.title.startsWith('Bump'));
    assert.deepEqual(titles(bumps), [
      'Bump to v2.0.0 (latest)',
      'Bump to latest patch v1.2.7',
      'Bump to latest minor v1.4.1',
    ]);
    assert.ok(
      bumps.every((action) => action.kind === 'quickfix' && action.diagnostics?.[0]?.code === 'release-outdated'),
    );
    assert.deepEqual(
      bumps.map((action) => action.isPreferred ?? false),
      [true, false, false],
    );
    const pinned = (tag: string) => BUMPY_TEXT.replace("release: 'v1.2.3'", `release: '${tag}'`);
    assert.equal(appliedTo(bumpyUri, BUMPY_TEXT, bumps[0]), pinned('v2.0.0'));
    assert.equal(appliedTo(bumpyUri, BUMPY_TEXT, bumps[1]), pinned('v1.2.7'));
    assert.equal(appliedTo(bumpyUri, BUMPY_TEXT, bumps[2]), pinned('v1.4.1'));
    // Each bump replaces the tag between the quotes and nothing else.
    for (const bump of bumps) {
      const edits = bump.edit?.changes?.[bumpyUri] ?? [];
      assert.equal(edits.length, 1);
      assert.deepEqual(edits[0]?.range, rangeOf(BUMPY_TEXT, 'v1.2.3'));
    }
  });

  it('never bumps to a tag Kayron rejects, a prerelease or an alias, even when it looks newer', async () => {
    const actions = await codeActionsAt(client, bumpyUri, at(BUMPY_TEXT, "'v1.2.3'"));
    const targets = actions.flatMap((action) => action.edit?.changes?.[bumpyUri] ?? []).map((edit) => edit.newText);
    for (const rejected of ['v3.0.0+build.7', 'V4.0.0', 'v5.0.0.0', 'latest', 'v2.1.0-rc.1', 'v9'])
      assert.ok(!targets.includes(rejected), `bump to ${rejected}`);
  });

  it('offers the bumps as refactor.rewrite.kayron.bump anywhere on the value when the client sends no diagnostic', async () => {
    const result = await client.request<CodeAction[]>(CodeActionRequest.method, {
      textDocument: { uri: bumpyUri },
      range: rangeOf(BUMPY_TEXT, "release: 'v1.2.3'"),
      context: { diagnostics: [], only: ['refactor.rewrite.kayron.bump'] },
    });
    assert.deepEqual(titles(result), [
      'Bump to v2.0.0 (latest)',
      'Bump to latest patch v1.2.7',
      'Bump to latest minor v1.4.1',
    ]);
    assert.ok(result.every((action) => action.kind === 'refactor.rewrite.kayron.bump'));
  });

  it('bumps a CRLF file keeping every \\r\\n', async () => {
    const actions = await codeActionsAt(client, crlfUri, at(BUMPY_CRLF_TEXT, '"v1.2.3"'));
    const latest = byTitle(actions, 'Bump to v2.0.0 (latest)');
    assert.equal(appliedTo(crlfUri, BUMPY_CRLF_TEXT, latest), BUMPY_CRLF_TEXT.replace('"v1.2.3"', '"v2.0.0"'));
  });

  it("bumps alloy's commit-suffixed pin to its latest build and kayron to the latest of 250 tags", async () => {
    const alloy = await codeActionsAt(client, serviceUri, at(serviceText, '"v1.12.2-ce60d74"'));
    assert.deepEqual(titles(alloy.filter((action) => action.title.startsWith('Bump'))), [
      'Bump to v1.12.10-9f8e7d6 (latest)',
    ]);
    const kayron = await codeActionsAt(client, serviceUri, at(serviceText, '"v0.5.3"'));
    const bump = byTitle(kayron, `Bump to ${KAYRON_LATEST} (latest)`);
    assert.equal(bump.isPreferred, true);
    assert.equal(appliedTo(serviceUri, serviceText, bump), serviceText.replace('"v0.5.3"', `"${KAYRON_LATEST}"`));
    // specta's pin is its newest release: no bump, but the branch actions.
    const specta = await codeActionsAt(client, serviceUri, at(serviceText, '"v0.3.1"'));
    assert.deepEqual(
      specta.filter((action) => action.title.startsWith('Bump')),
      [],
    );
    assert.ok(titles(specta).includes('Switch to branch…'));
  });

  it('lists branches with open pull requests first as "Switch to branch X", then "Switch to branch…" with the entry', async () => {
    const actions = await codeActionsAt(client, serviceUri, at(serviceText, '"v0.5.3"'));
    const switches = actions.filter((action) => action.kind === 'refactor.rewrite.kayron.switch');
    assert.deepEqual(titles(switches), [
      'Switch to branch feature/preview-envs (#43 Preview environments)',
      `Switch to branch ${KAYRON_PULL.headRef} (#${KAYRON_PULL.number} ${KAYRON_PULL.title})`,
      'Switch to branch old-experiment',
      'Switch to branch…',
    ]);
    const prompt = switches[3];
    assert.equal(prompt?.edit, undefined);
    assert.deepEqual(prompt?.command, {
      title: 'Switch to branch…',
      command: 'kayron.entry.switchToBranch',
      arguments: [{ uri: serviceUri, index: 1 }],
    });
  });

  it('switches to a branch keeping the pin as a comment directly above, and "Switch back to release" restores the bytes', async () => {
    const actions = await codeActionsAt(client, serviceUri, at(serviceText, '"v0.5.3"'));
    const toBranch = byTitle(
      actions,
      `Switch to branch ${KAYRON_PULL.headRef} (#${KAYRON_PULL.number} ${KAYRON_PULL.title})`,
    );
    const onBranch = appliedTo(serviceUri, serviceText, toBranch);
    assert.equal(
      onBranch,
      serviceText.replace('    release: "v0.5.3"\n', `    # release: "v0.5.3"\n    branch: "${KAYRON_PULL.headRef}"\n`),
    );
    try {
      await show(serviceUri, onBranch);
      const back = await codeActionsAt(client, serviceUri, at(onBranch, `"${KAYRON_PULL.headRef}"`));
      assert.deepEqual(titles(back), ['Switch back to release v0.5.3']);
      assert.equal(back[0]?.kind, 'refactor.rewrite.kayron.switch');
      assert.equal(back[0]?.isPreferred, true);
      assert.equal(appliedTo(serviceUri, onBranch, back[0]), serviceText);
    } finally {
      await show(serviceUri, serviceText);
    }
  });

  it('switches a CRLF file with comments to a branch and back, byte for byte', async () => {
    const actions = await codeActionsAt(client, bumpyUri, at(BUMPY_TEXT, "'v1.2.3'"));
    const switches = actions.filter((action) => action.kind === 'refactor.rewrite.kayron.switch');
    // Open pull requests first, the default branch last.
    assert.deepEqual(titles(switches), [
      'Switch to branch feature/faster (#5 Faster reconcile)',
      'Switch to branch chore/deps',
      'Switch to branch main',
      'Switch to branch…',
    ]);
    const crlfActions = await codeActionsAt(client, crlfUri, at(BUMPY_CRLF_TEXT, '"v1.2.3"'));
    const onBranch = appliedTo(
      crlfUri,
      BUMPY_CRLF_TEXT,
      byTitle(crlfActions, 'Switch to branch feature/faster (#5 Faster reconcile)'),
    );
    assert.equal(
      onBranch,
      BUMPY_CRLF_TEXT.replace(
        '    release: "v1.2.3"\r\n',
        '    # release: "v1.2.3"\r\n    branch: "feature/faster"\r\n',
      ),
    );
    const bumpyOnBranch = appliedTo(
      bumpyUri,
      BUMPY_TEXT,
      byTitle(actions, 'Switch to branch feature/faster (#5 Faster reconcile)'),
    );
    assert.equal(
      bumpyOnBranch,
      BUMPY_TEXT.replace(
        "    release: 'v1.2.3' # pinned\n",
        "    # release: 'v1.2.3' # pinned\n    branch: 'feature/faster'\n",
      ),
    );
    try {
      await show(crlfUri, onBranch);
      await show(bumpyUri, bumpyOnBranch);
      const back = await codeActionsAt(client, crlfUri, at(onBranch, '"feature/faster"'));
      assert.equal(appliedTo(crlfUri, onBranch, byTitle(back, 'Switch back to release v1.2.3')), BUMPY_CRLF_TEXT);
      const bumpyBack = await codeActionsAt(client, bumpyUri, at(bumpyOnBranch, "'feature/faster'"));
      assert.equal(appliedTo(bumpyUri, bumpyOnBranch, byTitle(bumpyBack, 'Switch back to release v1.2.3')), BUMPY_TEXT);
    } finally {
      await show(crlfUri, BUMPY_CRLF_TEXT);
      await show(bumpyUri, BUMPY_TEXT);
    }
  });

  it('switching back re-indents a pin commented out at another column, so the mapping stays valid', async () => {
    const onBranch = serviceText.replace('    release: "v0.5.3"\n', '# release: "v0.5.3"\n    branch: "main"\n');
    try {
      await show(serviceUri, onBranch);
      const back = await codeActionsAt(client, serviceUri, at(onBranch, '"main"'));
      assert.deepEqual(titles(back), ['Switch back to release v0.5.3']);
      assert.equal(appliedTo(serviceUri, onBranch, back[0]), serviceText);
    } finally {
      await show(serviceUri, serviceText);
    }
  });

  it('switches back to the latest release when no pin is commented above the branch', async () => {
    const onBranch = serviceText.replace('release: "v0.5.3"', 'branch: "main"');
    try {
      await show(serviceUri, onBranch);
      const back = await codeActionsAt(client, serviceUri, at(onBranch, '"main"'));
      assert.deepEqual(titles(back), [`Switch back to release ${KAYRON_LATEST} (latest)`]);
      assert.equal(appliedTo(serviceUri, onBranch, back[0]), serviceText.replace('"v0.5.3"', `"${KAYRON_LATEST}"`));
    } finally {
      await show(serviceUri, serviceText);
    }
  });

  it('offers no entry action on a file with a byte-order mark, which Kayron rejects outright', async () => {
    const uri = uriOf('service/bumpy-bom.yaml');
    await client.open(uri, BUMPY_BOM_TEXT);
    try {
      await client.waitForDiagnostics(uri, (list) =>
        list.some((diagnostic) => diagnostic.code === 'yaml-syntax' && /byte order mark/.test(diagnostic.message)),
      );
      assert.deepEqual(await codeActionsAt(client, uri, at(BUMPY_BOM_TEXT, '"v1.2.3"')), []);
      assert.equal(
        await client.request(EntryEditRequest, { uri, index: 0, action: { kind: 'release', tag: 'v1.3.0' } }),
        null,
      );
    } finally {
      await client.close(uri);
    }
  });

  it('bumps a value in a flow mapping in place and offers no switch to a branch there', async () => {
    const uri = uriOf('service/flow.yaml');
    await client.open(uri, FLOW_TEXT);
    try {
      await client.waitForDiagnostics(uri, (list) => list.some((diagnostic) => diagnostic.code === 'release-outdated'));
      const actions = await codeActionsAt(client, uri, at(FLOW_TEXT, '"v0.3.0"'));
      assert.deepEqual(titles(actions), ['Bump to v0.3.1 (latest)']);
      assert.equal(appliedTo(uri, FLOW_TEXT, actions[0]), FLOW_TEXT.replace('"v0.3.0"', '"v0.3.1"'));
      assert.equal(
        await client.request(EntryEditRequest, { uri, index: 0, action: { kind: 'branch', name: 'main' } }),
        null,
      );
    } finally {
      await client.close(uri);
    }
  });

  it('"Bump all services to latest" is a source action that bumps every outdated pin of the file and nothing else', async () => {
    for (const only of [['source'], ['source.kayron.bumpAll']]) {
      const actions = await codeActionsAt(client, serviceUri, { line: 0, character: 0 }, only);
      assert.deepEqual(titles(actions), ['Bump all services to latest (2)']);
      assert.equal(actions[0]?.kind, 'source.kayron.bumpAll');
      assert.equal(
        appliedTo(serviceUri, serviceText, actions[0]),
        serviceText.replace('"v1.12.2-ce60d74"', '"v1.12.10-9f8e7d6"').replace('"v0.5.3"', `"${KAYRON_LATEST}"`),
      );
    }
    // Not offered unless asked for (it is not a fix for the cursor's line), nor for another source kind.
    assert.ok(
      !titles(await codeActionsAt(client, serviceUri, at(serviceText, '"v0.5.3"'))).some((title) =>
        title.startsWith('Bump all'),
      ),
    );
    assert.deepEqual(
      await codeActionsAt(client, serviceUri, { line: 0, character: 0 }, ['source.organizeImports']),
      [],
    );
  });

  describe('kayron/entryEdit and the palette requests', () => {
    const entryEdit = (params: EntryEditParams) => client.request<WorkspaceEdit | null>(EntryEditRequest, params);

    it('lists every release entry with its strategy and value', async () => {
      const entries = await client.request<ReleaseEntry[]>(ReleaseEntriesRequest, undefined);
      const kayron = entries.find((entry) => entry.uri === serviceUri && entry.name === 'kayron');
      assert.deepEqual(
        kayron && {
          index: kayron.index,
          line: kayron.line,
          github: kayron.github,
          strategy: kayron.strategy,
          value: kayron.value,
        },
        {
          index: 1,
          line: 5,
          github: 'kayron',
          strategy: 'release',
          value: 'v0.5.3',
        },
      );
    });

    it('lists versions newest first and branches with open pull requests first', async () => {
      const versions = await client.request<{ tag: string; detail?: string }[] | null>(EntryVersionsRequest, {
        uri: bumpyUri,
        github: 'bumpy',
      });
      assert.deepEqual(
        versions?.map((version) => version.tag),
        ['v9', 'v2.1.0-rc.1', 'v2.0.0', 'v1.4.1', 'v1.3.0', 'v1.2.7', 'v1.2.4', 'v1.2.3', 'v1.1.0'],
      );
      assert.match(versions?.find((version) => version.tag === 'v2.0.0')?.detail ?? '', /latest/);
      const branches = await client.request<{ name: string; pullRequestTitle?: string }[] | null>(
        EntryBranchesRequest,
        { uri: bumpyUri, github: 'bumpy' },
      );
      assert.deepEqual(branches, [
        { name: 'feature/faster', pullRequestTitle: '#5 Faster reconcile' },
        { name: 'chore/deps' },
        { name: 'main' },
      ]);
    });

    it('pins a tag (release), switches to a branch (branch) and back (switchBack), each a minimal edit', async () => {
      const pinned = applyWorkspaceEdit(
        new Map([[serviceUri, serviceText]]),
        (await entryEdit({ uri: serviceUri, index: 1, action: { kind: 'release', tag: 'v0.5.20' } })) ?? undefined,
      );
      assert.equal(pinned.get(serviceUri), serviceText.replace('"v0.5.3"', '"v0.5.20"'));

      const branchEdit = await entryEdit({
        uri: serviceUri,
        index: 1,
        action: { kind: 'branch', name: 'feature/preview-envs' },
      });
      const onBranch =
        applyWorkspaceEdit(new Map([[serviceUri, serviceText]]), branchEdit ?? undefined).get(serviceUri) ?? '';
      assert.equal(
        onBranch,
        serviceText.replace('    release: "v0.5.3"\n', '    # release: "v0.5.3"\n    branch: "feature/preview-envs"\n'),
      );
      try {
        await show(serviceUri, onBranch);
        // A branch entry cannot switch to another branch this way (it is already on one).
        assert.equal(await entryEdit({ uri: serviceUri, index: 1, action: { kind: 'branch', name: 'main' } }), null);
        const back = await entryEdit({ uri: serviceUri, index: 1, action: { kind: 'switchBack' } });
        assert.equal(
          applyWorkspaceEdit(new Map([[serviceUri, onBranch]]), back ?? undefined).get(serviceUri),
          serviceText,
        );
      } finally {
        await show(serviceUri, serviceText);
      }
    });

    it('pinning a tag on an entry that follows a branch pins that tag, not the commented one', async () => {
      const onBranch = serviceText.replace(
        '    release: "v0.5.3"\n',
        '    # release: "v0.5.3"\n    branch: "feature/preview-envs"\n',
      );
      try {
        await show(serviceUri, onBranch);
        const edit = await entryEdit({ uri: serviceUri, index: 1, action: { kind: 'release', tag: 'v0.5.20' } });
        assert.equal(
          applyWorkspaceEdit(new Map([[serviceUri, onBranch]]), edit ?? undefined).get(serviceUri),
          serviceText.replace('"v0.5.3"', '"v0.5.20"'),
        );
        // Picking the commented tag itself is exactly "switch back".
        const same = await entryEdit({ uri: serviceUri, index: 1, action: { kind: 'release', tag: 'v0.5.3' } });
        assert.equal(
          applyWorkspaceEdit(new Map([[serviceUri, onBranch]]), same ?? undefined).get(serviceUri),
          serviceText,
        );
      } finally {
        await show(serviceUri, serviceText);
      }
    });

    it('switchBack without a commented pin pins the latest stable tag, not a newer prerelease or alias', async () => {
      const onBranch = BUMPY_TEXT.replace("release: 'v1.2.3'", "branch: 'chore/deps'");
      // The trailing comment and the indentation stay; only `branch: '…'` becomes `release: '…'`.
      try {
        await show(bumpyUri, onBranch);
        const edit = await entryEdit({ uri: bumpyUri, index: 0, action: { kind: 'switchBack' } });
        assert.equal(
          applyWorkspaceEdit(new Map([[bumpyUri, onBranch]]), edit ?? undefined).get(bumpyUri),
          BUMPY_TEXT.replace("'v1.2.3'", "'v2.0.0'"),
        );
      } finally {
        await show(bumpyUri, BUMPY_TEXT);
      }
    });

    it('answers null for an entry that does not exist', async () => {
      assert.equal(await entryEdit({ uri: serviceUri, index: 42, action: { kind: 'release', tag: 'v0.5.20' } }), null);
    });
  });
});

// ---------------------------------------------------------------------------------------------------------------------

describe('with GitHub unreachable', () => {
  let root: string;
  let cache: string;
  let client: LspClient;

  before(async () => {
    // A stand-in that is started and stopped leaves a port on 127.0.0.1 where nothing listens any more.
    const stopped = await startGitHubStandin({ owners: [splitsOrganization()] });
    const apiUrl = stopped.apiUrl;
    await stopped.close();
    root = await copySampleWorkspace();
    cache = await makeTempDir();
    client = await startSettled({
      folders: [root],
      env: { KAYRON_GITHUB_API_URL: apiUrl, KAYRON_GITHUB_OWNER: SPLITS_OWNER },
      initializationOptions: { cacheDirectory: cache },
    });
  });
  after(async () => {
    await client?.dispose();
    if (root) await removeTree(root);
    if (cache) await removeTree(cache);
  });

  it('offers no bump, no branch by name and no bump-all; the requests answer null; nothing throws', async () => {
    const uri = fileUri(path.join(root, 'service/service.yaml'));
    const text = await fs.readFile(path.join(root, 'service/service.yaml'), 'utf8');
    await client.open(uri, text);
    await client.waitForGitHubState((state) => state.owners.length > 0);
    const actions = await codeActionsAt(client, uri, at(text, '"v0.5.3"'));
    assert.deepEqual(titles(actions), ['Switch to branch…']);
    assert.deepEqual(await codeActionsAt(client, uri, { line: 0, character: 0 }, ['source']), []);
    assert.equal(await client.request(EntryVersionsRequest, { uri, github: 'kayron' }), null);
    assert.equal(await client.request(EntryBranchesRequest, { uri, github: 'kayron' }), null);
    // A pinned tag needs no GitHub; a switch back without a commented pin needs the latest tag, which is unknown.
    const pinned = await client.request<WorkspaceEdit | null>(EntryEditRequest, {
      uri,
      index: 1,
      action: { kind: 'release', tag: 'v0.5.4' },
    });
    assert.equal(
      applyWorkspaceEdit(new Map([[uri, text]]), pinned ?? undefined).get(uri),
      text.replace('"v0.5.3"', '"v0.5.4"'),
    );
    const onBranch = text.replace('release: "v0.5.3"', 'branch: "main"');
    const since = client.mark();
    await client.replace(uri, onBranch);
    await client.waitForPublishCycle(since);
    assert.deepEqual(titles(await codeActionsAt(client, uri, at(onBranch, '"main"'))), []);
    assert.equal(await client.request(EntryEditRequest, { uri, index: 1, action: { kind: 'switchBack' } }), null);
    assert.equal(client.exit, undefined, 'the server is still running');
    // runSafe logs "<what> failed: <stack>" when a handler throws; GitHub's own refused requests are logged differently.
    const handlerFailures =
      /^(code actions|listing release entries|listing versions|listing branches|editing a release entry) failed/;
    assert.deepEqual(
      client.logMessages.filter((message) => handlerFailures.test(message)),
      [],
      'no handler threw',
    );
  });
});

describe('versioned edits (the client announces workspace.workspaceEdit.documentChanges)', () => {
  let standin: GitHubStandin;
  let root: string;
  let cache: string;
  let client: LspClient;
  let serviceUri: string;
  let serviceText: string;
  let missingVUri: string;
  const MISSING_V = '- docker: "kayron"\n  github: "kayron"\n  deploy:\n    release: 0.5.3\n';

  before(async () => {
    standin = await startGitHubStandin({ owners: [splitsOrganization()] });
    root = await copySampleWorkspace();
    cache = await makeTempDir();
    await fs.writeFile(path.join(root, 'service/missing-v.yaml'), MISSING_V);
    serviceText = await fs.readFile(path.join(root, 'service/service.yaml'), 'utf8');
    serviceUri = fileUri(path.join(root, 'service/service.yaml'));
    missingVUri = fileUri(path.join(root, 'service/missing-v.yaml'));
    client = await startSettled({
      folders: [root],
      env: { KAYRON_GITHUB_API_URL: standin.apiUrl, KAYRON_GITHUB_OWNER: SPLITS_OWNER },
      initializationOptions: { cacheDirectory: cache },
      documentChanges: true,
    });
    await client.open(serviceUri, serviceText);
    await client.open(missingVUri, MISSING_V);
    await client.waitForDiagnostics(
      serviceUri,
      (list) => list.filter((diagnostic) => diagnostic.code === 'release-outdated').length === 2,
    );
    await client.waitForDiagnostics(missingVUri, (list) =>
      list.some((diagnostic) => diagnostic.code === 'release-format'),
    );
  });
  after(async () => {
    await client?.dispose();
    await standin?.close();
    if (root) await removeTree(root);
    if (cache) await removeTree(cache);
  });

  /**
   * What an LSP editor does with a WorkspaceEdit (Neovim's apply_workspace_edit, VS Code's bulk edit): a TextDocumentEdit
   * whose version is not the document's current one is rejected whole; plain `changes` cannot be checked and apply.
   */
  function applyAsEditor(
    uri: string,
    text: string,
    currentVersion: number,
    edit: WorkspaceEdit | null | undefined,
  ): { applied: boolean; text: string } {
    assert.ok(edit, 'there is an edit');
    for (const change of edit.documentChanges ?? []) {
      if (
        'textDocument' in change &&
        change.textDocument.uri === uri &&
        change.textDocument.version !== null &&
        change.textDocument.version !== currentVersion
      )
        return { applied: false, text };
    }
    return { applied: true, text: applyWorkspaceEdit(new Map([[uri, text]]), edit).get(uri) ?? '' };
  }

  /** The single TextDocumentEdit of `edit`, which must be a documentChanges edit of `uri`. */
  function textDocumentEdit(edit: WorkspaceEdit | null | undefined, uri: string): { version: number | null } {
    const changes = edit?.documentChanges ?? [];
    assert.equal(edit?.changes, undefined, 'no unversioned changes');
    assert.equal(changes.length, 1, JSON.stringify(edit));
    const [change] = changes;
    assert.ok(change && 'textDocument' in change && change.textDocument.uri === uri, JSON.stringify(change));
    return change.textDocument;
  }

  /** Adds a comment line above everything, as a user typing before applying an action would. */
  async function addLineAbove(uri: string, text: string): Promise<string> {
    const since = client.mark();
    await client.change(uri, [
      { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# moved down\n' },
    ]);
    await client.waitForPublishCycle(since);
    return `# moved down\n${text}`;
  }

  async function restore(uri: string, text: string): Promise<void> {
    const since = client.mark();
    await client.replace(uri, text);
    await client.waitForPublishCycle(since);
  }

  it('a quick fix applied after a line was added above is rejected by its version, so the file is not corrupted', async () => {
    const version = client.version(missingVUri);
    const [fix] = (await codeActionsAt(client, missingVUri, at(MISSING_V, '0.5.3'))).filter(
      (action) => action.title === 'Add the missing "v": v0.5.3',
    );
    assert.ok(fix, 'the quick fix is offered');
    assert.equal(
      textDocumentEdit(fix.edit, missingVUri).version,
      version,
      'the edit names the version it was computed for',
    );
    // Applied at once: the fix works.
    assert.equal(
      applyAsEditor(missingVUri, MISSING_V, version ?? -1, fix.edit).text,
      MISSING_V.replace('0.5.3', 'v0.5.3'),
    );
    try {
      const moved = await addLineAbove(missingVUri, MISSING_V);
      const late = applyAsEditor(missingVUri, moved, client.version(missingVUri) ?? -1, fix.edit);
      assert.equal(late.applied, false, `the stale edit was applied: ${JSON.stringify(late.text)}`);
      assert.equal(late.text, moved);
    } finally {
      await restore(missingVUri, MISSING_V);
    }
  });

  it('bumps, branch switches and "bump all" carry the version too, and are rejected once the text moved', async () => {
    const version = client.version(serviceUri) ?? -1;
    const actions = [
      ...(await codeActionsAt(client, serviceUri, at(serviceText, '"v0.5.3"'))),
      ...(await codeActionsAt(client, serviceUri, { line: 0, character: 0 }, ['source.kayron.bumpAll'])),
    ].filter((action) => action.edit);
    const kinds = new Set(actions.map((action) => action.kind));
    assert.ok(
      ['quickfix', 'refactor.rewrite.kayron.switch', 'source.kayron.bumpAll'].every((kind) => kinds.has(kind)),
      JSON.stringify([...kinds]),
    );
    for (const action of actions)
      assert.equal(textDocumentEdit(action.edit, serviceUri).version, version, action.title);
    try {
      const moved = await addLineAbove(serviceUri, serviceText);
      for (const action of actions)
        assert.equal(
          applyAsEditor(serviceUri, moved, client.version(serviceUri) ?? -1, action.edit).applied,
          false,
          action.title,
        );
    } finally {
      await restore(serviceUri, serviceText);
    }
  });

  it("kayron/entryEdit names the open document's version, and version null for a file that is not open", async () => {
    const open = await client.request<WorkspaceEdit | null>(EntryEditRequest, {
      uri: serviceUri,
      index: 1,
      action: { kind: 'release', tag: 'v0.5.20' },
    });
    assert.equal(textDocumentEdit(open, serviceUri).version, client.version(serviceUri));
    assert.equal(
      applyAsEditor(serviceUri, serviceText, client.version(serviceUri) ?? -1, open).text,
      serviceText.replace('"v0.5.3"', '"v0.5.20"'),
    );
    const infrastructureUri = fileUri(path.join(root, 'infrastructure/infrastructure.yaml'));
    const closed = await client.request<WorkspaceEdit | null>(EntryEditRequest, {
      uri: infrastructureUri,
      index: 0,
      action: { kind: 'release', tag: 'v9.9.9' },
    });
    assert.equal(textDocumentEdit(closed, infrastructureUri).version, null);
  });
});
