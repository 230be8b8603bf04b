/** Cross-file checks, watched-file events and Kayron's verdict, driven over JSON-RPC. */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { DiagnosticSeverity, FileChangeType, type Diagnostic } from 'vscode-languageserver-protocol/node';
import type { KayronVerdictParams } from '../../server/src/protocol';
import { copySampleWorkspace, fileUri, LspClient, rangeOf, removeTree, startSettled } from './lsp-client';

// Kayron's exact text (kayron-spec §3.1), written out here so a drift in the server's copy fails the test.
const INFRASTRUCTURE_COUNT_MESSAGE =
  'This critical error indicates that the resolved release settings do not provide a single infrastructure release, which means that the operator does not know how to proceed safely.';
const KAYRON_LINT_MARKER = '[reported by kayron lint] ';

const codes = (diagnostics: Diagnostic[] | undefined) => diagnostics?.map((diagnostic) => diagnostic.code);
const isEmpty = (diagnostics: Diagnostic[]) => diagnostics.length === 0;
const verdictOf = (params: KayronVerdictParams) =>
  params.verdicts.map(({ file, code, line }) => ({ file, code, line }));

describe('workspace-wide analysis', () => {
  let root: string;
  let client: LspClient;
  let serviceUri: string;
  let serviceText: string;
  let infrastructureUri: string;
  let infrastructureText: string;

  before(async () => {
    root = await copySampleWorkspace();
    serviceUri = fileUri(path.join(root, 'service/service.yaml'));
    serviceText = await fs.readFile(path.join(root, 'service/service.yaml'), 'utf8');
    infrastructureUri = fileUri(path.join(root, 'infrastructure/infrastructure.yaml'));
    infrastructureText = await fs.readFile(path.join(root, 'infrastructure/infrastructure.yaml'), 'utf8');
    client = await startSettled({ folders: [root] });
    await client.open(serviceUri, serviceText);
  });
  after(async () => {
    await client.dispose();
    await removeTree(root);
  });
  beforeEach(async () => {
    // Every test starts from the valid samples.
    await client.replace(serviceUri, serviceText);
    await client.waitForDiagnostics(serviceUri, isEmpty);
    await client.waitForVerdict((params) => verdictOf(params).every((verdict) => verdict.file === undefined));
  });

  it('reports a second cloudformation entry on the unopened infrastructure file', async () => {
    const secondInfrastructure = `${serviceText}\n- github: "infrastructure-two"\n  provider: "cloudformation"\n  deploy:\n    release: "v1.0.0"\n`;
    await client.replace(serviceUri, secondInfrastructure);

    const onInfrastructure = await client.waitForDiagnostics(
      infrastructureUri,
      (diagnostics) => codes(diagnostics)?.includes('infrastructure-count') === true,
    );
    assert.deepEqual(codes(onInfrastructure), ['infrastructure-count']);
    const [diagnostic] = onInfrastructure;
    assert.ok(diagnostic);
    assert.equal(diagnostic.severity, DiagnosticSeverity.Error);
    assert.equal(diagnostic.source, 'kayron-releases', 'kayron lint does not make this check, the operator does');
    assert.ok(diagnostic.message.startsWith(INFRASTRUCTURE_COUNT_MESSAGE), diagnostic.message);
    assert.match(diagnostic.message, /2 entries have provider: "cloudformation"/);
    assert.deepEqual(diagnostic.range, rangeOf(infrastructureText, '"cloudformation"'));

    const onService = await client.waitForDiagnostics(
      serviceUri,
      (diagnostics) => codes(diagnostics)?.includes('infrastructure-count') === true,
    );
    assert.deepEqual(
      onService.map((item) => item.range),
      [rangeOf(secondInfrastructure, '"cloudformation"')],
    );

    await client.replace(serviceUri, serviceText);
    await client.waitForDiagnostics(infrastructureUri, isEmpty);
  });

  it('follows a release file created, changed and deleted on disk', async () => {
    const extraPath = path.join(root, 'service/extra.yaml');
    const extraUri = fileUri(extraPath);
    const broken = '- docker: "extra"\n  github: "extra"\n  deploy:\n    release: "latest"\n';
    await fs.writeFile(extraPath, broken);
    await client.fileEvents([{ uri: extraUri, type: FileChangeType.Created }]);

    const created = await client.waitForDiagnostics(extraUri, (diagnostics) => diagnostics.length > 0);
    assert.deepEqual(codes(created), ['release-format']);
    assert.deepEqual(created[0]?.range, rangeOf(broken, '"latest"'));
    const roots = await client.waitForReleaseRoots(
      (params) => params.roots[0]?.releaseFiles.includes(extraUri) === true,
    );
    assert.deepEqual(roots.roots[0]?.releaseFiles, [infrastructureUri, extraUri, serviceUri]);

    await fs.writeFile(extraPath, broken.replace('"latest"', '"v1.0.0"'));
    await client.fileEvents([{ uri: extraUri, type: FileChangeType.Changed }]);
    await client.waitForDiagnostics(extraUri, isEmpty);

    await fs.writeFile(extraPath, broken);
    await client.fileEvents([{ uri: extraUri, type: FileChangeType.Changed }]);
    await client.waitForDiagnostics(extraUri, (diagnostics) => diagnostics.length > 0);

    await fs.rm(extraPath);
    await client.fileEvents([{ uri: extraUri, type: FileChangeType.Deleted }]);
    await client.waitForDiagnostics(extraUri, isEmpty);
    const after = await client.waitForReleaseRoots(
      (params) => params.roots[0]?.releaseFiles.includes(extraUri) === false,
    );
    assert.deepEqual(after.roots[0]?.releaseFiles, [infrastructureUri, serviceUri]);
  });

  it("sends the first error in Kayron's walk order as the verdict, and marks only that diagnostic", async () => {
    const brokenService = serviceText.replace('release: "v0.3.1"', 'release: "v0.3.1+build"');
    await client.replace(serviceUri, brokenService);
    const serviceVerdict = await client.waitForVerdict(
      (params) => verdictOf(params)[0]?.file === 'service/service.yaml',
    );
    assert.deepEqual(verdictOf(serviceVerdict), [
      {
        file: 'service/service.yaml',
        code: 'release-format',
        line: rangeOf(brokenService, '"v0.3.1+build"').start.line,
      },
    ]);
    assert.equal(serviceVerdict.verdicts[0]?.root, fileUri(root));
    const marked = await client.waitForDiagnostics(serviceUri, (diagnostics) => diagnostics.length > 0);
    assert.ok(marked[0]?.message.startsWith(KAYRON_LINT_MARKER), marked[0]?.message);

    // service/extra.yaml comes before service/service.yaml in Kayron's walk, so its error becomes the verdict.
    const extraPath = path.join(root, 'service/extra.yaml');
    const extraUri = fileUri(extraPath);
    const extra = '- docker: "extra"\n  deploy:\n    release: "v2.0.0"\n';
    await fs.writeFile(extraPath, extra);
    await client.fileEvents([{ uri: extraUri, type: FileChangeType.Created }]);
    const extraVerdict = await client.waitForVerdict((params) => verdictOf(params)[0]?.file === 'service/extra.yaml');
    assert.deepEqual(verdictOf(extraVerdict), [{ file: 'service/extra.yaml', code: 'github-missing', line: 0 }]);
    const extraDiagnostics = await client.waitForDiagnostics(extraUri, (diagnostics) => diagnostics.length > 0);
    assert.deepEqual(codes(extraDiagnostics), ['github-missing']);
    assert.ok(extraDiagnostics[0]?.message.startsWith(KAYRON_LINT_MARKER), extraDiagnostics[0]?.message);
    const unmarked = await client.waitForDiagnostics(
      serviceUri,
      (diagnostics) => diagnostics[0]?.message.startsWith(KAYRON_LINT_MARKER) === false,
    );
    assert.deepEqual(codes(unmarked), ['release-format']);
    assert.equal((unmarked[0]?.data as { kayron?: unknown } | undefined)?.kayron, false);

    await fs.rm(extraPath);
    await client.fileEvents([{ uri: extraUri, type: FileChangeType.Deleted }]);
    await client.waitForVerdict((params) => verdictOf(params)[0]?.file === 'service/service.yaml');
    await client.waitForDiagnostics(
      serviceUri,
      (diagnostics) => diagnostics[0]?.message.startsWith(KAYRON_LINT_MARKER) === true,
    );

    await client.replace(serviceUri, serviceText);
    const passing = await client.waitForVerdict((params) => verdictOf(params)[0]?.file === undefined);
    assert.deepEqual(passing.verdicts, [{ root: fileUri(root) }]);
  });
});
