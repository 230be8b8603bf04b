/**
 * A minimal LSP client for timing: JSON-RPC over a child's stdio (vscode-jsonrpc), with notifications delivered to
 * waiting promises as they arrive. The test client in test/lsp polls every 10 ms, which would blur millisecond timings.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
// vscode-jsonrpc's own `./node` entry exists only as a package export, which this tsconfig's module resolution ignores;
// vscode-languageserver-protocol/node re-exports it.
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-languageserver-protocol/node';

export interface PublishedDiagnostics {
  uri: string;
  diagnostics: { message: string; severity?: number; code?: string | number; source?: string }[];
}

interface LineWaiter {
  matches: (line: string) => boolean;
  resolve: (line: string) => void;
}

interface Waiter<T> {
  matches: (params: T) => boolean;
  resolve: (value: { params: T; at: number }) => void;
  reject: (error: Error) => void;
}

/** A server process and its connection. Times are `performance.now()` of this process, taken on arrival. */
export class LspDriver {
  private readonly waiters = new Map<string, Waiter<unknown>[]>();
  private readonly version = new Map<string, number>();
  /** Answers `workspace/configuration` per section (yaml-language-server pulls its settings this way). */
  configuration: (section: string | undefined) => unknown = () => null;
  private readonly stderrLines: string[] = [];
  private readonly lineWaiters: LineWaiter[] = [];
  private stderrRest = '';

  private constructor(
    readonly child: ChildProcess,
    readonly connection: MessageConnection,
  ) {
    connection.onNotification((method: string, params: unknown) => {
      const at = performance.now();
      const list = this.waiters.get(method);
      if (!list) return;
      for (const waiter of [...list]) {
        if (!waiter.matches(params)) continue;
        list.splice(list.indexOf(waiter), 1);
        waiter.resolve({ params, at });
      }
    });
    // Servers ask for configuration, capability registration and progress tokens; answer as a plain client would.
    connection.onRequest((method: string, params: unknown) => {
      if (method === 'workspace/configuration')
        return ((params as { items?: { section?: string }[] }).items ?? []).map((item) =>
          this.configuration(item.section),
        );
      return null;
    });
    connection.onError(() => undefined);
    connection.onClose(() => undefined);
    // A server that dies fails whatever is waiting for it at once, with its last words.
    child.once('exit', (code, signal) => {
      const error = new Error(
        `server exited (${code ?? signal}):\n${[...this.stderrLines, this.stderrRest].slice(-20).join('\n')}`,
      );
      for (const list of this.waiters.values()) for (const waiter of list.splice(0)) waiter.reject(error);
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      const lines = (this.stderrRest + chunk).split('\n');
      this.stderrRest = lines.pop() ?? '';
      for (const line of lines) {
        this.stderrLines.push(line);
        for (const waiter of [...this.lineWaiters]) {
          if (!waiter.matches(line)) continue;
          this.lineWaiters.splice(this.lineWaiters.indexOf(waiter), 1);
          waiter.resolve(line);
        }
      }
    });
    connection.listen();
  }

  static spawn(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): LspDriver {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], env });
    if (!child.stdout || !child.stdin) throw new Error(`cannot talk to ${args.join(' ')}`);
    const reader = new StreamMessageReader(child.stdout);
    // Off: vscode-jsonrpc re-arms this timer forever over a message cut off by the server's exit (see test/lsp/lsp-client.ts).
    reader.partialMessageTimeout = 0;
    return new LspDriver(child, createMessageConnection(reader, new StreamMessageWriter(child.stdin)));
  }

  /** Resolves with the next notification `method` whose params satisfy `matches`; register before causing it. */
  next<T>(
    method: string,
    matches: (params: T) => boolean = () => true,
    timeoutMs = 120_000,
  ): Promise<{ params: T; at: number }> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no ${method} within ${timeoutMs} ms\n${this.stderrLines.slice(-20).join('\n')}`)),
        timeoutMs,
      );
      const list = this.waiters.get(method) ?? [];
      list.push({
        matches: matches as (params: unknown) => boolean,
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value as { params: T; at: number });
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.waiters.set(method, list);
    });
  }

  nextDiagnostics(uri: string, timeoutMs?: number): Promise<{ params: PublishedDiagnostics; at: number }> {
    return this.next<PublishedDiagnostics>(
      'textDocument/publishDiagnostics',
      (params) => params.uri === uri,
      timeoutMs,
    );
  }

  /** Resolves with the next stderr line satisfying `matches`; register before causing it. */
  nextStderrLine(matches: (line: string) => boolean, timeoutMs = 30_000): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching stderr line within ${timeoutMs} ms`)), timeoutMs);
      this.lineWaiters.push({
        matches,
        resolve: (line) => {
          clearTimeout(timer);
          resolve(line);
        },
      });
    });
  }

  request<T>(method: string, params: unknown): Promise<T> {
    return this.connection.sendRequest<T>(method, params);
  }

  notify(method: string, params: unknown): Promise<void> {
    return this.connection.sendNotification(method, params);
  }

  async initialize(rootUri: string, capabilities: object = {}, initializationOptions?: unknown): Promise<void> {
    await this.request('initialize', {
      processId: process.pid,
      rootUri,
      workspaceFolders: [{ uri: rootUri, name: 'bench' }],
      capabilities: {
        textDocument: { publishDiagnostics: {}, hover: { contentFormat: ['markdown'] } },
        workspace: { workspaceFolders: true },
        ...capabilities,
      },
      ...(initializationOptions === undefined ? {} : { initializationOptions }),
    });
    await this.notify('initialized', {});
  }

  async open(uri: string, languageId: string, text: string): Promise<void> {
    this.version.set(uri, 1);
    await this.notify('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
  }

  /** An incremental change replacing `[start, end)` (as positions) with `text`. */
  async change(
    uri: string,
    start: { line: number; character: number },
    end: { line: number; character: number },
    text: string,
  ): Promise<void> {
    const version = (this.version.get(uri) ?? 1) + 1;
    this.version.set(uri, version);
    await this.notify('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ range: { start, end }, text }],
    });
  }

  async close(uri: string): Promise<void> {
    await this.notify('textDocument/didClose', { textDocument: { uri } });
  }

  /** Resident memory of the server process, from /proc (Linux), in MiB. */
  residentMiB(): number | undefined {
    try {
      const status = readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
      const kib = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1]);
      return Number.isFinite(kib) ? kib / 1024 : undefined;
    } catch {
      return undefined;
    }
  }

  get stderr(): string[] {
    return this.stderrLines;
  }

  async dispose(): Promise<void> {
    const exited = new Promise<void>((resolve) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) resolve();
      else this.child.once('exit', () => resolve());
    });
    try {
      await Promise.race([this.request('shutdown', null), new Promise((resolve) => setTimeout(resolve, 5_000))]);
      await this.notify('exit', null);
    } catch {
      // the server may already be gone
    }
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
    this.connection.dispose();
  }
}

/** Zero-based line/character of `offset` in `text` (release files are ASCII here, so UTF-16 units equal chars). */
export function positionAt(text: string, offset: number): { line: number; character: number } {
  let line = 0;
  let lineStart = 0;
  for (let index = text.indexOf('\n'); index >= 0 && index < offset; index = text.indexOf('\n', index + 1)) {
    line++;
    lineStart = index + 1;
  }
  return { line, character: offset - lineStart };
}
