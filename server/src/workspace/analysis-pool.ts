/**
 * Runs release-file analyses on a worker thread. The server keeps small and incremental work on its own thread
 * (it is faster there than a round trip) and sends here only what would block it: see `DeferLimits`.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { analyzeForTransfer, type TransferredAnalysis } from '../features/incremental-analysis';

export interface AnalysisRequest {
  id: number;
  relativePath: string;
  text: string;
}

export type AnalysisReply = { id: number; result: TransferredAnalysis } | { id: number; error: string };

/** Where release files are analysed when the event loop should not do it: a worker thread, or this thread. */
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
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ id, relativePath, text } satisfies AnalysisRequest);
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
    worker.on('message', (reply: AnalysisReply) => {
      const waiting = this.waiting.get(reply.id);
      if (!waiting) return;
      this.waiting.delete(reply.id);
      if ('result' in reply) waiting.resolve(reply.result);
      else waiting.reject(new Error(`analysing a release file failed: ${reply.error}`));
    });
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
