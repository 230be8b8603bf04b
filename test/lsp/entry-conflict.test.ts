/**
 * One answer for an entry that names two strategies (`deploy: {release: v0.5.3, branch: feature/x}`): Kayron rejects
 * it, and every surface says so in the same words — the palette's entry list (`kayron/releaseEntries`), the
 * environments matrix (`kayron/environments`), the inline hint after `deploy:` and `kayron-releases status --json`.
 * Through the built server and CLI, on a real git repository whose testing branch and working tree hold the conflict.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { realpathSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { InlayHintRequest, type InlayHint } from 'vscode-languageserver-protocol/node';
import {
  EnvironmentsRequest,
  ReleaseEntriesRequest,
  type EnvironmentsResult,
  type ReleaseEntry,
  type StatusMatrix,
} from '../../server/src/protocol';
import { FixtureScope, infrastructureFile, serviceFile } from '../helpers/git-fixture';
import { fileUri, startSettled, type LspClient } from './lsp-client';

const CLI = path.join(__dirname, '..', '..', 'dist', 'cli.js');
const SERVICE = 'service/service.yaml';
const INFRASTRUCTURE = 'infrastructure/infrastructure.yaml';
/** The one wording of a conflicting entry (server/src/kayron/entry-model.ts). */
const CONFLICT = 'conflict (branch, release)';
const CONFLICTING = `${serviceFile([['alloy', 'v1.12.2']])}\n- docker: "kayron"\n  github: "kayron"\n  deploy:\n    release: "v0.5.3"\n    branch: "feature/x"\n`;

const scope = new FixtureScope();
after(() => scope.dispose());

describe('an entry with two strategies reads "conflict" everywhere', () => {
  let root: string;
  let client: LspClient;

  before(async () => {
    const work = scope.init('conflict-work');
    work.commit('first release', {
      [INFRASTRUCTURE]: infrastructureFile('v0.5.8'),
      [SERVICE]: serviceFile([
        ['alloy', 'v1.12.2'],
        ['kayron', 'v0.5.3'],
      ]),
    });
    work.tag('v0.1.0');
    work.checkoutNew('testing');
    work.commit('kayron on a branch, its pin left in', { [SERVICE]: CONFLICTING });
    work.checkout('main');
    const { clone } = scope.publish(work, ['main', 'testing'], 'conflict-clone');
    root = realpathSync(clone.dir);
    // Development: the same mistake in the working tree, not committed.
    writeFileSync(path.join(root, SERVICE), CONFLICTING);
    client = await startSettled({ folders: [root] });
  });
  after(async () => {
    await client.dispose();
  });

  it('the palette lists the entry as a conflict, with the matrix wording', async () => {
    const entries = await client.request<ReleaseEntry[]>(ReleaseEntriesRequest, undefined);
    const kayron = entries.find((entry) => entry.relativePath === SERVICE && entry.name === 'kayron');
    assert.deepEqual(kayron && { strategy: kayron.strategy, value: kayron.value, label: kayron.label }, {
      strategy: 'conflict',
      value: '',
      label: CONFLICT,
    });
    const alloy = entries.find((entry) => entry.relativePath === SERVICE && entry.name === 'alloy');
    assert.deepEqual(alloy && { strategy: alloy.strategy, value: alloy.value, label: alloy.label }, {
      strategy: 'release',
      value: 'v1.12.2',
      label: 'v1.12.2',
    });
  });

  it('the environments matrix shows the conflict in development and testing, with errors', async () => {
    const result = await client.request<EnvironmentsResult>(EnvironmentsRequest, { refresh: true });
    const matrix = result.roots[0]?.matrix;
    assert.ok(matrix, JSON.stringify(result.roots.map((answer) => answer.state)));
    const cells = matrix.rows.find((row) => row.key === 'kayron')?.cells;
    assert.deepEqual(
      ['development', 'testing', 'staging'].map((name) => [
        name,
        cells?.[name]?.label,
        cells?.[name]?.strategy?.kind,
        cells?.[name]?.hasErrors,
      ]),
      [
        ['development', CONFLICT, 'conflict', true],
        ['testing', CONFLICT, 'conflict', true],
        ['staging', 'v0.5.3', 'release', false],
      ],
    );
  });

  it('the inline hint names the conflict here and where testing has it too', async () => {
    const uri = fileUri(path.join(root, SERVICE));
    await client.request<EnvironmentsResult>(EnvironmentsRequest, { refresh: false });
    await client.open(uri, CONFLICTING);
    const hints =
      (await client.request<InlayHint[] | null>(InlayHintRequest.method, {
        textDocument: { uri },
        range: { start: { line: 0, character: 0 }, end: { line: 100, character: 0 } },
      })) ?? [];
    const kayronLine = CONFLICTING.split('\n').indexOf('  github: "kayron"') + 1;
    const hint = hints.find((candidate) => candidate.position.line === kayronLine);
    assert.ok(
      hint,
      `a hint after kayron's deploy: (line ${kayronLine}) among ${JSON.stringify(hints.map((candidate) => candidate.position))}`,
    );
    assert.equal(
      typeof hint.label === 'string' ? hint.label : hint.label.map((part) => part.value).join(''),
      'staging v0.5.3 · prod v0.5.3',
    );
    const tooltip = typeof hint.tooltip === 'object' ? hint.tooltip.value : String(hint.tooltip);
    assert.match(
      tooltip,
      new RegExp(`^\\*\\*kayron\\*\\* here: \`${escape(CONFLICT)}\`\n\n- testing: \`${escape(CONFLICT)}\` `),
    );
    await client.close(uri);
  });

  it('kayron-releases status --json gives the same cells', () => {
    const result = spawnSync(process.execPath, [CLI, 'status', '--json', root], {
      encoding: 'utf8',
      env: { ...process.env, GITHUB_TOKEN: '' },
    });
    assert.equal(result.status, 0, result.stderr);
    const matrix = JSON.parse(result.stdout) as StatusMatrix;
    const cells = matrix.rows.find((row) => row.key === 'kayron')?.cells;
    assert.deepEqual(
      ['development', 'testing', 'staging'].map((name) => [name, cells?.[name]?.label, cells?.[name]?.strategy]),
      [
        ['development', CONFLICT, { kind: 'conflict', value: '', enabled: ['branch', 'release'] }],
        ['testing', CONFLICT, { kind: 'conflict', value: '', enabled: ['branch', 'release'] }],
        ['staging', 'v0.5.3', { kind: 'release', value: 'v0.5.3' }],
      ],
    );
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
