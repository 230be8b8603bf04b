/**
 * WorkspaceEdits for one document. A client that announces `workspace.workspaceEdit.documentChanges` gets a
 * TextDocumentEdit carrying the version the edits were computed for, so it rejects them once the text has moved on
 * (a line added above would otherwise shift every range onto the wrong text); files that are not open have version
 * null. Other clients get plain `changes`.
 */
import type { TextEdit, WorkspaceEdit } from 'vscode-languageserver';

export interface EditTarget {
  uri: string;
  /** The editor's version of the text the edits were computed from; null for a file that is not open. */
  version: number | null;
}

export function documentEdit(target: EditTarget, edits: TextEdit[], versioned: boolean): WorkspaceEdit {
  if (!versioned) return { changes: { [target.uri]: edits } };
  return { documentChanges: [{ textDocument: { uri: target.uri, version: target.version }, edits }] };
}
