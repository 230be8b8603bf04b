/**
 * `ReleaseWorkspace.dropVanished`: without any file event, the closed files that Kayron's walk would no longer find are
 * forgotten (deleted, replaced by a folder, under a folder that became a link), while open files and files still there
 * are kept.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ReleaseWorkspace } from '../../server/src/workspace/release-workspace';

const ENTRY = '- docker: "a"\n  github: "a"\n  deploy:\n    release: "v1.0.0"\n';
let root: string;

before(async () => {
  root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'kayron-vanished-')));
  for (const name of [
    'service/kept.yaml',
    'service/deleted.yaml',
    'service/now-a-folder.yaml',
    'service/open.yaml',
    'service/linked/x.yaml',
    'infrastructure/infrastructure.yaml',
  ]) {
    await fs.mkdir(path.dirname(path.join(root, name)), { recursive: true });
    await fs.writeFile(path.join(root, name), ENTRY);
  }
});
after(() => fs.rm(root, { recursive: true, force: true }));

test('forgets closed files the walk would not find any more, keeps open ones and those still there', async () => {
  const workspace = new ReleaseWorkspace(root);
  await workspace.scan();
  workspace.setOpenText('service/open.yaml', ENTRY, false);
  const tracked = () => workspace.orderedFiles().map((file) => file.relativePath);
  assert.deepEqual(await workspace.dropVanished(), []);

  await fs.rm(path.join(root, 'service/deleted.yaml'));
  await fs.rm(path.join(root, 'service/now-a-folder.yaml'));
  await fs.mkdir(path.join(root, 'service/now-a-folder.yaml'));
  // A folder replaced by a link to a folder: Kayron's walk (lstat) does not follow it.
  await fs.rename(path.join(root, 'service/linked'), path.join(root, 'elsewhere'));
  await fs.symlink(path.join(root, 'elsewhere'), path.join(root, 'service/linked'));
  await fs.rm(path.join(root, 'service/open.yaml'));

  assert.deepEqual(await workspace.dropVanished(), [
    'service/deleted.yaml',
    'service/linked/x.yaml',
    'service/now-a-folder.yaml',
  ]);
  assert.deepEqual(tracked(), ['infrastructure/infrastructure.yaml', 'service/kept.yaml', 'service/open.yaml']);
  assert.deepEqual(await workspace.dropVanished(), []);
});
