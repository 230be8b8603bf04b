/**
 * Quick fixes for diagnostics with one obvious fix. Every edit touches only the offending value, key or lines;
 * the rest of the file stays byte-identical. Pure: (document, diagnostics, context) → LSP code actions.
 */
import {
  CodeActionKind,
  type CodeAction,
  type Diagnostic,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { checkDockerName, checkGithubName, checkReleaseTag, CLOUDFORMATION_PROVIDER } from '../kayron/grammar';
import type { Range } from '../kayron/problem';
import { documentEdit } from './workspace-edits';

export interface CodeActionContext {
  /** URI of the folder that holds the releases repository (for file renames). */
  rootUri: string;
  relativePath: string;
  /** Whether a file already exists at a workspace-relative path (renames never overwrite). */
  exists(relativePath: string): boolean;
  /** The client takes `documentChanges`: edits carry the document's version (see workspace-edits.ts). */
  versionedEdits?: boolean;
}

interface ValueSpan {
  /** Offsets of the value without its quotes. */
  inner: Range;
  value: string;
}

function valueSpan(document: TextDocument, diagnostic: Diagnostic): ValueSpan {
  const start = document.offsetAt(diagnostic.range.start);
  const end = document.offsetAt(diagnostic.range.end);
  const raw = document.getText().slice(start, end);
  const quoted = raw.length >= 2 && (raw[0] === '"' || raw[0] === "'") && raw.endsWith(raw[0]);
  const inner: Range = quoted ? [start + 1, end - 1] : [start, end];
  return { inner, value: document.getText().slice(inner[0], inner[1]) };
}

function replace(document: TextDocument, range: Range, newText: string): TextEdit {
  return { range: { start: document.positionAt(range[0]), end: document.positionAt(range[1]) }, newText };
}

function fix(title: string, diagnostic: Diagnostic, edit: WorkspaceEdit, isPreferred = true): CodeAction {
  return { title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], edit, isPreferred };
}

function versionedTextFix(
  title: string,
  document: TextDocument,
  diagnostic: Diagnostic,
  edits: TextEdit[],
  isPreferred: boolean,
  versioned: boolean,
): CodeAction {
  return fix(title, diagnostic, documentEdit(document, edits, versioned), isPreferred);
}

/** Offsets of whole lines [first line start, end of last line incl. its line break). */
function wholeLines(text: string, range: Range): Range {
  const start = text.lastIndexOf('\n', range[0] - 1) + 1;
  const newline = text.indexOf('\n', Math.max(range[1] - 1, range[0]));
  return [start, newline < 0 ? text.length : newline + 1];
}

/** A `[start, end]` offset pair from diagnostic data. */
function isRange(value: unknown): value is Range {
  return Array.isArray(value) && value.length === 2 && typeof value[0] === 'number' && typeof value[1] === 'number';
}

/** The key written at `range` (quotes removed), to check that data offsets still describe the document. */
function keyAt(text: string, range: Range): string {
  return text.slice(range[0], range[1]).replace(/^(["'])(.*)\1$/, '$2');
}

const indentOf = (line: string): number => line.length - line.trimStart().length;
const isBlankOrComment = (line: string): boolean => /^[ \t]*(#.*)?\r?$/.test(line);

/**
 * Whether `pair` (key start to value end, from diagnostic data) still spans exactly one key and its value in
 * `text`. Data offsets describe the text the diagnostic was made for; after an edit the editor moves the
 * diagnostic's range but not its data, and a stale range would remove part of a value or a neighbour's lines.
 */
function pairStillWhole(text: string, pair: Range): boolean {
  if (pair[0] < 0 || pair[1] > text.length || pair[0] > pair[1]) return false;
  const lineStart = text.lastIndexOf('\n', pair[0] - 1) + 1;
  const keyIndent = pair[0] - lineStart;
  if (text.slice(lineStart, pair[0]).trim().replace(/^-$/, '') !== '') return false;
  // A block scalar's range ends after its last line break: the value ends where its text does.
  let end = pair[1];
  while (end > pair[0] && /\s/.test(text.charAt(end - 1))) end--;
  const lineEnd = text.indexOf('\n', end);
  // Nothing but a comment may follow the value on its last line...
  if (!isBlankOrComment(text.slice(end, lineEnd < 0 ? text.length : lineEnd))) return false;
  // ...no line inside it may sit at the key's level (that would be a neighbour)...
  const inside = text.slice(pair[0], end).split('\n').slice(1);
  if (inside.some((line) => !isBlankOrComment(line) && indentOf(line) <= keyIndent)) return false;
  // ...and the next line with content must not be indented under the key (that would be more of the value).
  if (lineEnd < 0) return true;
  const next = text
    .slice(lineEnd + 1)
    .split('\n')
    .find((line) => !isBlankOrComment(line));
  return next === undefined || indentOf(next) <= keyIndent;
}

/**
 * The quote a fix that must quote a value adds: the file's more common one among quoted values, double on a tie.
 * Plain values do not count (the value gets quotes either way), and a value must start on the key's line.
 */
function quoteToAdd(text: string): '"' | "'" {
  const single = (text.match(/:[ \t]+'/g) ?? []).length;
  const double = (text.match(/:[ \t]+"/g) ?? []).length;
  return single > double ? "'" : '"';
}

function releaseTagFixesOf(document: TextDocument, diagnostic: Diagnostic, versioned: boolean): CodeAction[] {
  const { inner, value } = valueSpan(document, diagnostic);
  const candidates: [string, string][] = [];
  const trimmed = value.trim();
  const withoutBuild = trimmed.replace(/\+.*$/, '');
  if (withoutBuild !== trimmed) candidates.push([`Drop the build metadata: ${withoutBuild}`, withoutBuild]);
  const withV = withoutBuild.replace(/^[vV]?/, 'v');
  if (withV !== withoutBuild) candidates.push([`Add the missing "v": ${withV}`, withV]);
  if (trimmed !== value) candidates.push([`Remove the spaces: ${trimmed}`, trimmed]);
  const seen = new Set<string>();
  return candidates
    .filter(([, tag]) => checkReleaseTag(tag) === undefined && !seen.has(tag) && seen.add(tag))
    .slice(0, 1)
    .map(([title, tag]) =>
      versionedTextFix(title, document, diagnostic, [replace(document, inner, tag)], true, versioned),
    );
}

export function quickFixes(
  document: TextDocument,
  diagnostics: readonly Diagnostic[],
  context: CodeActionContext,
): CodeAction[] {
  const textFix = (
    title: string,
    target: TextDocument,
    diagnostic: Diagnostic,
    edits: TextEdit[],
    isPreferred = true,
  ): CodeAction => versionedTextFix(title, target, diagnostic, edits, isPreferred, context.versionedEdits === true);
  const releaseTagFixes = (target: TextDocument, diagnostic: Diagnostic): CodeAction[] =>
    releaseTagFixesOf(target, diagnostic, context.versionedEdits === true);
  const text = document.getText();
  const actions: CodeAction[] = [];
  for (const diagnostic of diagnostics) {
    const data = (diagnostic.data ?? {}) as Record<string, unknown>;
    switch (diagnostic.code) {
      case 'release-format':
        actions.push(...releaseTagFixes(document, diagnostic));
        break;
      case 'docker-format': {
        const { inner, value } = valueSpan(document, diagnostic);
        const lower = value.toLowerCase();
        if (lower !== value && checkDockerName(lower) === undefined) {
          actions.push(
            textFix(`Use the lowercase name "${lower}"`, document, diagnostic, [replace(document, inner, lower)]),
          );
        }
        break;
      }
      case 'github-format': {
        const { inner, value } = valueSpan(document, diagnostic);
        const name = value.replace(/^.*\//, '').replace(/\.git$/, '');
        if (name !== value && name !== '' && checkGithubName(name) === undefined) {
          actions.push(
            textFix(`Use the repository name "${name}"`, document, diagnostic, [replace(document, inner, name)]),
          );
        }
        break;
      }
      case 'provider-name': {
        const { inner } = valueSpan(document, diagnostic);
        actions.push(
          textFix(`Change the provider to "${CLOUDFORMATION_PROVIDER}"`, document, diagnostic, [
            replace(document, inner, CLOUDFORMATION_PROVIDER),
          ]),
        );
        break;
      }
      case 'coerced-scalar': {
        const source = typeof data['source'] === 'string' ? data['source'] : undefined;
        if (source === undefined) break;
        const quote = quoteToAdd(text);
        const start = document.offsetAt(diagnostic.range.start);
        const end = document.offsetAt(diagnostic.range.end);
        actions.push(
          textFix(`Quote the value: ${quote}${source}${quote}`, document, diagnostic, [
            replace(document, [start, end], `${quote}${source}${quote}`),
          ]),
        );
        break;
      }
      case 'unknown-key': {
        const suggestion = typeof data['suggestion'] === 'string' ? data['suggestion'] : undefined;
        if (!suggestion) break;
        const start = document.offsetAt(diagnostic.range.start);
        const end = document.offsetAt(diagnostic.range.end);
        actions.push(
          textFix(`Rename to "${suggestion}"`, document, diagnostic, [replace(document, [start, end], suggestion)]),
        );
        break;
      }
      case 'deploy-strategy-conflict': {
        const enabled = Array.isArray(data['enabled']) ? (data['enabled'] as string[]) : [];
        const keys = Array.isArray(data['strategyKeys']) ? (data['strategyKeys'] as unknown[]) : [];
        const pairs = Array.isArray(data['strategyPairs']) ? (data['strategyPairs'] as unknown[]) : [];
        if (enabled.length !== keys.length || enabled.length !== pairs.length || ![...keys, ...pairs].every(isRange))
          break;
        // Data offsets are those of the text the diagnostic was made for: offer nothing if the document moved on.
        if (
          !enabled.every(
            (name, index) => keyAt(text, keys[index] as Range) === name && pairStillWhole(text, pairs[index] as Range),
          )
        )
          break;
        enabled.forEach((keep, index) => {
          const edits = (pairs as Range[])
            .filter((_, other) => other !== index)
            .map((pair) => replace(document, wholeLines(text, pair), ''));
          actions.push(textFix(`Keep only "${keep}"`, document, diagnostic, edits, false));
        });
        break;
      }
      case 'yaml-syntax': {
        if (!/ mapping key "[^"]*" already defined at /.test(diagnostic.message)) break;
        const pair = data['pair'];
        if (isRange(pair) && pair[0] === document.offsetAt(diagnostic.range.start) && pairStillWhole(text, pair))
          actions.push(
            textFix(
              'Remove the duplicate key',
              document,
              diagnostic,
              [replace(document, wholeLines(text, pair), '')],
              false,
            ),
          );
        break;
      }
      case 'ignored-extension': {
        const target = context.relativePath.replace(/\.[^./]+$/, '.yaml');
        if (target !== context.relativePath && !context.exists(target)) {
          actions.push(
            fix(`Rename to ${target.slice(target.lastIndexOf('/') + 1)}`, diagnostic, renameEdit(context, target)),
          );
        }
        break;
      }
      case 'not-linted-by-ci': {
        const target = `service/${context.relativePath.slice(context.relativePath.lastIndexOf('/') + 1)}`;
        if (!context.exists(target))
          actions.push(fix(`Move to ${target}`, diagnostic, renameEdit(context, target), false));
        break;
      }
      default:
        break;
    }
  }
  return actions;
}

function renameEdit(context: CodeActionContext, target: string): WorkspaceEdit {
  const root = context.rootUri.replace(/\/$/, '');
  const uri = (relativePath: string) => `${root}/${relativePath.split('/').map(encodeURIComponent).join('/')}`;
  return {
    documentChanges: [
      {
        kind: 'rename',
        oldUri: uri(context.relativePath),
        newUri: uri(target),
        options: { overwrite: false, ignoreIfExists: false },
      },
    ],
  };
}
