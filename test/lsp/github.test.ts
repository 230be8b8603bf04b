/**
 * GitHub-backed editing through the built server, against the local GitHub stand-in (test/github-standin): tag, branch
 * and repository completion, release hovers, links in hovers, online diagnostics — and silence when GitHub cannot
 * answer (rate limit, 5xx, timeout, 401, Restricted Mode), with the token never leaving the process.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import {
  DiagnosticSeverity,
  type CompletionItem,
  type Diagnostic,
  type TextEdit,
} from 'vscode-languageserver-protocol/node';
import type { GitHubStateParams } from '../../server/src/protocol';
import { readAllFiles } from '../github-standin/fixtures';
import { startGitHubStandin, type GitHubStandin, type StandinFault } from '../github-standin/server';
import {
  ALLOY_TAGS_NEWEST_FIRST,
  KAYRON_LATEST,
  KAYRON_LATEST_AGE_DAYS,
  KAYRON_PULL,
  KAYRON_TAGS_NEWEST_FIRST,
  kayronReleaseNotes,
  SPLITS_OWNER,
  splitsOrganization,
} from '../github-standin/splits-seed';
import {
  copySampleWorkspace,
  fileUri,
  LspClient,
  makeTempDir,
  rangeOf,
  removeTree,
  startSettled,
  type StartOptions,
} from './lsp-client';
import { scaled } from '../wait-budget';

const TOKEN = 'secret-token-123';
const ONLINE_CODES = new Set(['release-unknown', 'release-outdated', 'branch-unknown', 'github-repo-unknown']);
/** Release entries in the sample workspace (4 services + 1 infrastructure): each is checked online. */
const SAMPLE_ENTRIES = 5;

const codes = (diagnostics: Diagnostic[] | undefined) =>
  (diagnostics ?? []).map((diagnostic) => String(diagnostic.code));
const online = (diagnostics: Diagnostic[] | undefined) =>
  (diagnostics ?? []).filter((diagnostic) => ONLINE_CODES.has(String(diagnostic.code)));
const hasCode = (code: string) => (diagnostics: Diagnostic[]) => codes(diagnostics).includes(code);
const markdownOf = (value: CompletionItem['documentation']) =>
  typeof value === 'object' ? value.value : (value ?? '');
/** Labels in the order the editor shows them: by sortText (the label breaks ties, as VS Code does). */
const inSortOrder = (items: CompletionItem[]) =>
  [...items]
    .sort((a, b) => (a.sortText ?? a.label).localeCompare(b.sortText ?? b.label) || a.label.localeCompare(b.label))
    .map((item) => item.label);
const editOf = (item: CompletionItem | undefined): TextEdit => {
  assert.ok(item?.textEdit && 'range' in item.textEdit, `item has no plain textEdit: ${JSON.stringify(item)}`);
  return item.textEdit;
};

interface Workspace {
  root: string;
  cache: string;
  serviceUri: string;
  serviceText: string;
  infrastructureUri: string;
}

async function sampleWorkspace(): Promise<Workspace> {
  const root = await copySampleWorkspace();
  const cache = await makeTempDir();
  const serviceText = await fs.readFile(path.join(root, 'service/service.yaml'), 'utf8');
  return {
    root,
    cache,
    serviceUri: fileUri(path.join(root, 'service/service.yaml')),
    serviceText,
    infrastructureUri: fileUri(path.join(root, 'infrastructure/infrastructure.yaml')),
  };
}

async function removeWorkspace(workspace: Workspace | undefined): Promise<void> {
  if (!workspace) return;
  await removeTree(workspace.root);
  await removeTree(workspace.cache);
}

/** The standalone server's way of learning where GitHub is: environment variables (no configuration capability). */
function environmentFor(standin: GitHubStandin, extra: Record<string, string> = {}): Record<string, string> {
  return { KAYRON_GITHUB_API_URL: standin.apiUrl, KAYRON_GITHUB_OWNER: SPLITS_OWNER, ...extra };
}

/** Text of `text` with the `occurrence`-th `search` replaced (it must exist). */
function replaced(text: string, search: string, replacement: string): string {
  assert.ok(text.includes(search), `${JSON.stringify(search)} is not in the text`);
  return text.replace(search, replacement);
}

/** Everything the server wrote or stored: stderr, log messages, the JSON-RPC stream and the cache files. */
async function everythingWritten(client: LspClient, cacheDirectory: string): Promise<string> {
  return [client.stderr, client.logMessages.join('\n'), client.stdout, await readAllFiles(cacheDirectory)].join('\n');
}

describe('GitHub features through the language server (signed in, owner from KAYRON_GITHUB_OWNER)', () => {
  let standin: GitHubStandin;
  let workspace: Workspace;
  let client: LspClient;
  let serviceUri: string;
  let serviceText: string;
  const now = Date.now();

  /** Replaces the open service.yaml and returns the new text. */
  async function edit(text: string): Promise<string> {
    await client.replace(serviceUri, text);
    return text;
  }

  /** Completion at the end of `needle` (its `occurrence`-th match) in `text`, after making `text` the document. */
  async function completeAfter(text: string, needle: string, occurrence = 0): Promise<CompletionItem[]> {
    await edit(text);
    return client.completion(serviceUri, rangeOf(text, needle, occurrence).end);
  }

  before(async () => {
    standin = await startGitHubStandin({ owners: [splitsOrganization(now)], tokens: [TOKEN] });
    workspace = await sampleWorkspace();
    ({ serviceUri, serviceText } = workspace);
    client = await startSettled({
      folders: [workspace.root],
      env: environmentFor(standin, { GITHUB_TOKEN: TOKEN }),
      initializationOptions: { cacheDirectory: workspace.cache },
      recordStdout: true,
    });
    await client.open(serviceUri, serviceText);
  });
  after(async () => {
    await client?.dispose();
    await standin?.close();
    await removeWorkspace(workspace);
  });

  it('flags the outdated pins of the sample as information, naming the newest release', async () => {
    const diagnostics = await client.waitForDiagnostics(serviceUri, (list) => online(list).length >= 2);
    assert.deepEqual(
      diagnostics.map(({ code, severity, message, range, source }) => ({ code, severity, message, range, source })),
      [
        {
          code: 'release-outdated',
          severity: DiagnosticSeverity.Information,
          message: `newer release available: ${ALLOY_TAGS_NEWEST_FIRST[0]}`,
          range: rangeOf(serviceText, '"v1.12.2-ce60d74"'),
          source: 'kayron-releases',
        },
        {
          code: 'release-outdated',
          severity: DiagnosticSeverity.Information,
          message: 'newer release available: v0.5.24',
          range: rangeOf(serviceText, '"v0.5.3"'),
          source: 'kayron-releases',
        },
      ],
    );
    // infrastructure v0.5.8 is its newest release; the file is not open, and was published in the same cycle.
    assert.deepEqual(client.latestDiagnostics(workspace.infrastructureUri), []);
    const state = await client.waitForGitHubState((params) => params.owners.length > 0);
    assert.deepEqual(state.owners, [SPLITS_OWNER]);
    assert.equal(state.signedIn, true);
    assert.equal(state.unverified, 0);
  });

  it("fetched all three pages of kayron's 250 tags, signed in", () => {
    const pages = standin.requestsTo(`/repos/${SPLITS_OWNER}/kayron/tags`).filter((request) => request.status === 200);
    assert.deepEqual([...new Set(pages.map((request) => request.query.page))].sort(), ['1', '2', '3']);
    assert.ok(
      pages.every((request) => request.query.per_page === '100'),
      JSON.stringify(pages.map((request) => request.query)),
    );
    assert.ok(
      standin.requests.length > 0 && standin.requests.every((request) => request.auth === 'valid'),
      'every request must carry the token',
    );
  });

  it('completes release: "" with every tag of the repository, newest first, latest marked, notes as documentation', async () => {
    const text = replaced(serviceText, 'release: "v0.5.3"', 'release: ""');
    const items = await completeAfter(text, 'release: "', 1);
    assert.deepEqual(inSortOrder(items), KAYRON_TAGS_NEWEST_FIRST);
    const first = items.find((item) => item.label === KAYRON_LATEST);
    assert.ok(first);
    assert.match(first.detail ?? '', /\blatest\b/);
    assert.match(first.detail ?? '', new RegExp(`published ${KAYRON_LATEST_AGE_DAYS} days ago`));
    assert.equal(first.preselect, true);
    assert.ok(
      markdownOf(first.documentation).includes(kayronReleaseNotes(KAYRON_LATEST)),
      markdownOf(first.documentation),
    );
    assert.ok(markdownOf(first.documentation).includes(`Kayron ${KAYRON_LATEST}`));
    const others = items.filter((item) => item !== first);
    assert.ok(
      others.every((item) => !/\blatest\b/.test(item.detail ?? '')),
      'only one tag is "latest"',
    );
    // A tag without a GitHub release still completes, without notes.
    assert.equal(items.find((item) => item.label === 'v0.1.0')?.documentation, undefined);
    // Inside the quotes: the value is inserted bare, replacing the empty inside.
    const inside = rangeOf(text, 'release: "', 1).end;
    assert.deepEqual(editOf(first), { range: { start: inside, end: inside }, newText: KAYRON_LATEST });
  });

  it('orders commit-suffixed tags by their version', async () => {
    const text = replaced(serviceText, 'release: "v1.12.2-ce60d74"', 'release: ""');
    const items = await completeAfter(text, 'release: "', 0);
    assert.deepEqual(inSortOrder(items), ALLOY_TAGS_NEWEST_FIRST);
    assert.match(items.find((item) => item.label === ALLOY_TAGS_NEWEST_FIRST[0])?.detail ?? '', /\blatest\b/);
  });

  it('replaces a partial quoted value inside its quotes', async () => {
    const text = replaced(serviceText, 'release: "v0.5.3"', 'release: "v0.5.2"');
    const items = await completeAfter(text, 'release: "v0.5.2');
    assert.equal(inSortOrder(items)[0], KAYRON_LATEST);
    assert.deepEqual(editOf(items.find((item) => item.label === 'v0.5.21')), {
      range: rangeOf(text, 'v0.5.2'),
      newText: 'v0.5.21',
    });
  });

  it('quotes an unquoted value the way the file does', async () => {
    const partial = replaced(serviceText, 'release: "v0.5.3"', 'release: v0.5.2');
    const partialItems = await completeAfter(partial, 'release: v0.5.2');
    assert.deepEqual(editOf(partialItems.find((item) => item.label === KAYRON_LATEST)), {
      range: rangeOf(partial, 'v0.5.2'),
      newText: `"${KAYRON_LATEST}"`,
    });

    const empty = replaced(serviceText, 'release: "v0.5.3"', 'release: ');
    const emptyItems = await completeAfter(empty, 'release: ', 1);
    const at = rangeOf(empty, 'release: ', 1).end;
    assert.equal(inSortOrder(emptyItems)[0], KAYRON_LATEST);
    assert.deepEqual(editOf(emptyItems.find((item) => item.label === KAYRON_LATEST)), {
      range: { start: at, end: at },
      newText: `"${KAYRON_LATEST}"`,
    });
  });

  it("keeps a file's single quotes and a file's plain style", async () => {
    const single = serviceText.replaceAll('"', "'").replace("release: 'v0.5.3'", 'release: ');
    const singleItems = await completeAfter(single, 'release: ', 1);
    assert.equal(editOf(singleItems.find((item) => item.label === KAYRON_LATEST)).newText, `'${KAYRON_LATEST}'`);

    const plain = serviceText.replaceAll('"', '').replace('release: v0.5.3', 'release: ');
    const plainItems = await completeAfter(plain, 'release: ', 1);
    assert.equal(editOf(plainItems.find((item) => item.label === KAYRON_LATEST)).newText, KAYRON_LATEST);
  });

  it('closes the quote the user just opened with release: "', async () => {
    const text = replaced(serviceText, 'release: "v0.5.3"', 'release: "');
    const items = await completeAfter(text, 'release: "', 1);
    const item = items.find((candidate) => candidate.label === KAYRON_LATEST);
    const applied = applyEdit(text, editOf(item));
    assert.ok(applied.includes(`release: "${KAYRON_LATEST}"\n`), applied);
  });

  it('completes branch: with the default branch first and open pull-request titles', async () => {
    const text = replaced(serviceText, 'release: "v0.5.3"', 'branch: ""');
    const items = await completeAfter(text, 'branch: "');
    const labels = inSortOrder(items);
    assert.equal(labels[0], 'main');
    assert.deepEqual([...labels].sort(), ['feature/preview-envs', KAYRON_PULL.headRef, 'main', 'old-experiment']);
    const detail = (label: string) => items.find((item) => item.label === label)?.detail;
    assert.match(detail('main') ?? '', /default branch/);
    assert.match(detail(KAYRON_PULL.headRef) ?? '', new RegExp(`#${KAYRON_PULL.number} ${KAYRON_PULL.title}`));
    assert.match(detail('feature/preview-envs') ?? '', /#43 Preview environments/);
    // Only open pull requests count.
    assert.doesNotMatch(detail('old-experiment') ?? '', /#7/);
  });

  it("completes github: with the owner's repositories, archived ones last", async () => {
    const text = replaced(serviceText, 'github: "specta"', 'github: ""');
    const items = await completeAfter(text, 'github: "', 2);
    const labels = inSortOrder(items);
    assert.deepEqual(labels, ['alloy', 'infrastructure', 'kayron', 'specta', 'splits-lite', 'aardvark-legacy']);
    assert.match(items.find((item) => item.label === 'aardvark-legacy')?.detail ?? '', /archived/);
  });

  it('adds release title, date, newer count and release + compare links to the hover on a release value', async () => {
    await edit(serviceText);
    const hover = await client.hover(serviceUri, rangeOf(serviceText, 'v0.5.3').start);
    assert.ok(hover && typeof hover.contents === 'object' && 'kind' in hover.contents, JSON.stringify(hover));
    const markdown = hover.contents.value;
    const web = `${standin.apiUrl}/${SPLITS_OWNER}/kayron`;
    const publishedAt = new Date(now - (KAYRON_LATEST_AGE_DAYS + 21) * 86_400_000 - 3_600_000)
      .toISOString()
      .slice(0, 10);
    assert.ok(markdown.includes(`**Kayron v0.5.3** — ${SPLITS_OWNER}/kayron`), markdown);
    assert.ok(markdown.includes(`Published ${publishedAt}`), markdown);
    assert.ok(markdown.includes('by release-bot'), markdown);
    assert.ok(markdown.includes(kayronReleaseNotes('v0.5.3')), markdown);
    assert.ok(markdown.includes(`21 newer releases; latest is **${KAYRON_LATEST}**`), markdown);
    assert.ok(markdown.includes(`(${web}/releases/tag/v0.5.3)`), markdown);
    assert.ok(markdown.includes(`(${web}/compare/v0.5.3...${KAYRON_LATEST})`), markdown);
  });

  it('links github:, release: and branch: values to GitHub in their hover, not as always-underlined document links', async () => {
    await edit(serviceText);
    assert.equal(
      client.initializeResult?.capabilities.documentLinkProvider,
      undefined,
      'no document links: they underline every value',
    );
    const web = `${standin.apiUrl}/${SPLITS_OWNER}`;
    const hoverText = async (needle: string, occurrence = 0): Promise<string> => {
      const hover = await client.hover(serviceUri, rangeOf(serviceText, needle, occurrence).start);
      return hover && typeof hover.contents === 'object' && 'value' in hover.contents ? hover.contents.value : '';
    };
    assert.equal(await hoverText('alloy', 1), `[Open ${SPLITS_OWNER}/alloy on GitHub](${web}/alloy)`);
    assert.equal(await hoverText('kayron', 1), `[Open ${SPLITS_OWNER}/kayron on GitHub](${web}/kayron)`);
    assert.ok(
      (await hoverText('v0.3.1')).includes(`(${web}/specta/releases/tag/v0.3.1)`),
      'the release hover links the release page',
    );
  });

  it('warns about a tag the repository does not have (release-unknown)', async () => {
    const text = await edit(replaced(serviceText, 'release: "v0.5.3"', 'release: "v0.5.99"'));
    const diagnostics = await client.waitForDiagnostics(serviceUri, hasCode('release-unknown'));
    const unknown = diagnostics.find((diagnostic) => diagnostic.code === 'release-unknown');
    assert.equal(unknown?.severity, DiagnosticSeverity.Warning);
    assert.equal(unknown?.message, `${SPLITS_OWNER}/kayron has no tag v0.5.99.`);
    assert.deepEqual(unknown?.range, rangeOf(text, '"v0.5.99"'));
    // A missing tag is not also "outdated".
    assert.deepEqual(
      codes(diagnostics).filter((code) => ONLINE_CODES.has(code)),
      ['release-outdated', 'release-unknown'],
    );
  });

  it('keeps the online problems of the entries an edit left alone, at their new place, until the next check', async () => {
    const before = await edit(replaced(serviceText, 'release: "v0.5.3"', 'release: "v0.5.99"'));
    const checked = await client.waitForDiagnostics(
      serviceUri,
      (list) => hasCode('release-unknown')(list) && hasCode('release-outdated')(list),
    );
    // The alloy pin (line 3) becomes a format error, one character longer: every later entry moves, none changes.
    const since = client.mark();
    const text = await edit(replaced(before, 'release: "v1.12.2-ce60d74"', 'release: "xv1.12.2-ce60d74"'));
    await client.waitForDiagnostics(serviceUri, hasCode('release-format'), { since });
    const published = client.diagnosticsSince(serviceUri, since);
    const edited = rangeOf(text, '"xv1.12.2-ce60d74"').start.line;
    // Every publish for the new text, the first included: the other entries' online problems (lines unchanged, the
    // edit is within one line), none about the edited entry, the unknown tag where it now is.
    for (const diagnostics of published.filter(hasCode('release-format'))) {
      assert.deepEqual(
        online(diagnostics),
        online(checked).filter((diagnostic) => diagnostic.range.start.line !== edited),
      );
      assert.deepEqual(
        diagnostics.find((diagnostic) => diagnostic.code === 'release-unknown')?.range,
        rangeOf(text, '"v0.5.99"'),
      );
    }
  });

  it('warns about a branch the repository does not have (branch-unknown), not about one it has', async () => {
    const text = await edit(
      replaced(
        replaced(serviceText, 'release: "v0.3.1"', 'branch: "no-such-branch"'),
        'release: "v0.5.3"',
        `branch: "${KAYRON_PULL.headRef}"`,
      ),
    );
    const diagnostics = await client.waitForDiagnostics(serviceUri, hasCode('branch-unknown'));
    assert.deepEqual(
      online(diagnostics).map(({ code, severity, range }) => ({ code, severity, range })),
      [
        {
          code: 'release-outdated',
          severity: DiagnosticSeverity.Information,
          range: rangeOf(text, '"v1.12.2-ce60d74"'),
        },
        { code: 'branch-unknown', severity: DiagnosticSeverity.Warning, range: rangeOf(text, '"no-such-branch"') },
      ],
    );
    assert.match(online(diagnostics)[1]?.message ?? '', /^0xSplits\/specta has no branch no-such-branch/);
    // A branch value's hover links the branch, slashes kept as path separators.
    const hover = await client.hover(serviceUri, rangeOf(text, KAYRON_PULL.headRef).start);
    assert.ok(hover && typeof hover.contents === 'object' && 'value' in hover.contents, JSON.stringify(hover));
    assert.equal(
      hover.contents.value,
      `[Open branch ${KAYRON_PULL.headRef}](${standin.apiUrl}/${SPLITS_OWNER}/kayron/tree/fix/retry-backoff)`,
    );
    assert.deepEqual(hover.range, rangeOf(text, KAYRON_PULL.headRef));
  });

  it('warns about a repository the owner does not have (github-repo-unknown)', async () => {
    const text = await edit(replaced(serviceText, 'github: "splits-lite"', 'github: "splits-gone"'));
    const diagnostics = await client.waitForDiagnostics(serviceUri, hasCode('github-repo-unknown'));
    const unknown = diagnostics.find((diagnostic) => diagnostic.code === 'github-repo-unknown');
    assert.equal(unknown?.severity, DiagnosticSeverity.Warning);
    assert.equal(unknown?.message, `GitHub has no repository ${SPLITS_OWNER}/splits-gone.`);
    assert.deepEqual(unknown?.range, rangeOf(text, '"splits-gone"'));
    await edit(serviceText);
    await client.waitForDiagnostics(
      serviceUri,
      (list) => !hasCode('github-repo-unknown')(list) && online(list).length === 2,
    );
  });

  it('never lets the token reach its output, its logs or the cache', async () => {
    const written = await everythingWritten(client, workspace.cache);
    assert.ok((await fs.readdir(workspace.cache)).length > 0, 'the disk cache is empty: nothing was checked');
    assert.ok(client.stdout.length > 0, 'stdout was not recorded');
    assert.equal(written.includes(TOKEN), false, 'the token appears in what the server wrote');
  });
});

/** Applies one text edit to `text`. */
function applyEdit(text: string, edit: TextEdit): string {
  const lines = text.split('\n');
  const offset = (position: { line: number; character: number }) =>
    lines.slice(0, position.line).reduce((sum, line) => sum + line.length + 1, 0) + position.character;
  return text.slice(0, offset(edit.range.start)) + edit.newText + text.slice(offset(edit.range.end));
}

describe('where the server learns the owner and the API URL', () => {
  let standin: GitHubStandin;
  let workspace: Workspace | undefined;
  let client: LspClient | undefined;

  before(async () => {
    standin = await startGitHubStandin({ owners: [splitsOrganization()] });
  });
  after(async () => {
    await standin.close();
  });

  async function expectOutdatedKayron(
    options: Omit<StartOptions, 'folders'>,
    prepare: (root: string) => Promise<void> = () => Promise.resolve(),
  ): Promise<GitHubStateParams> {
    workspace = await sampleWorkspace();
    await prepare(workspace.root);
    standin.clearLog();
    client = await startSettled({
      folders: [workspace.root],
      initializationOptions: { cacheDirectory: workspace.cache },
      ...options,
    });
    try {
      const diagnostics = await client.waitForDiagnostics(workspace.serviceUri, (list) => online(list).length === 2);
      assert.deepEqual(codes(diagnostics), ['release-outdated', 'release-outdated']);
      assert.ok(standin.requestsTo(`/repos/${SPLITS_OWNER}/kayron/tags`).length > 0);
      return await client.waitForGitHubState((state) => state.owners.length > 0);
    } finally {
      await client.dispose();
      await removeWorkspace(workspace);
    }
  }

  it('takes the owner from the git origin remote when no owner is set', async () => {
    const state = await expectOutdatedKayron({ env: { KAYRON_GITHUB_API_URL: standin.apiUrl } }, async (root) => {
      const git = promisify(execFile);
      await git('git', ['init', '-q'], { cwd: root });
      await git('git', ['remote', 'add', 'origin', `git@github.com:${SPLITS_OWNER}/releases.git`], { cwd: root });
    });
    assert.deepEqual(state.owners, [SPLITS_OWNER]);
    assert.equal(state.signedIn, false);
    assert.ok(standin.requests.every((request) => request.auth === 'none'));
  });

  it('reads kayron.github.owner and kayron.github.apiUrl through workspace/configuration when the client offers it', async () => {
    const state = await expectOutdatedKayron({
      // The environment names another API: with a configuration capability the settings must win.
      env: { KAYRON_GITHUB_API_URL: 'http://127.0.0.1:9', KAYRON_GITHUB_OWNER: 'someone-else' },
      configuration: {
        kayron: { github: { owner: `https://github.com/${SPLITS_OWNER}/releases`, apiUrl: `${standin.apiUrl}/` } },
      },
    });
    assert.deepEqual(state.owners, [SPLITS_OWNER]);
  });

  it('keeps the token for the API it was given for when kayron.github.apiUrl changes', async () => {
    const other = await startGitHubStandin({ owners: [splitsOrganization()], tokens: [TOKEN] });
    const tokenStandin = await startGitHubStandin({ owners: [splitsOrganization()], tokens: [TOKEN] });
    workspace = await sampleWorkspace();
    const github = { owner: SPLITS_OWNER, apiUrl: tokenStandin.apiUrl };
    client = await startSettled({
      folders: [workspace.root],
      env: { GITHUB_TOKEN: TOKEN },
      configuration: { kayron: { github } },
      initializationOptions: { cacheDirectory: workspace.cache },
    });
    try {
      await client.waitForDiagnostics(workspace.serviceUri, (list) => online(list).length === 2);
      assert.ok(tokenStandin.requests.length > 0 && tokenStandin.requests.every((request) => request.auth === 'valid'));
      github.apiUrl = other.apiUrl;
      await client.configurationChanged();
      await client.waitFor('the server to check against the other API', () =>
        other.requestsTo(`/repos/${SPLITS_OWNER}/kayron/tags`).some((request) => request.status === 200)
          ? true
          : undefined,
      );
      assert.deepEqual([...new Set(other.requests.map((request) => request.auth))], ['none']);
      const state = await client.waitForGitHubState((params) => params.signedIn === false);
      assert.equal(state.tokenRejected, false);
    } finally {
      await client.dispose();
      await other.close();
      await tokenStandin.close();
      await removeWorkspace(workspace);
    }
  });

  it('makes no request and reports no owner when neither a setting nor an origin remote names one', async () => {
    workspace = await sampleWorkspace();
    standin.clearLog();
    client = await startSettled({
      folders: [workspace.root],
      env: { KAYRON_GITHUB_API_URL: standin.apiUrl },
      initializationOptions: { cacheDirectory: workspace.cache },
    });
    try {
      const state = await client.waitForGitHubState(() => true);
      assert.deepEqual(state.owners, []);
      const mark = client.mark();
      await client.open(workspace.serviceUri, workspace.serviceText);
      await client.waitForPublishCycle(mark);
      assert.deepEqual(client.latestDiagnostics(workspace.serviceUri), []);
      assert.deepEqual(standin.requests, []);
    } finally {
      await client.dispose();
      await removeWorkspace(workspace);
    }
  });
});

interface Outage {
  name: string;
  /** Faults on every path the server asks for. */
  fault?: StandinFault;
  env?: Record<string, string>;
  initializationOptions?: Record<string, unknown>;
  tokens?: string[];
  expectState: (state: GitHubStateParams) => void;
  expectRequests?: (standin: GitHubStandin) => void;
}

const EVERY_PATH = /^\//;

const OUTAGES: Outage[] = [
  {
    name: 'GitHub answers 403 with the primary rate limit used up',
    fault: { kind: 'rate-limit' },
    expectState: (state) => {
      assert.equal(state.rateLimited, true);
      assert.equal(state.rateLimitRemaining, 0);
      assert.ok((state.rateLimitReset ?? 0) > Date.now(), 'the reset time is in the future');
      assert.equal(state.lastError?.reason, 'rate-limited');
    },
    // After the first 403 the server waits for the reset instead of asking again.
    expectRequests: (standin) =>
      assert.ok(standin.requests.length <= 4, `${standin.requests.length} requests after a rate limit`),
  },
  {
    name: 'GitHub answers 500 to everything (after retries)',
    fault: { kind: 'status', status: 500 },
    expectState: (state) => {
      assert.equal(state.lastError?.reason, 'server-error');
      assert.equal(state.offline, false);
    },
    // Each request is retried (plugin-retry: 3 attempts); once one gives up, the server waits out a back-off instead of
    // sending the rest (at most the 4 already in flight got their attempts).
    expectRequests: (standin) => {
      const attempts = new Map<string, number>();
      for (const request of standin.requests) {
        const key = `${request.path}?${new URLSearchParams(request.query).toString()}`;
        attempts.set(key, (attempts.get(key) ?? 0) + 1);
      }
      assert.ok(
        [...attempts.values()].every((count) => count === 3),
        JSON.stringify([...attempts]),
      );
      assert.ok(attempts.size <= 4, JSON.stringify([...attempts]));
    },
  },
  {
    name: 'GitHub does not answer in time',
    fault: { kind: 'delay', ms: 60_000 },
    expectState: (state) => {
      assert.equal(state.offline, true);
      assert.equal(state.lastError?.reason, 'timeout');
    },
  },
  {
    name: 'GitHub rejects the token with 401',
    env: { GITHUB_TOKEN: TOKEN },
    // The stand-in knows no token, so it answers 401 Bad credentials.
    tokens: [],
    expectState: (state) => {
      assert.equal(state.tokenRejected, true);
      assert.equal(state.signedIn, false);
      assert.equal(state.lastError?.reason, 'unauthorized');
    },
    expectRequests: (standin) => {
      assert.ok(
        standin.requests.length > 0 &&
          standin.requests.every((request) => request.auth === 'invalid' && request.status === 401),
      );
      assert.ok(standin.requests.length <= 4, `${standin.requests.length} requests with a rejected token`);
    },
  },
  {
    name: 'the workspace is not trusted (initializationOptions.trusted = false)',
    env: { GITHUB_TOKEN: TOKEN },
    initializationOptions: { trusted: false },
    expectState: (state) => {
      assert.equal(state.networkAllowed, false);
      assert.equal(state.lastError, undefined);
    },
    expectRequests: (standin) => assert.deepEqual(standin.requests, []),
  },
  {
    name: 'kayron.github.enabled is off (initializationOptions.githubEnabled = false)',
    env: { GITHUB_TOKEN: TOKEN },
    initializationOptions: { githubEnabled: false },
    expectState: (state) => {
      assert.equal(state.networkAllowed, false);
      assert.equal(state.lastError, undefined);
    },
    expectRequests: (standin) => assert.deepEqual(standin.requests, []),
  },
];

describe('no online diagnostics when GitHub cannot answer', () => {
  for (const outage of OUTAGES) {
    describe(`when ${outage.name}`, () => {
      let standin: GitHubStandin;
      let workspace: Workspace;
      let client: LspClient;

      before(async () => {
        standin = await startGitHubStandin({ owners: [splitsOrganization()], tokens: outage.tokens ?? [TOKEN] });
        if (outage.fault) standin.addFault({ path: EVERY_PATH, times: Number.MAX_SAFE_INTEGER, fault: outage.fault });
        workspace = await sampleWorkspace();
        client = await startSettled({
          folders: [workspace.root],
          env: environmentFor(standin, outage.env),
          initializationOptions: { cacheDirectory: workspace.cache, ...outage.initializationOptions },
          recordStdout: true,
        });
      });
      after(async () => {
        await client?.dispose();
        await standin?.close();
        await removeWorkspace(workspace);
      });

      it('reports the state, marks every entry unverified and publishes no online diagnostic', async () => {
        // The check of all entries ends with a state notification carrying the unverified count, then a publish cycle.
        const state = await client.waitForGitHubState((params) => params.unverified === SAMPLE_ENTRIES, {
          timeoutMs: scaled(60_000),
        });
        const stateSeq = client.githubStates.find((received) => received.params === state)?.seq;
        assert.ok(stateSeq !== undefined);
        await client.waitForPublishCycle(stateSeq);
        assert.deepEqual(state.owners, [SPLITS_OWNER]);
        outage.expectState(state);
        for (const uri of [workspace.serviceUri, workspace.infrastructureUri]) {
          assert.deepEqual(client.latestDiagnostics(uri), [], `diagnostics for ${uri}`);
        }
        // Completion and hover stay quiet too (nothing cached): no GitHub items, no GitHub hover section.
        await client.open(workspace.serviceUri, replaced(workspace.serviceText, 'release: "v0.5.3"', 'release: ""'));
        const items = await client.completion(
          workspace.serviceUri,
          rangeOf(workspace.serviceText, 'release: "', 1).end,
        );
        assert.deepEqual(items, []);
        const hover = await client.hover(workspace.serviceUri, rangeOf(workspace.serviceText, 'v1.12.2-ce60d74').start);
        const markdown =
          hover && typeof hover.contents === 'object' && 'value' in hover.contents ? hover.contents.value : '';
        assert.match(markdown, /version 1\.12\.2 with suffix `ce60d74`/, 'the offline hover is still there');
        assert.doesNotMatch(markdown, /0xSplits\/alloy/, 'no GitHub section without GitHub data');
        outage.expectRequests?.(standin);
      });

      it('keeps the token out of everything it wrote', async () => {
        const written = await everythingWritten(client, workspace.cache);
        assert.equal(written.includes(TOKEN), false);
      });
    });
  }
});

describe('a 5xx that clears up', () => {
  it('still yields the outdated hint once a retry succeeds', async () => {
    const standin = await startGitHubStandin({ owners: [splitsOrganization()] });
    const workspace = await sampleWorkspace();
    standin.addFault({
      path: `/repos/${SPLITS_OWNER}/kayron/tags`,
      times: 1,
      fault: { kind: 'status', status: 502, message: 'Bad Gateway' },
    });
    const client = await startSettled({
      folders: [workspace.root],
      env: environmentFor(standin),
      initializationOptions: { cacheDirectory: workspace.cache },
    });
    try {
      const diagnostics = await client.waitForDiagnostics(workspace.serviceUri, (list) => online(list).length === 2);
      assert.deepEqual(
        online(diagnostics).map((diagnostic) => diagnostic.message),
        [`newer release available: ${ALLOY_TAGS_NEWEST_FIRST[0]}`, `newer release available: ${KAYRON_LATEST}`],
      );
      const firstPage = standin
        .requestsTo(`/repos/${SPLITS_OWNER}/kayron/tags`)
        .filter((request) => request.query.page === '1');
      assert.deepEqual(
        firstPage.slice(0, 2).map((request) => request.status),
        [502, 200],
      );
    } finally {
      await client.dispose();
      await standin.close();
      await removeWorkspace(workspace);
    }
  });
});

describe('a GitHub error that echoes the token encoded', () => {
  // Characters that change under URL encoding, and no GitHub token shape, so only redaction by value can catch it.
  const ECHOED_TOKEN = 's3cret/t0ken+echo=me';
  const encodings = [
    ['base64 of x-access-token:TOKEN', Buffer.from(`x-access-token:${ECHOED_TOKEN}`).toString('base64')],
    ['base64 of TOKEN', Buffer.from(ECHOED_TOKEN).toString('base64')],
    ['base64url of TOKEN inside a longer value', Buffer.from(`{"t":"${ECHOED_TOKEN}"}`).toString('base64url')],
    ['URL-encoded x-access-token:TOKEN', encodeURIComponent(`x-access-token:${ECHOED_TOKEN}`)],
    ['URL-encoded TOKEN', encodeURIComponent(ECHOED_TOKEN)],
  ];

  it('reaches neither the log, nor githubState.lastError, nor anything else the server writes, in any encoding', async () => {
    const standin = await startGitHubStandin({ owners: [splitsOrganization()], tokens: [ECHOED_TOKEN] });
    const message = `Resource not accessible; credentials ${encodings.map(([, encoded]) => encoded).join(' ')} were refused`;
    standin.addFault({
      path: EVERY_PATH,
      times: Number.MAX_SAFE_INTEGER,
      fault: { kind: 'status', status: 403, message },
    });
    const workspace = await sampleWorkspace();
    const client = await startSettled({
      folders: [workspace.root],
      env: environmentFor(standin, { GITHUB_TOKEN: ECHOED_TOKEN }),
      initializationOptions: { cacheDirectory: workspace.cache },
      recordStdout: true,
    });
    try {
      const state = await client.waitForGitHubState(
        (params) => params.lastError?.reason === 'forbidden' && params.unverified === SAMPLE_ENTRIES,
        { timeoutMs: 60_000 },
      );
      assert.match(
        state.lastError?.message ?? '',
        /credentials (?:\[REDACTED\] ){5}were refused/,
        'the message got through, with every encoded token redacted',
      );
      const written = await everythingWritten(client, workspace.cache);
      assert.ok(
        written.includes('Resource not accessible'),
        'the error text was written (so the check below means something)',
      );
      for (const [name, encoded] of [['the token', ECHOED_TOKEN], ...encodings] as const) {
        assert.equal(written.includes(encoded), false, `${name} (${encoded}) leaked`);
      }
    } finally {
      await client.dispose();
      await standin.close();
      await removeWorkspace(workspace);
    }
  });
});

describe('a partial tag list', () => {
  // kayron's 250 tags come in pages of 100; v0.2.24 is on page 2.
  const ON_PAGE_TWO = 'v0.2.24';
  const PAGE_FAULTS: [string, StandinFault][] = [
    ['page 2 answers 404', { kind: 'status', status: 404, message: 'Not Found' }],
    [
      'the tags on page 2 have no name',
      {
        kind: 'edit-body',
        edit: (body) => (body as Record<string, unknown>[]).map(({ name: _name, ...rest }) => rest),
      },
    ],
  ];
  for (const [name, fault] of PAGE_FAULTS) {
    it(`${name}: the pin on page 2 gets no release-unknown; the entry is counted unverified`, async () => {
      const standin = await startGitHubStandin({ owners: [splitsOrganization()] });
      standin.addFault({
        path: `/repos/${SPLITS_OWNER}/kayron/tags`,
        query: { page: '2' },
        times: Number.MAX_SAFE_INTEGER,
        fault,
      });
      const workspace = await sampleWorkspace();
      const pinned = replaced(workspace.serviceText, 'release: "v0.5.3"', `release: "${ON_PAGE_TWO}"`);
      await fs.writeFile(path.join(workspace.root, 'service/service.yaml'), pinned);
      const client = await startSettled({
        folders: [workspace.root],
        env: environmentFor(standin),
        initializationOptions: { cacheDirectory: workspace.cache },
      });
      try {
        const state = await client.waitForGitHubState((params) => params.unverified >= 1, { timeoutMs: 60_000 });
        const stateSeq = client.githubStates.find((received) => received.params === state)?.seq ?? 0;
        await client.waitForPublishCycle(stateSeq);
        assert.ok(
          standin.requestsTo(`/repos/${SPLITS_OWNER}/kayron/tags`).some((request) => request.query.page === '2'),
          'page 2 was asked for',
        );
        const kayronLine = rangeOf(pinned, ON_PAGE_TWO).start.line;
        const onKayron = (client.latestDiagnostics(workspace.serviceUri) ?? []).filter(
          (diagnostic) => diagnostic.range.start.line === kayronLine,
        );
        assert.deepEqual(codes(onKayron), [], `diagnostics on the kayron pin: ${JSON.stringify(onKayron)}`);
      } finally {
        await client.dispose();
        await standin.close();
        await removeWorkspace(workspace);
      }
    });
  }
});
