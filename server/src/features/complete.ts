/**
 * Completion in release files: keys valid at the cursor, values Kayron accepts, and (through injected sources)
 * GitHub tags, branches and repositories. Pure: (text, offset, sources) → LSP completion items.
 */
import {
  CompletionItemKind,
  InsertTextFormat,
  MarkupKind,
  type CompletionItem,
  type TextEdit,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { KEY_DOCS } from '../schema/release-schema';
import { cursorContext } from './cursor-context';
import { DEPLOY_KEYS, ENTRY_KEYS } from './validate';

export interface VersionChoice {
  tag: string;
  /** Short label, e.g. "latest · published 3 days ago · staging". */
  detail?: string;
  /** Markdown release notes. */
  documentation?: string;
  /** The notes as one line of plain text (first sentence that is not a heading), for pickers and completion details. */
  summary?: string;
}
export interface BranchChoice {
  name: string;
  isDefault?: boolean;
  pullRequestTitle?: string;
  /** Last update of the branch's open pull request (ISO), when there is one. */
  updatedAt?: string;
}
export interface RepositoryChoice {
  name: string;
  archived?: boolean;
  description?: string;
}

/** Data from GitHub; `undefined` means "not known right now" and yields no items, never a guess. */
export interface CompletionSources {
  versions?(github: string): Promise<VersionChoice[] | undefined>;
  branches?(github: string): Promise<BranchChoice[] | undefined>;
  repositories?(): Promise<RepositoryChoice[] | undefined>;
}

const pad = (index: number) => String(index).padStart(5, '0');

/** The quote the file uses for string values (the real releases history always double-quotes). */
export function preferredQuote(text: string): '"' | "'" | '' {
  const double = (text.match(/:[ \t]+"/g) ?? []).length;
  const single = (text.match(/:[ \t]+'/g) ?? []).length;
  const plain = (text.match(/:[ \t]+[A-Za-z0-9]/g) ?? []).length;
  if (double >= single && double >= plain && double > 0) return '"';
  if (single > plain) return "'";
  return double === 0 && single === 0 && plain > 0 ? '' : '"';
}

export async function complete(
  document: TextDocument,
  offset: number,
  sources: CompletionSources = {},
): Promise<CompletionItem[]> {
  const text = document.getText();
  const context = cursorContext(text, offset);
  const range = (span: [number, number]) => ({
    start: document.positionAt(span[0]),
    end: document.positionAt(span[1]),
  });

  if (context.kind === 'entry-key' || context.kind === 'deploy-key') {
    const keys = context.kind === 'entry-key' ? ENTRY_KEYS : DEPLOY_KEYS;
    const items: CompletionItem[] = keys
      .filter((key) => !context.existingKeys.includes(key))
      .map((key, index) => ({
        label: key,
        kind: CompletionItemKind.Property,
        documentation: { kind: MarkupKind.Markdown, value: KEY_DOCS[key] },
        textEdit: {
          range: range(context.replace),
          newText: key === 'deploy' ? 'deploy:\n' : `${key}: `,
        } satisfies TextEdit,
        sortText: pad(index),
        ...(key === 'deploy' ? {} : { command: { title: 'Suggest', command: 'editor.action.triggerSuggest' } }),
      }));
    if (context.kind === 'entry-key' && context.newItem) {
      const quote = preferredQuote(text) || '"';
      const q = (inner: string) => `${quote}${inner}${quote}`;
      items.push({
        label: 'new service entry',
        kind: CompletionItemKind.Snippet,
        detail: 'docker, github and a pinned release',
        insertTextFormat: InsertTextFormat.Snippet,
        textEdit: {
          range: range(context.replace),
          newText: `docker: ${q('${1:name}')}\n  github: ${q('${2:$1}')}\n  deploy:\n    release: ${q('${3:v0.1.0}')}`,
        },
        sortText: pad(99),
      });
    }
    return items;
  }
  if (context.kind !== 'value') return [];

  const quote = context.quote || preferredQuote(text);
  // Right after `key:` a space must separate the value, or YAML reads one plain scalar.
  const space = !context.quote && text[context.replace[0] - 1] === ':' ? ' ' : '';
  // A typed opening quote without its partner gets the closing quote too, so the value stays a valid scalar.
  const wrap = (value: string) =>
    context.quote ? `${value}${context.closed ? '' : context.quote}` : `${space}${quote}${value}${quote}`;
  const edit = (value: string): TextEdit => ({ range: range(context.replace), newText: wrap(value) });
  const key = context.parent === 'deploy' ? `deploy.${context.key}` : context.key;
  const github = context.entry['github'] ?? '';

  switch (key) {
    case 'provider':
      return [
        {
          label: 'cloudformation',
          kind: CompletionItemKind.EnumMember,
          textEdit: edit('cloudformation'),
          documentation: { kind: MarkupKind.Markdown, value: KEY_DOCS.provider },
        },
      ];
    case 'deploy.suspend':
    case 'deploy.preview':
      return ['true', 'false'].map((value, index) => ({
        label: value,
        kind: CompletionItemKind.Value,
        // Booleans must stay unquoted: Kayron rejects "true".
        textEdit: {
          range: range([
            context.replace[0] - (context.quote ? 1 : 0),
            context.replace[1] + (context.quote && context.closed ? 1 : 0),
          ]),
          newText: `${space}${value}`,
        },
        sortText: pad(index),
      }));
    case 'deploy.release': {
      if (!github || !sources.versions) return [];
      const versions = await sources.versions(github);
      return (versions ?? []).map((version, index) => ({
        label: version.tag,
        kind: CompletionItemKind.Constant,
        ...(version.detail || version.summary
          ? { detail: [version.detail, version.summary].filter(Boolean).join(' — ') }
          : {}),
        ...(version.detail ? { labelDetails: { description: version.detail } } : {}),
        ...(version.documentation
          ? { documentation: { kind: MarkupKind.Markdown, value: version.documentation } }
          : {}),
        textEdit: edit(version.tag),
        filterText: version.tag,
        sortText: pad(index),
        ...(index === 0 ? { preselect: true } : {}),
      }));
    }
    case 'deploy.branch': {
      if (!github || !sources.branches) return [];
      const branches = await sources.branches(github);
      return (branches ?? [])
        .slice()
        .sort((a, b) => Number(b.isDefault ?? false) - Number(a.isDefault ?? false))
        .map((branch, index) => ({
          label: branch.name,
          kind: CompletionItemKind.Reference,
          detail:
            [branch.isDefault ? 'default branch' : '', branch.pullRequestTitle ? `PR: ${branch.pullRequestTitle}` : '']
              .filter(Boolean)
              .join(' · ') || undefined,
          textEdit: edit(branch.name),
          sortText: pad(index),
        }));
    }
    case 'github':
    case 'docker': {
      if (!sources.repositories) return [];
      const repositories = await sources.repositories();
      return (repositories ?? [])
        .slice()
        .sort((a, b) => Number(a.archived ?? false) - Number(b.archived ?? false) || a.name.localeCompare(b.name))
        .map((repository, index) => ({
          label: key === 'docker' ? repository.name.toLowerCase() : repository.name,
          kind: CompletionItemKind.Module,
          detail: repository.archived ? 'archived' : repository.description,
          textEdit: edit(key === 'docker' ? repository.name.toLowerCase() : repository.name),
          sortText: pad(index),
        }));
    }
    default:
      return [];
  }
}
