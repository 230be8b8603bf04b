/**
 * Large release files in a real VS Code: a 10,000-entry file gets its diagnostics, an edit in the middle of it is
 * reported at its line and cleared again while hovers keep answering, and a file with more problems than VS Code
 * shows gets the first 1,000 with a note on top, and a file deleted where no file-watcher event comes loses its problems.
 * The files are written into the `releases` folder and removed after.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { scaled, waitFor } from './wait';

const RELEASES_FOLDER = 'releases';
const KAYRON_SOURCES = new Set(['kayron', 'kayron-releases']);
const codeOf = (diagnostic: vscode.Diagnostic) =>
  String(typeof diagnostic.code === 'object' ? diagnostic.code.value : diagnostic.code);
const kayronDiagnostics = (uri: vscode.Uri) =>
  vscode.languages.getDiagnostics(uri).filter((diagnostic) => KAYRON_SOURCES.has(diagnostic.source ?? ''));
const describe_ = (uri: vscode.Uri) => () =>
  `diagnostics now: ${kayronDiagnostics(uri).length}, first: ${JSON.stringify(
    kayronDiagnostics(uri)
      .slice(0, 3)
      .map((d) => `${d.range.start.line + 1} ${codeOf(d)}`),
  )}`;

function releasesFile(relativePath: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.find((candidate) => candidate.name === RELEASES_FOLDER);
  assert.ok(folder, 'the releases folder is open');
  return vscode.Uri.joinPath(folder.uri, relativePath);
}

/**
 * Suspended services around one pinned release in the middle, the entry the test edits. All name the sample's
 * `kayron` repository, so the GitHub stand-in is asked about one repository, not 10,000.
 */
function largeFile(entries: number): { text: string; releaseLine: number } {
  const lines: string[] = [];
  let releaseLine = -1;
  for (let index = 0; index < entries; index++) {
    lines.push(`- docker: "large-${index}"`, '  github: "kayron"', '  deploy:');
    if (index === entries / 2) {
      releaseLine = lines.length;
      lines.push('    release: "v1.2.3"');
    } else lines.push('    suspend: true');
  }
  return { text: `${lines.join('\n')}\n`, releaseLine };
}

/** Every entry broken twice over (a misspelt key, a warning; a bad tag, an error): more problems than VS Code shows. */
function brokenFile(entries: number): string {
  const lines: string[] = [];
  for (let index = 0; index < entries; index++)
    lines.push(`- docker: "broken-${index}"`, '  github: "kayron"', '  relase: "x"', '  deploy:', '    release: "x"');
  return `${lines.join('\n')}\n`;
}

async function openFile(uri: vscode.Uri, text: string): Promise<vscode.TextDocument> {
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document, { preview: false });
  return document;
}

async function closeAndDelete(uri: vscode.Uri): Promise<void> {
  const document = vscode.workspace.textDocuments.find((candidate) => candidate.uri.toString() === uri.toString());
  if (document) {
    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  }
  await vscode.workspace.fs.delete(uri);
  await waitFor(
    `the diagnostics of ${uri.path} to go with the file`,
    () => (kayronDiagnostics(uri).length === 0 ? true : undefined),
    describe_(uri),
  );
}

describe('Large release files in a real VS Code', function () {
  this.timeout(scaled(180_000));

  it('checks a 10,000-entry file, reports an edit in its middle at the right line, and keeps answering hovers', async function () {
    const uri = releasesFile('service/large.yaml');
    const { text, releaseLine } = largeFile(10_000);
    const document = await openFile(uri, text);
    try {
      await waitFor('service/large.yaml to become a release file', () =>
        document.languageId === 'kayron-release' ? true : undefined,
      );
      // A hover on the last entry answers once the file is analysed: the server has taken it in.
      const lastDocker = new vscode.Position(document.lineCount - 5, 4);
      await waitFor('a hover on the last entry', async () =>
        (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, lastDocker)).length >
        0
          ? true
          : undefined,
      );
      assert.deepEqual(
        kayronDiagnostics(uri)
          .map((d) => `${d.range.start.line} ${codeOf(d)}`)
          .filter(
            (line) =>
              !line.endsWith('release-outdated') &&
              !line.endsWith('release-unknown') &&
              !line.endsWith('github-repo-unknown'),
          ),
        [],
      );

      const edit = new vscode.WorkspaceEdit();
      const tagStart = document.lineAt(releaseLine).text.indexOf('"v') + 1;
      edit.replace(uri, new vscode.Range(releaseLine, tagStart, releaseLine, tagStart + 1), 'x');
      assert.ok(await vscode.workspace.applyEdit(edit));
      const reported = await waitFor(
        'release-format at the edited line',
        () => kayronDiagnostics(uri).find((d) => codeOf(d) === 'release-format'),
        describe_(uri),
      );
      assert.equal(reported.range.start.line, releaseLine);
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
        'vscode.executeHoverProvider',
        uri,
        lastDocker,
      );
      assert.ok(hovers.length > 0, 'hover answers on the edited large file');

      const undo = new vscode.WorkspaceEdit();
      undo.replace(uri, new vscode.Range(releaseLine, tagStart, releaseLine, tagStart + 1), 'v');
      assert.ok(await vscode.workspace.applyEdit(undo));
      await waitFor(
        'release-format to clear',
        () => (kayronDiagnostics(uri).some((d) => codeOf(d) === 'release-format') ? undefined : true),
        describe_(uri),
      );
    } finally {
      await closeAndDelete(uri);
    }
  });

  it('clears the problems of a release file deleted where the file watcher sends no event', async function () {
    // files.watcherExclude (test/e2e/harness.js) silences service/unwatched/, and node:fs bypasses VS Code's own file
    // events. The server learns of the new file from the rescan that a watched file's creation starts; it must notice
    // the deletion by itself.
    const gone = releasesFile('service/unwatched/gone.yaml');
    const wake = releasesFile('service/wake.yaml');
    fs.mkdirSync(path.dirname(gone.fsPath), { recursive: true });
    fs.writeFileSync(gone.fsPath, brokenFile(1));
    await vscode.workspace.fs.writeFile(
      wake,
      new TextEncoder().encode('- docker: "wake"\n  github: "kayron"\n  deploy:\n    suspend: true\n'),
    );
    try {
      await waitFor(
        'release-format on the unwatched file',
        () => kayronDiagnostics(gone).find((d) => codeOf(d) === 'release-format'),
        describe_(gone),
      );
      fs.rmSync(path.dirname(gone.fsPath), { recursive: true, force: true });
      await waitFor(
        `the diagnostics of ${gone.path} to go with the file`,
        () => (kayronDiagnostics(gone).length === 0 ? true : undefined),
        describe_(gone),
      );
    } finally {
      fs.rmSync(path.dirname(gone.fsPath), { recursive: true, force: true });
      await closeAndDelete(wake);
    }
  });

  it('shows the first 1,000 problems of a file with more, errors first, under a note', async function () {
    const uri = releasesFile('service/broken.yaml');
    await openFile(uri, brokenFile(600));
    try {
      const diagnostics = await waitFor(
        '1,000 diagnostics with a too-many-problems note',
        () => {
          const found = kayronDiagnostics(uri);
          return found.length === 1000 && found.some((d) => codeOf(d) === 'too-many-problems') ? found : undefined;
        },
        describe_(uri),
      );
      const note = diagnostics.find((d) => codeOf(d) === 'too-many-problems');
      assert.equal(note?.severity, vscode.DiagnosticSeverity.Information);
      assert.match(note?.message ?? '', /^This file has 1,200 problems; the first 999 are shown \(errors first\)\./);
      // Errors first: all 600 release-format errors, then 399 of the 600 unknown-key warnings.
      assert.equal(
        diagnostics.filter((d) => d.severity === vscode.DiagnosticSeverity.Error && codeOf(d) === 'release-format')
          .length,
        600,
      );
      assert.equal(
        diagnostics.filter((d) => d.severity === vscode.DiagnosticSeverity.Warning && codeOf(d) === 'unknown-key')
          .length,
        399,
      );
    } finally {
      await closeAndDelete(uri);
    }
  });
});
