/**
 * The analysis worker thread: whole-file parses of large release files that cannot be split into entries (a YAML
 * syntax error, anchors, a top-level mapping...) run here, so the language server's event loop keeps answering
 * (a 10,000-entry file takes ~0.9 s to parse). Bundled on its own as dist/analysis-worker.js; see analysis-pool.ts.
 */
import { parentPort } from 'node:worker_threads';
import { analyzeForTransfer } from '../features/incremental-analysis';
import { largeArrays, TRANSFER_CHUNK, type FromWorker, type ToWorker } from './analysis-pool';

const port = parentPort;
if (!port) throw new Error('analysis-worker.js runs as a worker thread of the language server');

let resume: (() => void) | undefined;
let queue = Promise.resolve();

async function analyze(request: Extract<ToWorker, { type: 'analyze' }>): Promise<void> {
  const send = (message: FromWorker) => port?.postMessage(message);
  try {
    const result = analyzeForTransfer(request.relativePath, request.text);
    // Long arrays go a chunk at a time, each after the server acknowledged the previous one: receiving one large
    // message would block the server's event loop for as long as it takes to copy it in (~150 ms for 10,000 entries).
    for (const [name, values] of largeArrays(result)) {
      for (let start = 0; start < values.length; start += TRANSFER_CHUNK) {
        const acknowledged = new Promise<void>((resolve) => (resume = resolve));
        send({ type: 'part', id: request.id, name, values: values.slice(start, start + TRANSFER_CHUNK) });
        await acknowledged;
      }
      values.length = 0;
    }
    send({ type: 'done', id: request.id, result });
  } catch (error) {
    send({ type: 'failed', id: request.id, error: error instanceof Error ? error.message : String(error) });
  }
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'ack') {
    const next = resume;
    resume = undefined;
    next?.();
    return;
  }
  queue = queue.then(() => analyze(message));
});
