// Round trips over every release file of the real history: bump → switch to branch → switch back → original bytes.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { analyzeReleaseFile } from '../../server/src/features/validate';
import {
  applyOffsetEdits,
  setReleaseEdit,
  switchBackEdits,
  switchToBranchEdits,
} from '../../server/src/features/release-edits';

const CORPUS = path.join(__dirname, '..', '..', '..', 'shared', 'corpus', 'releases-history');

function corpusFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith('.yaml')) files.push(full);
    }
  };
  walk(CORPUS);
  return files.sort();
}

function entries(text: string) {
  return analyzeReleaseFile('service/service.yaml', text).decoded?.entries ?? [];
}

function roundTrip(original: string): number {
  let checked = 0;
  entries(original).forEach((entry, position) => {
    if (entry.deploy?.release && !entry.deploy.branch) {
      const tag = entry.deploy.release.value;
      const bumped = applyOffsetEdits(original, [setReleaseEdit(original, entry, 'v9.9.9')!]);
      const onBranch = applyOffsetEdits(
        bumped,
        switchToBranchEdits(bumped, entries(bumped)[position]!, 'feature/round-trip')!,
      );
      const branchEntry = entries(onBranch)[position]!;
      assert.equal(branchEntry.deploy?.branch?.value, 'feature/round-trip');
      assert.equal(branchEntry.deploy?.release, undefined);
      const analysis = analyzeReleaseFile('service/service.yaml', onBranch);
      assert.deepEqual(
        analysis.kayronProblems.map((problem) => problem.code),
        analyzeReleaseFile('service/service.yaml', original).kayronProblems.map((problem) => problem.code),
      );
      const back = applyOffsetEdits(onBranch, switchBackEdits(onBranch, branchEntry)!);
      assert.equal(back, bumped);
      const restored = applyOffsetEdits(back, [setReleaseEdit(back, entries(back)[position]!, tag)!]);
      assert.equal(restored, original);
      checked++;
    }
    if (entry.deploy?.branch && !entry.deploy.release) {
      const edits = switchBackEdits(original, entry);
      if (!edits) return;
      const pinned = applyOffsetEdits(original, edits);
      const again = applyOffsetEdits(
        pinned,
        switchToBranchEdits(pinned, entries(pinned)[position]!, entry.deploy.branch.value)!,
      );
      // Equal when the history used the canonical `# release: "vX"` form directly above the branch.
      const canonical = /\n( +)# release: "[^"]*"\r?\n\1branch: "/.test(original);
      if (canonical) assert.equal(again, original);
      checked++;
    }
  });
  return checked;
}

describe('release edits', () => {
  const files = corpusFiles();
  test('the corpus is there', () => assert.ok(files.length >= 130, `found ${files.length} files`));

  test('round trips restore every corpus file byte for byte (LF and CRLF)', () => {
    let checked = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      checked += roundTrip(text);
      checked += roundTrip(text.replace(/\n/g, '\r\n'));
    }
    assert.ok(checked > 300, `round-tripped ${checked} entries`);
  });

  test('switching to a branch keeps the pin as a comment directly above', () => {
    const text =
      '- docker: "kayron"\n  github: "kayron"\n  deploy:\n    release: "v0.5.3" # pinned\n    preview: true\n';
    const switched = applyOffsetEdits(text, switchToBranchEdits(text, entries(text)[0]!, 'feature/x')!);
    assert.equal(
      switched,
      '- docker: "kayron"\n  github: "kayron"\n  deploy:\n    # release: "v0.5.3" # pinned\n    branch: "feature/x"\n    preview: true\n',
    );
  });

  test('switching back without a commented pin uses the fallback tag, keeping the quote style', () => {
    const text = "- docker: 'kayron'\n  github: 'kayron'\n  deploy:\n    branch: 'main'\n";
    assert.equal(switchBackEdits(text, entries(text)[0]!), undefined);
    const back = applyOffsetEdits(text, switchBackEdits(text, entries(text)[0]!, 'v0.5.4')!);
    assert.equal(back, "- docker: 'kayron'\n  github: 'kayron'\n  deploy:\n    release: 'v0.5.4'\n");
  });

  test("switching back restores a pin commented at another column with the branch line's indentation", () => {
    const pinned =
      '- docker: "kayron"\n  github: "kayron"\n  deploy:\n    release: "v0.5.3" # pinned\n    preview: true\n';
    for (const comment of [
      '# release: "v0.5.3" # pinned',
      '  #release: "v0.5.3" # pinned',
      '        # release: "v0.5.3" # pinned',
    ]) {
      for (const newline of ['\n', '\r\n']) {
        const text = pinned
          .replace('    release: "v0.5.3" # pinned\n', `${comment}\n    branch: "main"\n`)
          .replace(/\n/g, newline);
        const back = applyOffsetEdits(text, switchBackEdits(text, entries(text)[0]!)!);
        assert.equal(back, pinned.replace(/\n/g, newline), JSON.stringify(comment));
        assert.equal(entries(back)[0]?.deploy?.release?.value, 'v0.5.3');
      }
    }
  });
});
