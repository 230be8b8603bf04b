/** Palette flows on release entries: pick a service, then a version or a branch; the server computes the edit. */
import * as vscode from 'vscode';
import type { LanguageClient, WorkspaceEdit } from 'vscode-languageclient/node';
import {
  EntryBranchesRequest,
  EntryEditRequest,
  EntryVersionsRequest,
  ReleaseEntriesRequest,
  type EntryEditParams,
  type ReleaseEntry,
} from '../../server/src/protocol';

/** The code-action kind of the per-file "Bump all services to latest" source action. */
const BUMP_ALL_KIND = vscode.CodeActionKind.Source.append('kayron').append('bumpAll');

async function pickEntry(
  client: LanguageClient,
  placeHolder: string,
  filter: (entry: ReleaseEntry) => boolean,
): Promise<ReleaseEntry | undefined> {
  const entries = (await client.sendRequest(ReleaseEntriesRequest)).filter(filter);
  if (entries.length === 0) {
    void vscode.window.showInformationMessage('Kayron: no release entry to choose from in this workspace.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    entries.map((entry) => ({
      label: entry.name,
      description: entry.label,
      detail: `${entry.relativePath}:${entry.line + 1}`,
      entry,
    })),
    { placeHolder, matchOnDescription: true },
  );
  return picked?.entry;
}

/** The open document an edit was computed for an older version of, if any (VS Code's applyEdit does not check). */
function staleDocument(edit: WorkspaceEdit): vscode.TextDocument | undefined {
  for (const change of edit.documentChanges ?? []) {
    if (!('textDocument' in change) || change.textDocument.version === null) continue;
    const target = vscode.Uri.parse(change.textDocument.uri).toString();
    const open = vscode.workspace.textDocuments.find((document) => document.uri.toString() === target);
    if (open && open.version !== change.textDocument.version) return open;
  }
  return undefined;
}

const CHANGED_MEANWHILE =
  'Kayron: the file changed while the edit was prepared; nothing was changed. Run the command again.';

async function applyEntryEdit(client: LanguageClient, params: EntryEditParams): Promise<boolean> {
  const edit = await client.sendRequest(EntryEditRequest, params);
  if (!edit) {
    void vscode.window.showWarningMessage(
      'Kayron: this entry cannot be changed that way (it changed meanwhile, or has another strategy).',
    );
    return false;
  }
  const workspaceEdit = await client.protocol2CodeConverter.asWorkspaceEdit(edit);
  // Checked right before applying: the edit's ranges describe the text of the version the server names.
  if (staleDocument(edit)) {
    void vscode.window.showWarningMessage(CHANGED_MEANWHILE);
    return false;
  }
  const applied = await vscode.workspace.applyEdit(workspaceEdit);
  if (applied) {
    const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(params.uri));
    await vscode.window.showTextDocument(document, { preview: false });
  }
  return applied;
}

async function pickVersion(client: LanguageClient, entry: ReleaseEntry): Promise<string | undefined> {
  const versions = await client.sendRequest(EntryVersionsRequest, { uri: entry.uri, github: entry.github });
  if (!versions) {
    void vscode.window
      .showWarningMessage(
        `Kayron: the tags of ${entry.github} are not available (signed out, offline or rate-limited).`,
        'Sign in',
      )
      .then((choice) => {
        if (choice) void vscode.commands.executeCommand('kayron.github.signIn');
      });
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    versions.map((version) => ({
      label: version.tag,
      description: [version.tag === entry.value ? 'current' : '', version.detail ?? ''].filter(Boolean).join(' · '),
      detail: version.summary,
    })),
    { placeHolder: `Version of ${entry.name} (now ${entry.label})`, matchOnDetail: true },
  );
  return picked?.label;
}

async function pickBranch(
  client: LanguageClient,
  uri: string,
  github: string,
  name: string,
): Promise<string | undefined> {
  const branches = await client.sendRequest(EntryBranchesRequest, { uri, github });
  if (!branches) {
    void vscode.window.showWarningMessage(
      `Kayron: the branches of ${github} are not available (signed out, offline or rate-limited).`,
    );
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    branches.map((branch) => ({ label: branch.name, description: branch.pullRequestTitle ?? '' })),
    { placeHolder: `Branch of ${github} for ${name} to follow in testing`, matchOnDescription: true },
  );
  return picked?.label;
}

export async function bumpService(client: LanguageClient): Promise<void> {
  // Entries without a strategy, suspended or in conflict have no one value a tag could replace: the server would
  // refuse the edit.
  const entry = await pickEntry(
    client,
    'Service to bump',
    (candidate) => candidate.github !== '' && (candidate.strategy === 'release' || candidate.strategy === 'branch'),
  );
  if (!entry) return;
  const tag = await pickVersion(client, entry);
  if (tag) await applyEntryEdit(client, { uri: entry.uri, index: entry.index, action: { kind: 'release', tag } });
}

export async function switchServiceToBranch(client: LanguageClient): Promise<void> {
  const entry = await pickEntry(
    client,
    'Service to switch to a testing branch',
    (candidate) => candidate.strategy === 'release' && candidate.github !== '',
  );
  if (!entry) return;
  const branch = await pickBranch(client, entry.uri, entry.github, entry.name);
  if (branch)
    await applyEntryEdit(client, { uri: entry.uri, index: entry.index, action: { kind: 'branch', name: branch } });
}

/** From the "Switch to branch…" code action: `{ uri, index }` of the entry. */
export async function switchEntryToBranch(
  client: LanguageClient,
  target: { uri: string; index: number } | undefined,
): Promise<void> {
  if (!target) return switchServiceToBranch(client);
  // The code action names the document as the editor does, the entry list as node's file URLs do: compare parsed URIs
  // (they differ in percent-encoding, e.g. of "@" or a drive letter's ":").
  const targetUri = vscode.Uri.parse(target.uri).toString();
  const entry = (await client.sendRequest(ReleaseEntriesRequest)).find(
    (candidate) => vscode.Uri.parse(candidate.uri).toString() === targetUri && candidate.index === target.index,
  );
  if (!entry) {
    void vscode.window.showWarningMessage('Kayron: that release entry is gone (the file changed meanwhile).');
    return;
  }
  const branch = await pickBranch(client, entry.uri, entry.github, entry.name);
  if (branch)
    await applyEntryEdit(client, { uri: entry.uri, index: entry.index, action: { kind: 'branch', name: branch } });
}

/** Every release file's "Bump all services to latest" source action, shown first and applied as one edit. */
export async function bumpAllServices(client: LanguageClient): Promise<void> {
  const entries = await client.sendRequest(ReleaseEntriesRequest);
  const files = [...new Set(entries.filter((entry) => entry.strategy === 'release').map((entry) => entry.uri))];
  const combined = new vscode.WorkspaceEdit();
  const summary: string[] = [];
  /** Each file's version when its edits were computed: the confirmation takes time, and the text may move meanwhile. */
  const versions = new Map<vscode.TextDocument, number>();
  for (const uri of files) {
    const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
    versions.set(document, document.version);
    const range = new vscode.Range(0, 0, document.lineCount, 0);
    const actions =
      (await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        document.uri,
        range,
        BUMP_ALL_KIND.value,
      )) ?? [];
    const action = actions.find((candidate) => candidate.kind?.value === BUMP_ALL_KIND.value);
    for (const [target, edits] of action?.edit?.entries() ?? []) {
      for (const edit of edits) {
        combined.replace(target, edit.range, edit.newText);
        summary.push(
          `${vscode.workspace.asRelativePath(target)}:${edit.range.start.line + 1} ${document.getText(edit.range)} → ${edit.newText}`,
        );
      }
    }
  }
  if (summary.length === 0) {
    void vscode.window.showInformationMessage(
      'Kayron: every pinned service is on its latest release (or GitHub data is unavailable).',
    );
    return;
  }
  const choice = await vscode.window.showInformationMessage(
    `Bump ${summary.length} release${summary.length === 1 ? '' : 's'} to the latest version?`,
    { modal: true, detail: summary.join('\n') },
    'Bump',
  );
  if (choice !== 'Bump') return;
  if ([...versions].some(([document, version]) => document.version !== version)) {
    void vscode.window.showWarningMessage(CHANGED_MEANWHILE);
    return;
  }
  await vscode.workspace.applyEdit(combined);
}
