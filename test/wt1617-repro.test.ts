import { test } from 'node:test';
import { PassThrough } from 'node:stream';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver-protocol/node';
test('a partial message left in the reader', async () => {
  const fromServer = new PassThrough();
  const connection = createProtocolConnection(new StreamMessageReader(fromServer), new StreamMessageWriter(new PassThrough()));
  connection.listen();
  fromServer.write('Content-Length: 100\r\n\r\n{"jsonrpc"');
  await new Promise((resolve) => setImmediate(resolve));
  connection.dispose();
});
