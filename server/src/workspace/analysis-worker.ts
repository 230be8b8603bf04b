/**
 * The analysis worker thread: whole-file parses and from-scratch splits of large release files run here, so the
 * language server's event loop keeps answering (a 10,000-entry file takes ~0.9 s to parse). Bundled on its own as
 * dist/analysis-worker.js; see analysis-pool.ts for the server's side.
 */
import { parentPort } from 'node:worker_threads';
import { analyzeForTransfer } from '../features/incremental-analysis';
import type { AnalysisReply, AnalysisRequest } from './analysis-pool';

const port = parentPort;
if (!port) throw new Error('analysis-worker.js runs as a worker thread of the language server');

port.on('message', (request: AnalysisRequest) => {
  let reply: AnalysisReply;
  try {
    reply = { id: request.id, result: analyzeForTransfer(request.relativePath, request.text) };
  } catch (error) {
    reply = { id: request.id, error: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
});
