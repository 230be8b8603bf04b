/**
 * Protocol hygiene of the built server, as the LSP specification asks: a second `initialize` is refused, requests with
 * missing or malformed params get InvalidParams with a plain message (never an internal TypeError), and after
 * `shutdown` every request but `exit` gets InvalidRequest.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ErrorCodes, ResponseError } from 'vscode-languageserver-protocol/node';
import {
  EntryBranchesRequest,
  EntryEditRequest,
  EntryVersionsRequest,
  FetchRequest,
  PromotionExecuteRequest,
  PromotionPlanRequest,
  ReadFileAtRefRequest,
} from '../../server/src/protocol';
import { copySampleWorkspace, fileUri, LspClient, removeTree, startSettled } from './lsp-client';

/** Requests whose params are required, with what a well-meaning but broken client might send instead. */
const REQUESTS_WITH_PARAMS = [
  'textDocument/hover',
  'textDocument/completion',
  'textDocument/codeAction',
  'textDocument/documentLink',
  'textDocument/inlayHint',
  EntryVersionsRequest.method,
  EntryBranchesRequest.method,
  EntryEditRequest.method,
  ReadFileAtRefRequest.method,
  FetchRequest.method,
  PromotionPlanRequest.method,
  PromotionExecuteRequest.method,
];

const BAD_PARAMS: [string, unknown][] = [
  ['null', null],
  ['a number', 42],
  [
    'an object of the wrong shape',
    { textDocument: 7, position: 'top', uri: [], root: { nested: true }, range: null, request: null, planId: 5 },
  ],
];

async function errorOf(promise: Promise<unknown>): Promise<ResponseError<unknown>> {
  try {
    const result = await promise;
    assert.fail(`expected an error response, got ${JSON.stringify(result)}`);
  } catch (error) {
    assert.ok(error instanceof ResponseError, `expected a JSON-RPC error response, got ${String(error)}`);
    return error;
  }
}

describe('protocol hygiene', () => {
  let root: string;
  let client: LspClient;
  let serviceUri: string;

  before(async () => {
    root = await copySampleWorkspace();
    client = await startSettled({ folders: [root] });
    serviceUri = fileUri(path.join(root, 'service/service.yaml'));
  });
  after(async () => {
    await client.dispose();
    await removeTree(root);
  });

  it('refuses a second initialize with InvalidRequest', async () => {
    const error = await errorOf(client.request('initialize', { processId: null, rootUri: null, capabilities: {} }));
    assert.equal(error.code, ErrorCodes.InvalidRequest);
    assert.match(error.message, /already initialized/i);
  });

  for (const method of REQUESTS_WITH_PARAMS) {
    for (const [name, params] of BAD_PARAMS) {
      it(`answers ${method} with ${name} as params with InvalidParams and a plain message`, async () => {
        const error = await errorOf(client.request(method, params));
        assert.equal(error.code, ErrorCodes.InvalidParams, `${method}: ${error.message}`);
        assert.match(error.message, new RegExp(`^Invalid params for ${method.replace(/\//g, '\\/')}: `));
        assert.doesNotMatch(error.message, /TypeError|Cannot read|undefined|null \(reading|at \w+ \(/);
      });
    }
  }

  it('still answers well-formed requests, and a notification with bad params changes nothing', async () => {
    await client.notify('textDocument/didOpen', null);
    await client.notify('textDocument/didChange', { textDocument: null, contentChanges: 5 });
    await client.open(serviceUri, 'x');
    const hover = await client.hover(serviceUri, { line: 0, character: 0 });
    assert.equal(hover, null);
    assert.equal(client.exit, undefined, 'the server is still running');
  });

  it('answers requests after shutdown with InvalidRequest, then exits with 0 on exit', async () => {
    await client.request('shutdown', undefined);
    for (const method of ['textDocument/hover', 'kayron/releaseEntries', 'shutdown']) {
      const error = await errorOf(
        client.request(
          method,
          method === 'textDocument/hover'
            ? { textDocument: { uri: serviceUri }, position: { line: 0, character: 0 } }
            : undefined,
        ),
      );
      assert.equal(error.code, ErrorCodes.InvalidRequest, `${method}: ${error.message}`);
      assert.match(error.message, /shut down/i);
    }
    await client.notify('exit');
    const status = await client.waitFor('the server process to exit', () => client.exit);
    assert.equal(status.code, 0);
  });
});
