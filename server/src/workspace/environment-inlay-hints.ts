/**
 * The inlay hints after `deploy:` (what each environment deploys for that service) in the lines `range` covers, from
 * the environments matrix of the file's root.
 */
import type { InlayHint, Range } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { StatusMatrix } from '../environments/matrix';
import { environmentHints } from '../environments/environment-hints';
import { serviceKeys, type EntrySource } from '../kayron/entry-model';
import { editorBomShift } from '../features/text-lines';
import { analyzeReleaseFile } from '../features/validate';
import { DEFAULT_DEFER_LIMITS } from './analysis-pool';
import type { ReleaseWorkspace } from './release-workspace';

export async function environmentInlayHints(
  document: TextDocument,
  located: { workspace: ReleaseWorkspace; relativePath: string },
  matrix: StatusMatrix,
  range: Range,
): Promise<InlayHint[]> {
  const { workspace, relativePath } = located;
  // A large file may still be analysed on the worker: hints follow once its analysis matches the editor.
  await workspace.settled(relativePath);
  const text = document.getText();
  const known = workspace.textOf(relativePath);
  // The server's copy carries a BOM the editor hides; offsets shift by one then.
  const lined = known === undefined ? undefined : editorBomShift(known, text);
  const shift = lined ?? 0;
  const current = lined !== undefined;
  // Analysing here is for the rare text the workspace does not track yet; never a large one on the event loop.
  if (!current && text.length >= DEFAULT_DEFER_LIMITS.wholeTextLength) return [];
  const analysis = current ? workspace.analysisOf(relativePath) : analyzeReleaseFile(relativePath, text);
  if (!analysis?.fileClass.loadedByKayron) return [];
  const sources: EntrySource[] = workspace.orderedFiles().map((file) => ({
    relativePath: file.relativePath,
    loadedByKayron: file.analysis.fileClass.loadedByKayron,
    entries: (file.relativePath === relativePath ? analysis : file.analysis).decoded?.entries ?? [],
  }));
  if (!sources.some((source) => source.relativePath === relativePath))
    sources.push({ relativePath, loadedByKayron: true, entries: analysis.decoded?.entries ?? [] });
  const analysedText = known === text || shift === 1 ? (known ?? text) : text;
  // Only the entries whose `deploy:` line is in the asked range (the editor asks for what is visible): a hint per
  // entry of a 5,000-entry file on every request would cost the server and the editor for lines nobody sees.
  const from = document.offsetAt({ line: range.start.line, character: 0 }) + shift;
  const to = document.offsetAt({ line: range.end.line + 1, character: 0 }) + shift;
  const visible = (analysis.decoded?.entries ?? []).filter(
    (entry) => entry.deploy !== undefined && entry.deploy.key[1] >= from && entry.deploy.key[0] <= to,
  );
  const hints = environmentHints(analysedText, relativePath, visible, serviceKeys(sources), matrix);
  return hints
    .map((hint): InlayHint => ({
      position: document.positionAt(Math.max(0, hint.offset - shift)),
      label: hint.label,
      paddingLeft: true,
      tooltip: { kind: 'markdown', value: hint.tooltip },
    }))
    .filter((hint) => hint.position.line >= range.start.line && hint.position.line <= range.end.line);
}
