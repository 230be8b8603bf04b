/**
 * The layering in eslint.config.mjs bites: an import against it inside a domain folder is an ESLint error, and the
 * same import from the LSP layer is not. Lints source text as if it were a file in each folder (ESLint's Node API,
 * the project's own config), with the import rule alone so no type information is needed.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { ESLint } from 'eslint';

const ROOT = path.resolve(__dirname, '../..');
const DOMAIN_FOLDERS = ['kayron', 'yaml', 'schema', 'features', 'github', 'environments', 'promotion', 'plan'];

const eslint = new ESLint({
  cwd: ROOT,
  // Typed rules would need the file in the TypeScript project; the fences are the import rule alone.
  overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
  ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-imports',
});

/** The `no-restricted-imports` messages for `source` as the file `relativePath` of the repository. */
async function fenceErrors(relativePath: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: path.join(ROOT, relativePath) });
  assert.ok(result, `no lint result for ${relativePath}`);
  const fatal = result.messages.filter((message) => message.fatal);
  assert.deepEqual(fatal, [], `${relativePath} could not be linted`);
  return result.messages
    .filter((message) => message.ruleId === 'no-restricted-imports')
    .map((message) => message.message);
}

describe('layering fences (eslint.config.mjs)', () => {
  it('the config fences exactly the domain folders the test names', async () => {
    const config = (await import(path.join(ROOT, 'eslint.config.mjs'))) as { DOMAIN_FOLDERS: string[] };
    assert.deepEqual(config.DOMAIN_FOLDERS, DOMAIN_FOLDERS);
  });

  for (const folder of DOMAIN_FOLDERS) {
    const file = `server/src/${folder}/fence-probe.ts`;
    it(`${folder}/ may not import lsp/, workspace/ or vscode-languageserver/node`, async () => {
      const forbidden = [
        "import { createRunSafe } from '../lsp/run-safe';",
        "import type { LspContext } from '../lsp/context';",
        "import type { ReleaseWorkspace } from '../workspace/release-workspace';",
        "import { createConnection } from 'vscode-languageserver/node';",
      ];
      for (const line of forbidden) {
        const errors = await fenceErrors(file, `${line}\nexport {};\n`);
        assert.equal(errors.length, 1, `${file}: ${line} → ${JSON.stringify(errors)}`);
        assert.match(errors[0]!, /Domain code (never imports the LSP layer|does not know the connection)/);
      }
    });

    it(`${folder}/ may import the domain, the protocol and LSP types`, async () => {
      const allowed = [
        "import type { Problem } from '../kayron/problem';",
        "import type { ReleaseRootsParams } from '../protocol';",
        "import type { Diagnostic } from 'vscode-languageserver';",
        "import type { TextDocument } from 'vscode-languageserver-textdocument';",
      ];
      assert.deepEqual(await fenceErrors(file, `${allowed.join('\n')}\nexport {};\n`), []);
    });
  }

  it('domain folders import downwards only: no cycle between them', async () => {
    const config = (await import(path.join(ROOT, 'eslint.config.mjs'))) as { FOLDERS_ABOVE: Record<string, string[]> };
    assert.deepEqual(Object.keys(config.FOLDERS_ABOVE).sort(), [...DOMAIN_FOLDERS].sort());
    const upwards: [string, string][] = [
      ['kayron', "import type { StatusMatrix } from '../environments/matrix';"],
      ['yaml', "import type { FileAnalysis } from '../features/validate';"],
      ['github', "import type { StatusMatrix } from '../environments/matrix';"],
      ['features', "import type { StatusMatrix } from '../environments/matrix';"],
      ['features', "import type { DeploymentPlan } from '../plan/types';"],
      ['environments', "import { planDeployment } from '../plan/planner';"],
      ['environments', "import type { PromotionPlan } from '../promotion/types';"],
      ['plan', "import { planPromotion } from '../promotion/promotion';"],
    ];
    for (const [folder, line] of upwards) {
      const errors = await fenceErrors(`server/src/${folder}/fence-probe.ts`, `${line}\nexport {};\n`);
      assert.equal(errors.length, 1, `${folder}: ${line} → ${JSON.stringify(errors)}`);
      assert.match(errors[0]!, new RegExp(`^'[^']+' import is restricted.*${folder}/ sits below`));
    }
    const downwards: [string, string][] = [
      ['environments', "import type { FileAnalysis } from '../features/validate';"],
      ['plan', "import type { StatusMatrix } from '../environments/matrix';"],
      ['plan', "import { GitHubApi } from '../promotion/github-api';"],
      ['promotion', "import type { DeploymentPlan } from '../plan/types';"],
      ['features', "import type { DecodedEntry } from '../yaml/decode';"],
    ];
    for (const [folder, line] of downwards) {
      assert.deepEqual(await fenceErrors(`server/src/${folder}/fence-probe.ts`, `${line}\nexport {};\n`), [], line);
    }
  });

  it('the LSP layer itself may import the connection and the per-root state', async () => {
    const source = [
      "import { createConnection } from 'vscode-languageserver/node';",
      "import type { ReleaseWorkspace } from '../workspace/release-workspace';",
      "import type { LspContext } from './context';",
      'export {};',
    ].join('\n');
    assert.deepEqual(await fenceErrors('server/src/lsp/fence-probe.ts', source), []);
  });

  it('the server never imports vscode, in the domain folders as everywhere else', async () => {
    for (const file of ['server/src/features/fence-probe.ts', 'server/src/lsp/fence-probe.ts']) {
      const errors = await fenceErrors(file, "import * as vscode from 'vscode';\nexport { vscode };\n");
      assert.equal(errors.length, 1, `${file}: ${JSON.stringify(errors)}`);
      assert.match(errors[0]!, /must not depend on VS Code/);
    }
  });
});
