/**
 * Promotions in a real VS Code, end to end: the palette commands against a GitHub stand-in with write endpoints that
 * this suite starts in the extension host, on a real clone added as a workspace folder. The commands get their answers
 * as an argument (`confirm: 'yes'`, versions, tag); the preview is still computed and shown, and checked here. The
 * runner provides the stand-in token as KAYRON_E2E_GITHUB_TOKEN (the e2e sign-in); it never reaches a log.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { KayronExtensionApi } from '../../../client/src/extension';
import type { PromotionCommandResult } from '../../../client/src/promotion/flows';
import { createPromotionFixture, writeRequests, type PromotionFixture } from '../../helpers/promotion-fixture';
import { keepOnFailure } from './evidence';
import { EXTENSION_ID, scaled, waitFor } from './wait';

const FOLDER_NAME = 'promotion-releases';

const previewDocuments = () =>
  vscode.workspace.textDocuments.filter((document) => document.uri.scheme === 'kayron-promotion');

describe('Promotion commands (palette flows against the GitHub stand-in)', function () {
  this.timeout(scaled(120_000));
  let fixture: PromotionFixture;
  let api: KayronExtensionApi;
  let root: string;
  const token = process.env.KAYRON_E2E_GITHUB_TOKEN;
  const forgetEvidence: (() => void)[] = [];

  before(async function () {
    assert.ok(token, 'the e2e runner sets KAYRON_E2E_GITHUB_TOKEN (test/e2e/run-extension-tests.js)');
    const extension = vscode.extensions.getExtension<KayronExtensionApi>(EXTENSION_ID);
    assert.ok(extension, `extension ${EXTENSION_ID} is not installed`);
    api = await extension.activate();
    await api.ready;
    // mirrored: the stand-in acts as origin for `git fetch` too, as GitHub does
    fixture = await createPromotionFixture({ tokens: [token], mirrorWrites: true });
    forgetEvidence.push(
      keepOnFailure('promotion stand-in requests', () =>
        fixture.standin.requests.map(({ body: _body, ...request }) => request),
      ),
      keepOnFailure('GitHub state', () => api.githubState()),
      keepOnFailure('release roots', () => api.releaseFiles.roots.map((candidate) => candidate.uri)),
    );
    root = vscode.Uri.file(fixture.clone.dir).toString();
    await vscode.workspace
      .getConfiguration('kayron')
      .update('github.apiUrl', fixture.standin.apiUrl, vscode.ConfigurationTarget.Workspace);
    const count = vscode.workspace.workspaceFolders?.length ?? 0;
    assert.ok(
      vscode.workspace.updateWorkspaceFolders(count, 0, { uri: vscode.Uri.file(fixture.clone.dir), name: FOLDER_NAME }),
      'adding the clone as a workspace folder was refused',
    );
    await waitFor(
      'the server to recognise the clone as a releases root',
      () =>
        api.releaseFiles.roots.some((candidate) => vscode.Uri.parse(candidate.uri).toString() === root)
          ? true
          : undefined,
      () => JSON.stringify(api.releaseFiles.roots.map((candidate) => candidate.uri)),
    );
  });

  after(async () => {
    for (const forget of forgetEvidence) forget();
    const index = vscode.workspace.workspaceFolders?.findIndex((folder) => folder.name === FOLDER_NAME) ?? -1;
    if (index >= 0) vscode.workspace.updateWorkspaceFolders(index, 1);
    await vscode.workspace
      .getConfiguration('kayron')
      .update('github.apiUrl', undefined, vscode.ConfigurationTarget.Workspace);
    await fixture?.close();
  });

  it('Promote Service to Staging: previews the bump, then opens exactly one team-style pull request', async () => {
    fixture.standin.clearLog();
    // Answers only: the service (its latest version is the default) and the confirmation.
    const result = await vscode.commands.executeCommand<PromotionCommandResult>('kayron.promote.toStaging', {
      root,
      bumps: [{ service: 'kayron' }],
      confirm: 'yes',
    });
    assert.equal(result.status, 'done', result.message);
    assert.deepEqual(result.links, [{ label: 'Open pull request', url: 'https://github.com/acme/releases/pull/1' }]);
    const preview = previewDocuments().find((document) => document.getText().startsWith('# Bump kayron to v0.5.4'));
    assert.ok(
      preview,
      `the preview was shown: ${previewDocuments()
        .map((document) => document.uri.toString())
        .join(', ')}`,
    );
    assert.match(preview.getText(), /- {4}release: "v0\.5\.3"\n\+ {4}release: "v0\.5\.4"/);
    assert.equal(
      vscode.window.visibleTextEditors.some((editor) => editor.document === preview),
      true,
      'the preview is visible',
    );
    assert.deepEqual(
      writeRequests(fixture.standin).map((request) => request.call),
      [
        'POST /repos/acme/releases/git/blobs',
        'POST /repos/acme/releases/git/trees',
        'POST /repos/acme/releases/git/commits',
        'POST /repos/acme/releases/git/refs',
        'POST /repos/acme/releases/pulls',
      ],
    );
    const pull = writeRequests(fixture.standin).at(-1)?.body as { title: string; head: string; base: string };
    assert.deepEqual([pull.title, pull.head, pull.base], ['Bump kayron to v0.5.4', 'bump-kayron-v0.5.4', 'main']);

    // Running it again does not open a duplicate.
    fixture.standin.clearLog();
    const again = await vscode.commands.executeCommand<PromotionCommandResult>('kayron.promote.toStaging', {
      root,
      bumps: [{ service: 'kayron', version: 'v0.5.4' }],
      confirm: 'yes',
    });
    assert.equal(again.status, 'nothing-to-do', again.message);
    assert.deepEqual(writeRequests(fixture.standin), []);
  });

  it('Promote Staging to Production: declining sends nothing; confirming creates the release on the staging commit', async () => {
    fixture.standin.clearLog();
    const declined = await vscode.commands.executeCommand<PromotionCommandResult>('kayron.promote.toProduction', {
      root,
      tag: 'patch',
      confirm: 'no',
    });
    assert.equal(declined.status, 'cancelled');
    assert.deepEqual(writeRequests(fixture.standin), []);

    const result = await vscode.commands.executeCommand<PromotionCommandResult>('kayron.promote.toProduction', {
      root,
      tag: 'patch',
      confirm: 'yes',
    });
    assert.equal(result.status, 'done', result.message);
    assert.deepEqual(result.links, [
      { label: 'Open release', url: 'https://github.com/acme/releases/releases/tag/v0.6.11' },
    ]);
    assert.equal(result.plan?.release?.targetCommit, fixture.stagingCommit);
    assert.deepEqual(
      result.plan?.changes.map((change) => `${change.service} ${change.from} → ${change.to}`),
      ['kayron v0.5.2 → v0.5.3'],
    );
    assert.ok(previewDocuments().some((document) => document.getText().startsWith('# Release v0.6.11 to production')));
    assert.deepEqual(
      writeRequests(fixture.standin).map((request) => [
        request.call,
        (request.body as { tag_name: string; target_commitish: string }).tag_name,
        (request.body as { target_commitish: string }).target_commitish,
      ]),
      [['POST /repos/acme/releases/releases', 'v0.6.11', fixture.stagingCommit]],
    );
  });

  it('with kayron.promotion.dryRun the deploy to testing only shows the plan', async () => {
    const folder = vscode.workspace.workspaceFolders?.find((candidate) => candidate.name === FOLDER_NAME);
    assert.ok(folder);
    const settings = vscode.workspace.getConfiguration('kayron', folder.uri);
    await settings.update('promotion.dryRun', true, vscode.ConfigurationTarget.WorkspaceFolder);
    try {
      fixture.standin.clearLog();
      const result = await vscode.commands.executeCommand<PromotionCommandResult>('kayron.promote.branchToTesting', {
        root,
        service: 'kayron',
        branch: 'feature/faster-sync',
      });
      assert.equal(result.status, 'dry-run', result.message);
      assert.deepEqual(writeRequests(fixture.standin), []);
      assert.equal(fixture.releases.branchSha('testing'), undefined);
      assert.ok(
        previewDocuments().some((document) =>
          /# Deploy kayron branch feature\/faster-sync to testing[\s\S]*\+ {4}branch: "feature\/faster-sync"/.test(
            document.getText(),
          ),
        ),
      );
    } finally {
      await settings.update('promotion.dryRun', undefined, vscode.ConfigurationTarget.WorkspaceFolder);
    }
  });

  it("after its own write a flow fetches what it wrote: Reset Testing right after Deploy Branch to Testing is not 'behind GitHub'", async () => {
    const deployed = await vscode.commands.executeCommand<PromotionCommandResult>('kayron.promote.branchToTesting', {
      root,
      service: 'kayron',
      branch: 'feature/faster-sync',
      confirm: 'yes',
    });
    assert.equal(deployed.status, 'done', deployed.message);
    const testing = fixture.releases.branchSha('testing');
    assert.ok(testing, 'the stand-in has the testing branch');
    assert.equal(
      fixture.clone.git(['rev-parse', 'refs/remotes/origin/testing']),
      testing,
      'the clone fetched the testing branch the flow wrote',
    );
    fixture.standin.clearLog();
    const reset = await vscode.commands.executeCommand<PromotionCommandResult>('kayron.promote.resetTesting', {
      root,
      confirm: 'yes',
    });
    assert.equal(reset.status, 'done', reset.message);
    assert.ok(
      !reset.plan?.checks.some((check) => check.id === 'local-current' && check.status === 'error'),
      JSON.stringify(reset.plan?.checks),
    );
    assert.equal(
      fixture.releases.branchSha('testing'),
      fixture.releases.branchSha('main'),
      'testing is back at the default branch head',
    );
  });
});
