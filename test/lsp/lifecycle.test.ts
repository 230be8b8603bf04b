/** Start-up, root discovery and shutdown of the built language server. */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TextDocumentSyncKind } from 'vscode-languageserver-protocol/node';
import { copySampleWorkspace, fileUri, LspClient, makeTempDir, removeTree, startSettled } from './lsp-client';

describe('language server lifecycle', () => {
  describe('on the sample releases workspace', () => {
    let root: string;
    let client: LspClient;

    before(async () => {
      root = await copySampleWorkspace();
      client = await startSettled({ folders: [root] });
    });
    after(async () => {
      await client.dispose();
      await removeTree(root);
    });

    it('answers initialize with hover and incremental document sync', () => {
      const capabilities = client.initializeResult?.capabilities;
      assert.ok(capabilities, 'initialize returned no capabilities');
      assert.equal(capabilities.hoverProvider, true);
      const sync = capabilities.textDocumentSync;
      const changeKind = typeof sync === 'number' ? sync : sync?.change;
      assert.equal(changeKind, TextDocumentSyncKind.Incremental);
    });

    it('announces the folder as a releases root listing the sample release files', async () => {
      const params = await client.waitForReleaseRoots((roots) => roots.roots.length > 0);
      assert.deepEqual(params.roots, [
        {
          uri: fileUri(root),
          releaseFiles: [
            fileUri(path.join(root, 'infrastructure/infrastructure.yaml')),
            fileUri(path.join(root, 'service/service.yaml')),
          ],
          ignoredFiles: [],
        },
      ]);
    });

    it('registers a file watcher because the client supports dynamic registration', () => {
      const watcher = client.registrations.find(
        (registration) => registration.method === 'workspace/didChangeWatchedFiles',
      );
      assert.ok(watcher, `no didChangeWatchedFiles registration among ${JSON.stringify(client.registrations)}`);
    });

    it('publishes a passing verdict for the valid samples', async () => {
      const params = await client.waitForVerdict(() => true);
      assert.deepEqual(params.verdicts, [{ root: fileUri(root) }]);
    });

    it('exits with code 0 after shutdown and exit', async () => {
      assert.equal(client.exit, undefined, 'the server exited before shutdown');
      assert.equal(await client.shutdown(), 0);
    });
  });

  it('registers no file watcher when the client cannot register one dynamically', async () => {
    const root = await copySampleWorkspace();
    const client = await startSettled({ folders: [root], watchFiles: false });
    try {
      // The server registers before its first scan, so a registration would have arrived before the settled verdict.
      assert.deepEqual(client.registrations, []);
      assert.equal(await client.shutdown(), 0);
    } finally {
      await client.dispose();
      await removeTree(root);
    }
  });

  describe('on a folder without release folders', () => {
    let root: string;
    let client: LspClient;

    before(async () => {
      root = await makeTempDir();
      // Near misses: a root-level YAML file, a service/ folder without YAML, YAML in an unrelated folder.
      await fs.writeFile(path.join(root, 'docker-compose.yaml'), 'services:\n  web:\n    image: "nginx"\n');
      await fs.mkdir(path.join(root, 'service'));
      await fs.writeFile(path.join(root, 'service', 'README.md'), '# not a release file\n');
      await fs.mkdir(path.join(root, 'docs'));
      await fs.writeFile(path.join(root, 'docs', 'release.yaml'), '- docker: "x"\n');
      client = await startSettled({ folders: [root] });
    });
    after(async () => {
      await client.dispose();
      await removeTree(root);
    });

    it('is not a releases root', async () => {
      const params = await client.waitForReleaseRoots(() => true);
      assert.deepEqual(params.roots, []);
    });

    it('publishes nothing for a YAML file opened there', async () => {
      const uri = fileUri(path.join(root, 'docker-compose.yaml'));
      const mark = client.mark();
      await client.open(uri, '- docker: "x"\n  deploy:\n    release: "not-a-tag"\n');
      const verdict = await client.waitForPublishCycle(mark);
      assert.deepEqual(verdict.verdicts, []);
      assert.equal(client.latestDiagnostics(uri), undefined);
      assert.equal(await client.hover(uri, { line: 2, character: 6 }), null);
    });
  });
});
