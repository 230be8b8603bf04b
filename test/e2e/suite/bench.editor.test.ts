/**
 * Editor-level latency in a real VS Code (run by test/bench/editor-bench.js through run-extension-tests.js --bench, never
 * by `npm test`): in a releases clone with history (so the environments model and the development column are live),
 * a 1,000- and a 5,000-entry file are opened and edited like typing (TextEditor.edit, which goes through the workbench
 * as a keystroke does). Times, in the extension host: edit → the release-format diagnostic is announced to extensions
 * (`onDidChangeDiagnostics`, which VS Code debounces by 50 ms), edit back → it is gone, and a hover on the edited value.
 * When each edit started is printed too (`KAYRON_EDITOR_BENCH_EDITS`, epoch ms): the runner pairs it with when the page
 * drew and removed the squiggle (test/e2e/squiggle-probe.js), which is what a user sees. Prints one
 * `KAYRON_EDITOR_BENCH <json>` line per size; the assertions are only functional (the right diagnostic at the right
 * line), never about time.
 */
import * as assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { EXTENSION_ID, waitFor } from './wait';

const RELEASES_FOLDER = 'releases';
const SIZES = [4, 1_000, 5_000];
const WARMUP = 2;
const ROUNDS = Number(process.env.KAYRON_EDITOR_BENCH_ROUNDS ?? '15');
/** After each measured change, before the next edit: the page draws on its next frame, the probe must see it first. */
const TYPING_PAUSE_MS = 100;
const epochNow = () => performance.timeOrigin + performance.now();
const codeOf = (diagnostic: vscode.Diagnostic) =>
  String(typeof diagnostic.code === 'object' ? diagnostic.code.value : diagnostic.code);

/**
 * The committed large file (run-extension-tests.js --bench writes it before the history is made); for 4 entries the
 * sample's service.yaml, the baseline: what the editor and the extension host cost whatever the file's size.
 */
function largeFile(entries: number): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.find((candidate) => candidate.name === RELEASES_FOLDER);
  assert.ok(folder, 'the releases folder is open');
  return vscode.Uri.joinPath(folder.uri, entries === 4 ? 'service/service.yaml' : `service/large-${entries}.yaml`);
}

function stats(values: number[]): { median: number; p95: number; runs: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
  return { median: at(0.5), p95: at(0.95), runs: values.length };
}

/**
 * Applies `edit` and resolves with the ms until the extension host announces diagnostics for the file that satisfy
 * `settled`; `started` gets the epoch ms at which the edit was asked for.
 */
async function timeUntilDiagnostics(
  uri: vscode.Uri,
  edit: () => Thenable<boolean>,
  settled: (diagnostics: readonly vscode.Diagnostic[]) => boolean,
  started: (epochMs: number) => void,
): Promise<number> {
  let subscription: vscode.Disposable | undefined;
  const reached = new Promise<number>((resolve) => {
    subscription = vscode.languages.onDidChangeDiagnostics((event) => {
      if (
        event.uris.some((candidate) => candidate.toString() === uri.toString()) &&
        settled(vscode.languages.getDiagnostics(uri))
      )
        resolve(performance.now());
    });
  });
  const start = performance.now();
  started(epochNow());
  try {
    assert.ok(await edit(), 'the edit was applied');
    const deadline = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`no settled diagnostics for ${uri.path} within 60 s`)), 60_000),
    );
    return (await Promise.race([reached, deadline])) - start;
  } finally {
    subscription?.dispose();
  }
}

describe('Editor-level latency (bench)', function () {
  this.timeout(600_000);

  before(async function () {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    await extension.activate();
  });

  for (const entries of SIZES) {
    it(`times squiggle, clear and hover in a ${entries.toLocaleString('en')}-entry file`, async function () {
      const uri = largeFile(entries);
      const document = await vscode.workspace.openTextDocument(uri);
      const editor = await vscode.window.showTextDocument(document, { preview: false });
      await waitFor(`${uri.path} to become a release file`, () =>
        document.languageId === 'kayron-release' ? true : undefined,
      );
      const line = document
        .getText()
        .split('\n')
        .findIndex((text) => text.includes('release: "v0.5.3"'));
      assert.ok(line >= 0, 'the file pins one release in its middle');
      const tag = document.lineAt(line).text.indexOf('"v') + 1;
      const flip = new vscode.Range(line, tag, line, tag + 1);
      const hoverAt = new vscode.Position(line, tag + 3);
      // The edited line on screen, so the page draws its squiggle.
      editor.revealRange(flip, vscode.TextEditorRevealType.InCenter);
      // Analysed (a hover answers) and the environments model has taken the file in.
      await waitFor('a hover on the edited value', async () =>
        (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, hoverAt)).length > 0
          ? true
          : undefined,
      );
      const hasFormatError = (diagnostics: readonly vscode.Diagnostic[]) =>
        diagnostics.some(
          (diagnostic) => codeOf(diagnostic) === 'release-format' && diagnostic.range.start.line === line,
        );
      const editApplied: number[] = [];
      const squiggle: number[] = [];
      const cleared: number[] = [];
      const hover: number[] = [];
      const edits: { at: number; squiggle: boolean }[] = [];
      const pause = () => new Promise((resolve) => setTimeout(resolve, TYPING_PAUSE_MS));
      for (let round = 0; round < WARMUP + ROUNDS; round++) {
        let applied = 0;
        const measured = round >= WARMUP;
        const record = (squiggle: boolean) => (at: number) => {
          if (measured) edits.push({ at, squiggle });
        };
        const shown = await timeUntilDiagnostics(
          uri,
          async () => {
            const start = performance.now();
            const done = await editor.edit((builder) => builder.replace(flip, 'x'));
            applied = performance.now() - start;
            return done;
          },
          hasFormatError,
          record(true),
        );
        await pause();
        const gone = await timeUntilDiagnostics(
          uri,
          () => editor.edit((builder) => builder.replace(flip, 'v')),
          (diagnostics) => !hasFormatError(diagnostics),
          record(false),
        );
        await pause();
        const hoverStart = performance.now();
        const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
          'vscode.executeHoverProvider',
          uri,
          hoverAt,
        );
        const hoverMs = performance.now() - hoverStart;
        assert.ok(hovers.length > 0, 'the hover answers');
        if (round < WARMUP) continue;
        editApplied.push(applied);
        squiggle.push(shown);
        cleared.push(gone);
        hover.push(hoverMs);
      }
      console.log(
        `KAYRON_EDITOR_BENCH ${JSON.stringify({ entries, editApplied: stats(editApplied), squiggleEvent: stats(squiggle), clearedEvent: stats(cleared), hover: stats(hover) })}`,
      );
      console.log(`KAYRON_EDITOR_BENCH_EDITS ${JSON.stringify({ entries, edits })}`);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    });
  }
});
