/**
 * Runs whole-file analyses on a worker thread. The server keeps small, incremental and sliced work on its own thread
 * (see `DeferLimits` and `analyzeInSlices`) and sends here only the parse that cannot be split.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  adoptTransferred,
  analyzeForTransfer,
  analyzeInSlices,
  type DeferLimits,
  type TransferredAnalysis,
} from '../features/incremental-analysis';
import { analyzeReleaseFile, type FileAnalysis } from '../features/validate';

/**
 * What the event loop may still do itself. For 1,000 entries (72 KiB) a whole-file parse costs ~66 ms and a
 * from-scratch split ~130 ms, so files from 32 KiB on go to the worker; an edit re-analyses
 * ~0.1 ms per changed entry, so changes from 16 KiB on (a paste, a checkout) go there too.
 */
export const DEFAULT_DEFER_LIMITS: DeferLimits = { wholeTextLength: 32 * 1024, changedLength: 16 * 1024 };

/** Elements per message for long arrays: copying one chunk in costs the server a few milliseconds. */
export const TRANSFER_CHUNK = 500;

/** The arrays of a result that can be long (one element per entry or problem), by name. */
export type PartName = 'entries' | 'problems' | 'unknownKeys' | 'kayronProblems' | 'extraProblems';

export type ToWorker =
  { type: 'analyze'; id: number; relativePath: string; text: string } | { type: 'ack'; id: number };

export type FromWorker =
  | { type: 'part'; id: number; name: PartName; values: unknown[] }
  | { type: 'done'; id: number; result: TransferredAnalysis }
  | { type: 'failed'; id: number; error: string };

/** The long arrays of `result`, by reference (the worker sends and empties them; the server fills them again). */
export function largeArrays(result: TransferredAnalysis): [PartName, unknown[]][] {
  return arraysByName(result).filter(([, values]) => values.length > TRANSFER_CHUNK);
}

/** Every array of a result that may be sent in parts, by name. */
function arraysByName(result: TransferredAnalysis): [PartName, unknown[]][] {
  const { analysis } = result;
  const arrays: [PartName, unknown[]][] = [
    ['kayronProblems', analysis.kayronProblems],
    ['extraProblems', analysis.extraProblems],
  ];
  if (analysis.decoded)
    arrays.push(
      ['entries', analysis.decoded.entries],
      ['problems', analysis.decoded.problems],
      ['unknownKeys', analysis.decoded.unknownKeys],
    );
  return arrays;
}

/** Where whole-file analyses run when the event loop should not do them: a worker thread, or this thread. */
export interface Analyzer {
  analyze(relativePath: string, text: string): Promise<TransferredAnalysis>;
  dispose(): void;
}

/** The same analysis on the calling thread, a turn of the event loop later (no worker script, e.g. run from sources). */
export class InlineAnalyzer implements Analyzer {
  async analyze(relativePath: string, text: string): Promise<TransferredAnalysis> {
    await new Promise((resolve) => setImmediate(resolve));
    return analyzeForTransfer(relativePath, text);
  }

  dispose(): void {}
}

interface Waiting {
  resolve: (result: TransferredAnalysis) => void;
  reject: (error: Error) => void;
  parts: Map<PartName, unknown[]>;
}

/** One worker thread, started on first use and started again after it dies; requests are answered in order. */
export class WorkerAnalyzer implements Analyzer {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly waiting = new Map<number, Waiting>();

  constructor(private readonly scriptPath: string) {}

  analyze(relativePath: string, text: string): Promise<TransferredAnalysis> {
    const worker = this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject, parts: new Map() });
      worker.postMessage({ type: 'analyze', id, relativePath, text } satisfies ToWorker);
    });
  }

  dispose(): void {
    const worker = this.worker;
    this.worker = undefined;
    this.failAll(new Error('the analysis worker was stopped'));
    void worker?.terminate();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.scriptPath);
    // The server lives as long as its connection; an idle worker must not keep a finished process (or test) alive.
    worker.unref();
    worker.on('message', (message: FromWorker) => this.receive(worker, message));
    const lost = (error: Error) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.failAll(error);
    };
    worker.on('error', (error) => lost(error));
    worker.on('exit', (code) => lost(new Error(`the analysis worker exited (code ${code})`)));
    this.worker = worker;
    return worker;
  }

  private receive(worker: Worker, message: FromWorker): void {
    const waiting = this.waiting.get(message.id);
    if (!waiting) return;
    if (message.type === 'part') {
      const values = waiting.parts.get(message.name) ?? [];
      for (const value of message.values) values.push(value);
      waiting.parts.set(message.name, values);
      // Acknowledge on the next turn, so timers, I/O and requests get the event loop between two chunks.
      setImmediate(() => {
        if (this.worker === worker) worker.postMessage({ type: 'ack', id: message.id } satisfies ToWorker);
      });
      return;
    }
    this.waiting.delete(message.id);
    if (message.type === 'failed') {
      waiting.reject(new Error(`analysing a release file failed: ${message.error}`));
      return;
    }
    const result = message.result;
    for (const [name, target] of arraysByName(result)) {
      const values = waiting.parts.get(name);
      // Chunked arrays arrive empty; a loop, since a spread of 100,000 values would exceed the call's argument room.
      if (values) for (const value of values) target.push(value);
    }
    waiting.resolve(result);
  }

  private failAll(error: Error): void {
    const waiting = [...this.waiting.values()];
    this.waiting.clear();
    for (const { reject } of waiting) reject(error);
  }
}

/** The worker when its script sits beside the running bundle (dist/), otherwise the same analysis inline. */
export function defaultAnalyzer(directory: string = __dirname): Analyzer {
  const script = path.join(directory, 'analysis-worker.js');
  return existsSync(script) ? new WorkerAnalyzer(script) : new InlineAnalyzer();
}

/**
 * The analysis of a whole text without holding the event loop for long: on the spot when small, else entry by
 * entry in slices, else (a text that cannot be split) on the analyzer. For background work such as environments.
 */
export async function analyzeWithoutBlocking(
  analyzer: Analyzer,
  relativePath: string,
  text: string,
  limits: DeferLimits = DEFAULT_DEFER_LIMITS,
): Promise<FileAnalysis> {
  if (text.length < limits.wholeTextLength) return analyzeReleaseFile(relativePath, text);
  const sliced = await analyzeInSlices(relativePath, text, undefined, { keepItems: false });
  if (sliced && sliced !== 'stale') return sliced;
  return adoptTransferred(await analyzer.analyze(relativePath, text));
}
