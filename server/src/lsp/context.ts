/** What every handler registration gets: the one shape `register…Handlers(context)` takes. */
import type { ClientCapabilities, Connection, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { GitAccess } from '../environments/git';
import type { Analyzer } from '../workspace/analysis-pool';
import type { GitHubSession } from '../workspace/github-session';
import type { EventQueue } from './event-queue';
import type { RunSafe } from './run-safe';
import type { SettingsReader } from './settings';
import type { WorkspaceRegistry } from './workspace-registry';

export interface LspContext {
  connection: Connection;
  /** The open documents, as the editor shows them. */
  documents: TextDocuments<TextDocument>;
  /** What the client announced in `initialize`. */
  capabilities: ClientCapabilities;
  registry: WorkspaceRegistry;
  /** Requests wait for `queue.settled()`: the events the client sent before them have been applied. */
  queue: EventQueue;
  settings: SettingsReader;
  runSafe: RunSafe;
  /** Large release files are analysed without blocking the event loop (sliced, or on a worker thread). */
  analyzer: Analyzer;
  /** Undefined until `initialize`. */
  github(): GitHubSession | undefined;
  /** Whether git may run (never in Restricted Mode) and which executable. */
  git(): GitAccess;
  /** The client takes `documentChanges`: every edit then carries the document version it was computed for. */
  versionedEdits(): boolean;
}

/** A group of handlers (a feature's requests and events) wired to the connection; may return the service behind it. */
export type HandlerRegistration<Service = void> = (context: LspContext) => Service;
