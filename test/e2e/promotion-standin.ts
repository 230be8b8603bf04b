/**
 * The GitHub side of the UI test's promotion step (test/e2e/ui.js): a real releases clone (origin github.com/acme/releases,
 * production v0.6.10, staging one bump ahead) and the GitHub stand-in with write endpoints serving the same history.
 * Prints one JSON line `{ apiUrl, clone, stagingCommit }`, then serves until its stdin closes.
 *
 * usage: KAYRON_E2E_GITHUB_TOKEN=<token> node --import tsx test/e2e/promotion-standin.ts
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { createPromotionFixture } from '../helpers/promotion-fixture';

async function main(): Promise<void> {
  const token = process.env.KAYRON_E2E_GITHUB_TOKEN;
  if (!token) throw new Error('KAYRON_E2E_GITHUB_TOKEN is not set');
  const fixture = await createPromotionFixture({ tokens: [token] });
  // The window opens the clone as a folder: its settings point the extension at the stand-in.
  mkdirSync(path.join(fixture.clone.dir, '.vscode'), { recursive: true });
  writeFileSync(
    path.join(fixture.clone.dir, '.vscode', 'settings.json'),
    `${JSON.stringify({ 'kayron.github.apiUrl': fixture.standin.apiUrl }, null, 2)}\n`,
  );
  process.stdout.write(
    `${JSON.stringify({ apiUrl: fixture.standin.apiUrl, clone: fixture.clone.dir, stagingCommit: fixture.stagingCommit })}\n`,
  );
  process.stdin.resume();
  process.stdin.on('end', () => {
    void fixture.close().then(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
