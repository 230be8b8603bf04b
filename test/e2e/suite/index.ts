/**
 * Mocha entry loaded by the extension host (`extensionTestsPath`), both by code-server (run-extension-tests.js) and by
 * @vscode/test-electron (test-electron.js). Runs every compiled `*.test.js` next to it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { scaled } from '../../wait-budget';
import { writeEvidence } from './evidence';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, reporter: 'spec', timeout: scaled(60_000) });
  // A failed test (or hook) leaves what the suites registered (evidence.ts) in the run's results folder.
  mocha.suite.afterEach(function keepEvidence() {
    const test = this.currentTest;
    if (test?.state !== 'failed') return;
    const file = writeEvidence(test.fullTitle(), test.err);
    if (file) console.log(`evidence of the failure: ${file}`);
  });
  const grep = process.env.KAYRON_E2E_GREP;
  if (grep) mocha.grep(grep);
  // The demo walk (demo.*) and the editor bench (bench.*) run in their own windows (run-extension-tests.js --demo,
  // --bench); everything else is the integration suite.
  const suite = process.env.KAYRON_E2E_SUITE ?? 'integration';
  const suiteOf = (name: string) =>
    name.startsWith('demo.') ? 'demo' : name.startsWith('bench.') ? 'bench' : 'integration';
  for (const file of fs
    .readdirSync(__dirname)
    .filter((name) => name.endsWith('.test.js') && suiteOf(name) === suite)
    .sort()) {
    mocha.addFile(path.join(__dirname, file));
  }
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      // a plain closing line that CI tooling recognises (mocha's own "N passing" is not one of them)
      console.log(`${runner.stats?.passes ?? 0} passed, ${failures} failed`);
      if (failures > 0) reject(new Error(`${failures} e2e test(s) failed`));
      else resolve();
    });
  });
}
