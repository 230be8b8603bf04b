/**
 * Publishes every root's problems as diagnostics (Kayron's and the extension's, plus the online GitHub checks) and
 * sends the per-root `kayron/verdict`. Asked for as often as anything changes, it publishes once per turn of the
 * event loop, converts a file's problems again only when they or its text changed, and sends a file's diagnostics
 * only when they differ from what the client has.
 */
import { pathToFileURL } from 'node:url';
import type { Connection, Diagnostic, TextDocuments } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { limitProblems, toDiagnostic } from '../features/diagnostics';
import { lineOfOffset } from '../features/text-lines';
import type { Problem } from '../kayron/problem';
import { KayronVerdictNotification, type KayronVerdictParams } from '../protocol';
import type { GitHubSession } from '../workspace/github-session';
import type { RunSafe } from './run-safe';
import type { WorkspaceRegistry } from './workspace-registry';

export interface DiagnosticsPublisherDeps {
  connection: Connection;
  documents: TextDocuments<TextDocument>;
  registry: WorkspaceRegistry;
  github: () => GitHubSession | undefined;
  runSafe: RunSafe;
  /** After diagnostics were sent for a file (the vanished-file check follows what is shown). */
  onSent: () => void;
}

const sameProblems = (a: readonly Problem[], b: readonly Problem[]): boolean =>
  a.length === b.length && a.every((problem, index) => problem === b[index]);

export class DiagnosticsPublisher {
  /** Per URI, the JSON of the diagnostics the client has. */
  private readonly published = new Map<string, string>();
  /** Per URI, what its last diagnostics were built from: unchanged files are not converted and compared again. */
  private readonly convertedFrom = new Map<
    string,
    { text: string; shift: number; verdict: Problem | undefined; problems: readonly Problem[] }
  >();
  private pending: NodeJS.Immediate | undefined;

  constructor(private readonly deps: DiagnosticsPublisherDeps) {}

  /** Publishes on the next turn of the event loop (once, however often it is asked for meanwhile). */
  schedule(): void {
    if (this.pending) return;
    this.pending = setImmediate(() => {
      this.pending = undefined;
      void this.deps.runSafe('publishing diagnostics', undefined, () => this.publishAll());
    });
  }

  /** Whether some file shows problems. */
  showsProblems(): boolean {
    return [...this.published.values()].some((key) => key !== '[]');
  }

  private publishAll(): void {
    const { documents, registry, connection } = this.deps;
    const github = this.deps.github();
    const seen = new Set<string>();
    const verdicts: KayronVerdictParams['verdicts'] = [];
    for (const workspace of registry.workspaces.values()) {
      const validation = workspace.validate();
      for (const [relativePath, problems] of validation.problems) {
        const uri = pathToFileURL(`${workspace.rootPath}/${relativePath}`).toString();
        seen.add(uri);
        const open = documents.get(uri);
        const text = workspace.textOf(relativePath) ?? '';
        // A BOM the editor hides sits at offset 0 of our text; shift so positions match the editor's text.
        const shift = open && text.startsWith('\ufeff') && !open.getText().startsWith('\ufeff') ? 1 : 0;
        const online = github?.problemsFor(workspace, relativePath, text) ?? [];
        const verdictProblem = validation.kayronVerdict?.problem;
        const verdictHere =
          verdictProblem && (problems.includes(verdictProblem) || online.includes(verdictProblem))
            ? verdictProblem
            : undefined;
        const all = limitProblems(online.length > 0 ? [...problems, ...online] : problems, verdictHere);
        const before = this.convertedFrom.get(uri);
        // Problem objects never change: the same objects over the same text give the same diagnostics.
        if (
          before &&
          before.text === text &&
          before.shift === shift &&
          before.verdict === verdictHere &&
          sameProblems(before.problems, all)
        ) {
          continue;
        }
        this.convertedFrom.set(uri, { text, shift, verdict: verdictHere, problems: all });
        // The open document already knows its line starts; building them again costs milliseconds on large files.
        const document =
          open && !shift && open.getText() === text
            ? open
            : TextDocument.create(uri, 'yaml', 0, shift ? text.slice(1) : text);
        const diagnostics: Diagnostic[] = all.map((problem) =>
          toDiagnostic(
            document,
            shift
              ? { ...problem, range: [Math.max(0, problem.range[0] - shift), Math.max(0, problem.range[1] - shift)] }
              : problem,
            verdictProblem === problem,
          ),
        );
        this.send(uri, diagnostics);
      }
      const verdict = validation.kayronVerdict;
      const rootUri = pathToFileURL(workspace.rootPath).toString();
      if (verdict) {
        const text = workspace.textOf(verdict.relativePath) ?? '';
        const line = lineOfOffset(text, verdict.problem.range[0]);
        const { code, message } = verdict.problem;
        verdicts.push({ root: rootUri, file: verdict.relativePath, code, message, line });
      } else if (validation.unchecked.length > 0) {
        // Not checked is not passed: Kayron's verdict is unknown until those files can be read.
        const unchecked = validation.unchecked.map((file) => ({
          file: file.relativePath,
          code: file.problem.code,
          message: file.problem.message,
        }));
        verdicts.push({ root: rootUri, unchecked });
      } else verdicts.push({ root: rootUri });
    }
    for (const uri of [...this.convertedFrom.keys()]) if (!seen.has(uri)) this.convertedFrom.delete(uri);
    for (const uri of [...this.published.keys()]) {
      if (seen.has(uri)) continue;
      this.send(uri, []);
      this.published.delete(uri);
    }
    void connection.sendNotification(KayronVerdictNotification, { verdicts });
  }

  private send(uri: string, diagnostics: Diagnostic[]): void {
    const key = JSON.stringify(diagnostics);
    if (this.published.get(uri) === key) return;
    this.published.set(uri, key);
    void this.deps.connection.sendDiagnostics({ uri, diagnostics });
    this.deps.onSent();
  }
}
