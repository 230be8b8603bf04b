/**
 * Version bumps and testing-branch switches on release entries, as code actions. Pure: the caller passes the
 * entries, the service's accepted tags (newest first) and its branches; every edit is a minimal text edit.
 */
import { CodeActionKind, type CodeAction, type Diagnostic, type TextEdit } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { DecodedEntry } from '../yaml/decode';
import { latestMinor, latestPatch, latestTag, newerTags, type VersionedTag } from '../github/versions';
import {
  setReleaseEdit,
  switchBackEdits,
  switchToBranchEdits,
  commentedReleaseAbove,
  type OffsetEdit,
} from './release-edits';
import { documentEdit } from './workspace-edits';

/** Refactor kinds, so users can bind keys to them (`editor.action.codeAction` with a kind). */
export const BUMP_KIND = `${CodeActionKind.RefactorRewrite}.kayron.bump`;
export const SWITCH_KIND = `${CodeActionKind.RefactorRewrite}.kayron.switch`;
export const BUMP_ALL_KIND = `${CodeActionKind.Source}.kayron.bumpAll`;
/** Client command that asks for a branch with a quick pick, then applies the switch. */
export const PICK_BRANCH_COMMAND = 'kayron.entry.switchToBranch';
/** Branch actions offered inline; the rest are one quick pick away. */
export const INLINE_BRANCHES = 3;

export interface EntryBranch {
  name: string;
  pullRequestTitle?: string;
}

/**
 * The most recently updated branches first. GitHub's branch list has no dates, so the last update of a branch's open
 * pull request stands for it (those are the branches being worked on); then the other branches, the default branch last.
 */
export function orderBranchesByRecency<
  T extends { name: string; isDefault?: boolean; pullRequestTitle?: string; updatedAt?: string },
>(branches: readonly T[]): T[] {
  return [...branches].sort(
    (a, b) =>
      (b.updatedAt ?? '').localeCompare(a.updatedAt ?? '') ||
      Number(b.pullRequestTitle !== undefined) - Number(a.pullRequestTitle !== undefined) ||
      Number(a.isDefault ?? false) - Number(b.isDefault ?? false),
  );
}

export function toTextEdits(document: TextDocument, edits: readonly OffsetEdit[]): TextEdit[] {
  return edits.map((edit) => ({
    range: { start: document.positionAt(edit.range[0]), end: document.positionAt(edit.range[1]) },
    newText: edit.newText,
  }));
}

export interface BumpTarget {
  tag: string;
  title: string;
  preferred: boolean;
}

/** "Bump to vX (latest)", "Bump to latest patch", "Bump to latest minor" — only targets newer than the pin, never a rejected tag. */
export function bumpTargets(current: string, tags: readonly VersionedTag[]): BumpTarget[] {
  const newer = new Set(newerTags(current, tags).map((tag) => tag.name));
  const targets: BumpTarget[] = [];
  const latest = latestTag(tags);
  if (latest && newer.has(latest.name))
    targets.push({ tag: latest.name, title: `Bump to ${latest.name} (latest)`, preferred: true });
  const patch = latestPatch(current, tags);
  if (patch && newer.has(patch.name) && !targets.some((target) => target.tag === patch.name))
    targets.push({ tag: patch.name, title: `Bump to latest patch ${patch.name}`, preferred: false });
  const minor = latestMinor(current, tags);
  if (minor && newer.has(minor.name) && !targets.some((target) => target.tag === minor.name))
    targets.push({ tag: minor.name, title: `Bump to latest minor ${minor.name}`, preferred: false });
  return targets;
}

export interface EntryActionInput {
  document: TextDocument;
  /** The server's text of the file (equal to the document's, but with a hidden BOM restored). */
  text: string;
  entry: DecodedEntry;
  /** Accepted tags of the entry's repository, newest first; undefined when GitHub data is not available. */
  tags: VersionedTag[] | undefined;
  branches: EntryBranch[] | undefined;
  /** The `release-outdated` diagnostic on this entry, if the client sent it (bumps then become quick fixes). */
  outdated?: Diagnostic | undefined;
  /** The client takes `documentChanges`: edits carry `document.version` (see workspace-edits.ts). */
  versionedEdits?: boolean;
}

export function entryActions(input: EntryActionInput): CodeAction[] {
  const { document, text, entry, tags, branches } = input;
  const actions: CodeAction[] = [];
  const uri = document.uri;
  const edit = (edits: readonly OffsetEdit[]) =>
    documentEdit(document, toTextEdits(document, edits), input.versionedEdits === true);
  const release = entry.deploy?.release;
  const branch = entry.deploy?.branch;
  if (release && release.value && !branch) {
    for (const target of tags ? bumpTargets(release.value, tags) : []) {
      const bump = setReleaseEdit(text, entry, target.tag);
      if (!bump) continue;
      const asFix = input.outdated !== undefined;
      actions.push({
        title: target.title,
        kind: asFix ? CodeActionKind.QuickFix : BUMP_KIND,
        ...(asFix && input.outdated ? { diagnostics: [input.outdated] } : {}),
        isPreferred: target.preferred,
        edit: edit([bump]),
      });
    }
    for (const candidate of (branches ?? []).slice(0, INLINE_BRANCHES)) {
      const edits = switchToBranchEdits(text, entry, candidate.name);
      if (!edits) continue;
      actions.push({
        title: `Switch to branch ${candidate.name}${candidate.pullRequestTitle ? ` (${candidate.pullRequestTitle})` : ''}`,
        kind: SWITCH_KIND,
        edit: edit(edits),
      });
    }
    // Only where a switch is possible at all (not in a flow mapping such as `deploy: { release: "v1" }`).
    if (switchToBranchEdits(text, entry, 'branch')) {
      actions.push({
        title: 'Switch to branch…',
        kind: SWITCH_KIND,
        command: { title: 'Switch to branch…', command: PICK_BRANCH_COMMAND, arguments: [{ uri, index: entry.index }] },
      });
    }
  }
  if (branch && branch.value && !release) {
    const commented = commentedReleaseAbove(text, entry);
    const fallback = tags ? latestTag(tags)?.name : undefined;
    const edits = switchBackEdits(text, entry, fallback);
    if (edits) {
      actions.push({
        title: commented
          ? `Switch back to release ${commented.tag}`
          : `Switch back to release ${fallback ?? ''} (latest)`,
        kind: SWITCH_KIND,
        isPreferred: true,
        edit: edit(edits),
      });
    }
  }
  return actions;
}

/** "Bump all services to latest" for one file: one edit per outdated pin. */
export function bumpAllEdits(
  text: string,
  entries: readonly DecodedEntry[],
  tagsOf: (github: string) => VersionedTag[] | undefined,
): OffsetEdit[] {
  const edits: OffsetEdit[] = [];
  for (const entry of entries) {
    const release = entry.deploy?.release;
    const github = entry.github?.value;
    if (!release?.value || !github || entry.deploy?.branch) continue;
    const tags = tagsOf(github);
    const latest = tags && bumpTargets(release.value, tags).find((target) => target.preferred);
    const edit = latest && setReleaseEdit(text, entry, latest.tag);
    if (edit) edits.push(edit);
  }
  return edits;
}
