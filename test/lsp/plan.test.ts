/**
 * The deployment plan through the built server (any LSP client): `kayron/deploymentPlan` for staging against an
 * unsaved edit, its Markdown (without the PR marker), environments and usage errors as answers, and the CodeLens above
 * the changed entry. Offline: GitHub parts are reported unverified.
 */
import assert from 'node:assert/strict';
import { realpathSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CodeLensRequest, type CodeLens } from 'vscode-languageserver-protocol/node';
import { DeploymentPlanRequest, type DeploymentPlanResult } from '../../server/src/protocol';
import { FixtureScope, infrastructureFile, serviceFile } from '../helpers/git-fixture';
import { fileUri, startSettled, type LspClient } from './lsp-client';

const scope = new FixtureScope();
const SERVICE = 'service/service.yaml';

describe('deployment plan over LSP', () => {
  let client: LspClient;
  let rootUri: string;
  let serviceUri: string;

  before(async () => {
    const work = scope.init('lsp-plan-work');
    work.commit('staging', {
      'infrastructure/infrastructure.yaml': infrastructureFile('v0.5.8'),
      [SERVICE]: serviceFile([
        ['alloy', 'v1.12.2'],
        ['kayron', 'v0.5.1'],
      ]),
    });
    const { clone } = scope.publish(work, ['main'], 'lsp-plan-clone');
    const root = realpathSync(clone.dir);
    rootUri = fileUri(root);
    serviceUri = fileUri(path.join(root, SERVICE));
    client = await startSettled({ folders: [root], env: { KAYRON_OFFLINE: '1' } });
  });
  after(async () => {
    await client?.dispose();
    scope.dispose();
  });

  it('advertises CodeLenses', () => {
    assert.deepEqual(client.initializeResult?.capabilities.codeLensProvider, { resolveProvider: false });
  });

  it('plans staging against unsaved editor text, with a CodeLens above the changed entry only', async () => {
    const text = serviceFile([
      ['alloy', 'v1.12.2'],
      ['kayron', 'v0.5.3'],
    ]);
    await client.open(serviceUri, text);
    const result = await client.request<DeploymentPlanResult>(DeploymentPlanRequest, { root: rootUri });
    assert.ok(result.ok, JSON.stringify(result));
    assert.equal(result.plan.environment, 'staging');
    assert.equal(result.plan.base.ref, 'origin/main');
    assert.deepEqual(
      result.plan.parameters.map((parameter) => [parameter.key, parameter.before, parameter.after, parameter.change]),
      [
        ['InfrastructureVersion', 'v0.5.8', 'v0.5.8', 'none'],
        ['AlloyVersion', 'v1.12.2', 'v1.12.2', 'none'],
        ['KayronVersion', 'v0.5.1', 'v0.5.3', 'upgrade'],
      ],
    );
    assert.ok(
      result.plan.problems.every((problem) => problem.code === 'github-unverified'),
      JSON.stringify(result.plan.problems),
    );
    assert.deepEqual(result.environments, ['testing', 'staging', 'production']);
    assert.match(result.markdown, /^### Kayron deployment plan: staging\n/);
    assert.ok(!result.markdown.includes('<!-- kayron-releases:plan -->'));

    const lenses =
      (await client.request<CodeLens[] | null>(CodeLensRequest.method, { textDocument: { uri: serviceUri } })) ?? [];
    const kayronLine = text.split('\n').findIndex((line) => line.includes('docker: "kayron"'));
    assert.deepEqual(
      lenses.map((lens) => [lens.range.start.line, lens.command?.title, lens.command?.command]),
      [[kayronLine, 'staging: KayronVersion v0.5.1 → v0.5.3', 'kayron.plan.show']],
    );
    assert.deepEqual(lenses[0]?.command?.arguments, [{ root: rootUri, environment: 'staging' }]);
  });

  it('answers an unknown environment or ref with the reason, not an error', async () => {
    const unknown = await client.request<DeploymentPlanResult>(DeploymentPlanRequest, {
      root: rootUri,
      environment: 'nowhere',
    });
    assert.deepEqual(
      [unknown.ok, !unknown.ok && unknown.message],
      [false, 'unknown environment nowhere: choose one of testing, staging, production'],
    );
    const badRef = await client.request<DeploymentPlanResult>(DeploymentPlanRequest, {
      root: rootUri,
      base: 'no-such-ref',
    });
    assert.equal(badRef.ok, false);
  });
});
