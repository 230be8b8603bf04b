/**
 * A small LSP client for tests: starts the built server (`node dist/server.js --stdio`) as a child process, speaks
 * JSON-RPC to it, and records what it publishes so tests can wait for a state with a deadline instead of sleeping.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CompletionRequest,
  ConfigurationRequest,
  createProtocolConnection,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidChangeWatchedFilesNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DidSaveTextDocumentNotification,
  DocumentLinkRequest,
  DocumentSymbolRequest,
  FoldingRangeRequest,
  SelectionRangeRequest,
  ExitNotification,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  LogMessageNotification,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  UnregistrationRequest,
  WorkDoneProgressCreateRequest,
  type CompletionItem,
  type CompletionList,
  type Diagnostic,
  type DocumentLink,
  type DocumentSymbol,
  type FoldingRange,
  type SelectionRange,
  type SymbolInformation,
  type FileEvent,
  type Hover,
  type InitializeParams,
  type InitializeResult,
  type Position,
  type ProtocolConnection,
  type Range,
  type Registration,
  type TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { GitHubStateParams, KayronVerdictParams, ReleaseRootsParams } from '../../server/src/protocol';
import {
  GitHubStateNotification,
  KayronVerdictNotification,
  ReleaseRootsNotification,
} from '../../server/src/protocol';
import { WAIT_BUDGET_MS } from '../wait-budget';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
/** The built server; KAYRON_LSP_SERVER points the tests at another build (e.g. a packaged or older one). */
export const SERVER_SCRIPT = process.env.KAYRON_LSP_SERVER ?? path.join(REPO_ROOT, 'dist', 'server.js');
/** Generous, because CI machines stall; a passing run never waits this long. */
/** Every wait and request of the LSP suite: the shared, machine-scaled budget (test/wait-budget.js). */
export const DEFAULT_TIMEOUT_MS = WAIT_BUDGET_MS;
const POLL_INTERVAL_MS = 10;
/**
 * Variables that point the server at GitHub. The server is started without them unless a test passes them in `env`,
 * so a developer's shell (a real GITHUB_TOKEN, say) never reaches the network from a test.
 */
const GITHUB_ENVIRONMENT = ['GITHUB_TOKEN', 'KAYRON_GITHUB_OWNER', 'KAYRON_GITHUB_API_URL', 'KAYRON_OFFLINE'];

export const fileUri = (absolutePath: string): string => pathToFileURL(absolutePath).toString();

/** Something the server sent, numbered in arrival order so tests can ask for "after my action". */
interface Received<T> {
  seq: number;
  params: T;
}

export interface WaitOptions {
  /** Only consider messages that arrived after this mark (see `LspClient.mark`). */
  since?: number;
  timeoutMs?: number;
}

export interface StartOptions {
  /** Absolute paths sent as `workspaceFolders`. */
  folders: string[];
  /** Advertise `workspace.didChangeWatchedFiles.dynamicRegistration` (default true). */
  watchFiles?: boolean;
  /**
   * Advertise `workspace.workspaceFolders` and send `workspaceFolders` (default true). False is a client like Neovim
   * 0.7/0.8: no folder-change events, only `rootUri` (null without folders).
   */
  workspaceFolders?: boolean;
  /** Advertise `textDocument.documentSymbol.hierarchicalDocumentSymbolSupport` (default true). */
  hierarchicalSymbols?: boolean;
  /** Added to the server's environment (after the GitHub variables are removed from it); undefined removes one. */
  env?: Record<string, string | undefined>;
  initializationOptions?: unknown;
  /**
   * Settings by section (e.g. `{ kayron: { github: { owner: 'x' } } }`): when given, the client advertises
   * `workspace.configuration` and answers `workspace/configuration` from it, as VS Code does.
   */
  configuration?: Record<string, unknown>;
  /** Keep everything the server writes to stdout (JSON-RPC included) in `stdout`, e.g. to prove a secret never left it. */
  recordStdout?: boolean;
  /** Advertise `workspace.workspaceEdit.documentChanges` (versioned edits), as VS Code and Neovim do. */
  documentChanges?: boolean;
}

export class LspClient {
  private seq = 0;
  private readonly diagnosticsByUri = new Map<string, Received<Diagnostic[]>[]>();
  private readonly versions = new Map<string, number>();
  readonly releaseRoots: Received<ReleaseRootsParams>[] = [];
  readonly verdicts: Received<KayronVerdictParams>[] = [];
  readonly githubStates: Received<GitHubStateParams>[] = [];
  readonly registrations: Registration[] = [];
  readonly logMessages: string[] = [];
  private readonly customNotifications = new Map<string, Received<unknown>[]>();
  private stderrText = '';
  private stdoutText = '';
  private exitStatus: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  initializeResult: InitializeResult | undefined;

  private constructor(
    private readonly child: ChildProcess,
    private readonly connection: ProtocolConnection,
    options: StartOptions,
  ) {
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitStatus = { code, signal };
        resolve(this.exitStatus);
      });
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      this.stderrText += chunk;
    });
    if (options.recordStdout) {
      child.stdout?.on('data', (chunk: Buffer) => {
        this.stdoutText += chunk.toString('utf8');
      });
    }

    connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      const list = this.diagnosticsByUri.get(params.uri) ?? [];
      list.push({ seq: ++this.seq, params: params.diagnostics });
      this.diagnosticsByUri.set(params.uri, list);
    });
    connection.onNotification(ReleaseRootsNotification.method, (params: ReleaseRootsParams) => {
      this.releaseRoots.push({ seq: ++this.seq, params });
    });
    connection.onNotification(KayronVerdictNotification.method, (params: KayronVerdictParams) => {
      this.verdicts.push({ seq: ++this.seq, params });
    });
    connection.onNotification(GitHubStateNotification.method, (params: GitHubStateParams) => {
      this.githubStates.push({ seq: ++this.seq, params });
    });
    connection.onNotification(LogMessageNotification.type, (params) => {
      this.logMessages.push(params.message);
    });
    // Answer what VS Code would answer, so the server's own promises never reject.
    connection.onRequest(RegistrationRequest.type, (params) => {
      this.registrations.push(...params.registrations);
      return null;
    });
    connection.onRequest(UnregistrationRequest.type, () => null);
    connection.onRequest(WorkDoneProgressCreateRequest.type, () => null);
    const settings = options.configuration;
    connection.onRequest(ConfigurationRequest.type, (params) =>
      params.items.map((item) => (settings && item.section ? (settings[item.section] ?? null) : null)),
    );
    // A dying server closes the pipe; the exit status (checked by tests) is the useful signal, not a stream error.
    connection.onError(() => undefined);
    connection.onClose(() => undefined);
    connection.listen();
  }

  /** Spawns the server, sends `initialize` + `initialized`, and returns once `initialize` has been answered. */
  static async start(options: StartOptions): Promise<LspClient> {
    await fs.access(SERVER_SCRIPT).catch(() => {
      throw new Error(`${SERVER_SCRIPT} is missing: run \`npm run build\` first.`);
    });
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const name of GITHUB_ENVIRONMENT) delete env[name];
    // A GitHub disk cache of its own per server: a stand-in's port can be reused by a later run, and an entry another
    // suite cached under the same URL must not answer for this one (nor may tests write into the user's ~/.cache).
    env['XDG_CACHE_HOME'] = mkdtempSync(path.join(os.tmpdir(), 'kayron-lsp-cache-'));
    for (const [name, value] of Object.entries(options.env ?? {})) {
      if (value === undefined) delete env[name];
      else env[name] = value;
    }
    const child = spawn(process.execPath, [SERVER_SCRIPT, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env });
    if (!child.stdout || !child.stdin) throw new Error('server pipes are missing');
    const reader = new StreamMessageReader(child.stdout);
    // vscode-jsonrpc re-arms a 10 s "partial message" timer for as long as an incomplete message sits in its buffer,
    // even after dispose: a server ended mid-write (by `dispose`) kept the test process open forever. Tests do not need
    // partial-message notices (a stuck message shows as a wait that times out), so the timer is off.
    reader.partialMessageTimeout = 0;
    const connection = createProtocolConnection(reader, new StreamMessageWriter(child.stdin));
    const client = new LspClient(child, connection, options);
    try {
      const params: InitializeParams = {
        processId: process.pid,
        rootUri: options.folders[0] ? fileUri(options.folders[0]) : null,
        workspaceFolders:
          options.workspaceFolders === false
            ? null
            : options.folders.map((folder) => ({ uri: fileUri(folder), name: path.basename(folder) })),
        ...(options.initializationOptions === undefined
          ? {}
          : { initializationOptions: options.initializationOptions }),
        capabilities: {
          workspace: {
            workspaceFolders: options.workspaceFolders ?? true,
            ...(options.configuration ? { configuration: true } : {}),
            ...(options.documentChanges ? { workspaceEdit: { documentChanges: true } } : {}),
            didChangeWatchedFiles: { dynamicRegistration: options.watchFiles ?? true },
          },
          textDocument: {
            synchronization: { dynamicRegistration: false, didSave: true },
            publishDiagnostics: { relatedInformation: true, tagSupport: { valueSet: [1, 2] }, dataSupport: true },
            hover: { contentFormat: ['markdown', 'plaintext'] },
            completion: {
              completionItem: {
                snippetSupport: true,
                documentationFormat: ['markdown', 'plaintext'],
                labelDetailsSupport: true,
              },
            },
            documentLink: { tooltipSupport: true },
            documentSymbol: { hierarchicalDocumentSymbolSupport: options.hierarchicalSymbols ?? true },
            foldingRange: { lineFoldingOnly: true },
            selectionRange: {},
          },
        },
      };
      client.initializeResult = await client.request<InitializeResult>(InitializeRequest.method, params);
      await connection.sendNotification(InitializedNotification.type, {});
    } catch (error) {
      await client.dispose();
      throw error;
    }
    return client;
  }

  get stderr(): string {
    return this.stderrText;
  }

  /** Empty unless started with `recordStdout`. */
  get stdout(): string {
    return this.stdoutText;
  }

  /** Undefined while the server process runs. */
  get exit(): { code: number | null; signal: NodeJS.Signals | null } | undefined {
    return this.exitStatus;
  }

  /** A point in the message stream; pass it as `since` to wait only for what arrives afterwards. */
  mark(): number {
    return this.seq;
  }

  /** Every diagnostics list published for `uri` after `since` (a mark()), oldest first. */
  diagnosticsSince(uri: string, since: number): Diagnostic[][] {
    return (this.diagnosticsByUri.get(uri) ?? []).filter((item) => item.seq > since).map((item) => item.params);
  }

  /** The most recent diagnostics published for `uri` (undefined if none ever were). */
  latestDiagnostics(uri: string): Diagnostic[] | undefined {
    return this.diagnosticsByUri.get(uri)?.at(-1)?.params;
  }

  /** Polls `probe` until it returns something other than undefined, failing at the deadline or if the server exits. */
  async waitFor<T>(
    description: string | (() => string),
    probe: () => T | undefined,
    timeoutMs = DEFAULT_TIMEOUT_MS,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    const describe = () => (typeof description === 'string' ? description : description());
    for (;;) {
      const value = probe();
      if (value !== undefined) return value;
      if (this.exitStatus)
        throw new Error(
          `server exited (${JSON.stringify(this.exitStatus)}) while waiting for ${describe()}\n${this.diagnosis()}`,
        );
      if (Date.now() > deadline)
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${describe()}\n${this.diagnosis()}`);
      await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
    }
  }

  /** Waits until the latest diagnostics for `uri` (published after `since`, if given) satisfy `predicate`. */
  waitForDiagnostics(
    uri: string,
    predicate: (diagnostics: Diagnostic[]) => boolean,
    options: WaitOptions = {},
  ): Promise<Diagnostic[]> {
    return this.waitFor(
      () => `diagnostics for ${uri} (latest: ${JSON.stringify(this.latestDiagnostics(uri))})`,
      () => {
        const latest = this.diagnosticsByUri.get(uri)?.at(-1);
        if (!latest || latest.seq <= (options.since ?? 0)) return undefined;
        return predicate(latest.params) ? latest.params : undefined;
      },
      options.timeoutMs,
    );
  }

  waitForReleaseRoots(
    predicate: (params: ReleaseRootsParams) => boolean,
    options: WaitOptions = {},
  ): Promise<ReleaseRootsParams> {
    return this.waitFor(
      () => `a kayron/releaseRoots notification (latest: ${JSON.stringify(this.releaseRoots.at(-1)?.params)})`,
      () => latestMatching(this.releaseRoots, predicate, options.since),
      options.timeoutMs,
    );
  }

  waitForGitHubState(
    predicate: (params: GitHubStateParams) => boolean,
    options: WaitOptions = {},
  ): Promise<GitHubStateParams> {
    return this.waitFor(
      () => `a kayron/githubState notification (latest: ${JSON.stringify(this.githubStates.at(-1)?.params)})`,
      () => latestMatching(this.githubStates, predicate, options.since),
      options.timeoutMs,
    );
  }

  waitForVerdict(
    predicate: (params: KayronVerdictParams) => boolean,
    options: WaitOptions = {},
  ): Promise<KayronVerdictParams> {
    return this.waitFor(
      () => `a kayron/verdict notification (latest: ${JSON.stringify(this.verdicts.at(-1)?.params)})`,
      () => latestMatching(this.verdicts, predicate, options.since),
      options.timeoutMs,
    );
  }

  /**
   * Waits for the end of a publish cycle that started after `since`. The server ends every cycle (after any
   * publishDiagnostics of that cycle) with a `kayron/verdict` notification, so this tells "my edit was analysed" apart
   * from "nothing changed yet" when the expected diagnostics equal the current ones.
   */
  waitForPublishCycle(since: number, timeoutMs?: number): Promise<KayronVerdictParams> {
    return this.waitForVerdict(() => true, { since, ...(timeoutMs ? { timeoutMs } : {}) });
  }

  async open(uri: string, text: string, languageId = 'kayron-release'): Promise<void> {
    this.versions.set(uri, 1);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId, version: 1, text },
    });
  }

  /** Sends `contentChanges` as one didChange (range edits are applied in order, as LSP specifies). */
  async change(uri: string, contentChanges: TextDocumentContentChangeEvent[]): Promise<void> {
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges,
    });
  }

  /** A full-text didChange. */
  replace(uri: string, text: string): Promise<void> {
    return this.change(uri, [{ text }]);
  }

  /** The version of the open document as last sent (undefined when not open). */
  version(uri: string): number | undefined {
    return this.versions.get(uri);
  }

  async close(uri: string): Promise<void> {
    this.versions.delete(uri);
    await this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  /** Records every notification of a custom `method` from now on (read them with `waitForNotification`). */
  recordNotifications(message: string | { method: string }): void {
    const method = methodOf(message);
    if (this.customNotifications.has(method)) return;
    const list: Received<unknown>[] = [];
    this.customNotifications.set(method, list);
    this.connection.onNotification(method, (params: unknown) => {
      list.push({ seq: ++this.seq, params });
    });
  }

  /** Waits for a recorded `method` notification (after `since`, if given) whose params satisfy `predicate`. */
  waitForNotification<T>(
    message: string | { method: string },
    predicate: (params: T) => boolean = () => true,
    options: WaitOptions = {},
  ): Promise<T> {
    const method = methodOf(message);
    const list = this.customNotifications.get(method);
    if (!list) throw new Error(`call recordNotifications('${method}') before waiting for it`);
    return this.waitFor(
      () => `a ${method} notification (received: ${JSON.stringify(list.slice(-3))})`,
      () =>
        list.find((item) => item.seq > (options.since ?? 0) && predicate(item.params as T))?.params as T | undefined,
      options.timeoutMs,
    );
  }

  /** `textDocument/didSave` (the editor saved; the text on disk is the caller's to write). */
  async save(uri: string): Promise<void> {
    await this.connection.sendNotification(DidSaveTextDocumentNotification.type, { textDocument: { uri } });
  }

  /** Tells the server the settings changed; it re-reads them from `configuration` (mutate that object first). */
  async configurationChanged(): Promise<void> {
    await this.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
  }

  async fileEvents(changes: FileEvent[]): Promise<void> {
    await this.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes });
  }

  hover(uri: string, position: Position): Promise<Hover | null> {
    return this.request(HoverRequest.method, { textDocument: { uri }, position });
  }

  /** The items of a completion request, whether the server answers with a list or an array. */
  async completion(uri: string, position: Position): Promise<CompletionItem[]> {
    const result = await this.request<CompletionItem[] | CompletionList | null>(CompletionRequest.method, {
      textDocument: { uri },
      position,
    });
    return Array.isArray(result) ? result : (result?.items ?? []);
  }

  async documentLinks(uri: string): Promise<DocumentLink[]> {
    return (await this.request<DocumentLink[] | null>(DocumentLinkRequest.method, { textDocument: { uri } })) ?? [];
  }

  async documentSymbols(uri: string): Promise<DocumentSymbol[] | SymbolInformation[]> {
    return (
      (await this.request<DocumentSymbol[] | SymbolInformation[] | null>(DocumentSymbolRequest.method, {
        textDocument: { uri },
      })) ?? []
    );
  }

  async foldingRanges(uri: string): Promise<FoldingRange[]> {
    return (await this.request<FoldingRange[] | null>(FoldingRangeRequest.method, { textDocument: { uri } })) ?? [];
  }

  async selectionRanges(uri: string, positions: Position[]): Promise<SelectionRange[]> {
    return (
      (await this.request<SelectionRange[] | null>(SelectionRangeRequest.method, {
        textDocument: { uri },
        positions,
      })) ?? []
    );
  }

  /** Any request; fails if the server exits before answering or does not answer in time. */
  async request<R>(message: string | { method: string }, params: unknown, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<R> {
    const method = methodOf(message);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer to ${method} within ${timeoutMs} ms\n${this.diagnosis()}`)),
        timeoutMs,
      );
    });
    const died = this.exited.then((status) => {
      throw new Error(`server exited (${JSON.stringify(status)}) before answering ${method}\n${this.diagnosis()}`);
    });
    try {
      return await Promise.race([this.connection.sendRequest<R>(method, params), deadline, died]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Any notification, as it is (tests of malformed input send what a broken client would). */
  async notify(method: string, params?: unknown): Promise<void> {
    await this.connection.sendNotification(method, params);
  }

  /** `shutdown` then `exit`; resolves with the process exit code. */
  async shutdown(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<number | null> {
    await this.request(ShutdownRequest.method, undefined, timeoutMs);
    await this.connection.sendNotification(ExitNotification.type);
    await this.waitFor('the server process to exit', () => this.exitStatus, timeoutMs);
    this.connection.dispose();
    return this.exitStatus?.code ?? null;
  }

  /** Cleanup for `after` hooks: ends the process if a test left it running. */
  async dispose(): Promise<void> {
    this.connection.dispose();
    if (!this.exitStatus) {
      this.child.kill();
      await this.exited;
    }
  }

  private diagnosis(): string {
    const tail = (text: string) => text.slice(-2000);
    return `server log: ${tail(this.logMessages.join('\n'))}\nserver stderr: ${tail(this.stderrText)}`;
  }
}

function latestMatching<T>(list: Received<T>[], predicate: (params: T) => boolean, since = 0): T | undefined {
  const latest = list.at(-1);
  return latest && latest.seq > since && predicate(latest.params) ? latest.params : undefined;
}

/** A fresh temp copy of the sample releases workspace (service/ and infrastructure/). */
export async function copySampleWorkspace(): Promise<string> {
  const root = await makeTempDir();
  for (const folder of ['service', 'infrastructure']) {
    await fs.cp(path.join(REPO_ROOT, folder), path.join(root, folder), { recursive: true });
  }
  return root;
}

export async function makeTempDir(): Promise<string> {
  // realpath: the server builds URIs from the folder path, and macOS's /var is a symlink.
  return fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'kayron-lsp-')));
}

export function removeTree(root: string): Promise<void> {
  return fs.rm(root, { recursive: true, force: true });
}

/** The LSP range of the `occurrence`-th (0-based) `needle` in `text`, in UTF-16 units as LSP counts them. */
export function rangeOf(text: string, needle: string, occurrence = 0): Range {
  let index = -1;
  for (let i = 0; i <= occurrence; i++) {
    index = text.indexOf(needle, index + 1);
    if (index < 0) throw new Error(`${JSON.stringify(needle)} occurs fewer than ${occurrence + 1} times`);
  }
  const document = TextDocument.create('file:///range-of', 'yaml', 0, text);
  return { start: document.positionAt(index), end: document.positionAt(index + needle.length) };
}

/** Starts a server and waits until it has published the state of its initial scan. */
export async function startSettled(options: StartOptions): Promise<LspClient> {
  const client = await LspClient.start(options);
  try {
    await client.waitForReleaseRoots(() => true);
    await client.waitForVerdict(() => true);
  } catch (error) {
    await client.dispose();
    throw error;
  }
  return client;
}

/** Tests name messages by method or by the typed constants of server/src/protocol.ts. */
function methodOf(message: string | { method: string }): string {
  return typeof message === 'string' ? message : message.method;
}
