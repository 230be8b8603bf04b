/**
 * Kayron's per-entry checks (kayron-spec §2.2, §2.3): the order of checks, the precedence pairs Kayron was observed
 * to follow, exact message texts and the range each problem is reported on; plus the whole-schema cases F0–F9/S0–S1
 * of Kayron's schema_test.go (§6.1).
 */
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { KAYRON_CHECK_CODES, KAYRON_MESSAGES } from '../../server/src/kayron/messages';
import { assertStartsWith, expectProblemAt, lintFiles, lintText } from '../helpers/cursor';

function verdictCode(text: string): string | undefined {
  return lintText(text).verdict?.code;
}

/** Kayron-check codes of one file, in the order analyzeReleaseFile reports them. */
function kayronCodes(text: string): string[] {
  return lintText(text).analyses[0]?.kayronProblems.map((problem) => problem.code) ?? [];
}

describe('check order (§2.3)', () => {
  test("the codes are listed in Kayron's order", () => {
    assert.deepEqual(KAYRON_CHECK_CODES, [
      'yaml-syntax',
      'yaml-type',
      'no-release-definitions',
      'deploy-missing',
      'deploy-strategy-conflict',
      'release-format',
      'github-missing',
      'github-format',
      'docker-or-provider-missing',
      'docker-format',
      'preview-with-provider',
      'provider-name',
    ]);
  });

  test("every failing check of one entry is reported, in Kayron's order, and the first is the verdict", () => {
    const text = '- docker: "BAD"\n  provider: "aws"\n  deploy:\n    release: "1.2.3"\n    preview: true\n';
    assert.deepEqual(kayronCodes(text), [
      'release-format',
      'github-missing',
      'docker-format',
      'preview-with-provider',
      'provider-name',
    ]);
    assert.equal(verdictCode(text), 'release-format');
  });

  test('with a strategy conflict, the conflict comes first', () => {
    const text = '- github: ".bad"\n  deploy:\n    branch: "main"\n    release: "1.2.3"\n';
    assert.deepEqual(kayronCodes(text), [
      'deploy-strategy-conflict',
      'release-format',
      'github-format',
      'docker-or-provider-missing',
    ]);
  });

  test('deploy-empty comes before everything else', () => {
    const text = '- docker: "BAD"\n  provider: "aws"\n';
    assert.deepEqual(kayronCodes(text), ['deploy-missing', 'github-missing', 'docker-format', 'provider-name']);
  });

  test('entries are checked in index order: the first failing entry is the verdict', () => {
    const text =
      '- docker: "kayron"\n  github: "kayron"\n  deploy:\n    release: "v0.5.3"\n- docker: "specta"\n  deploy:\n    release: "v0.3.1"\n- docker: "BAD"\n';
    const result = lintText(text);
    assert.equal(result.verdict?.code, 'github-missing');
    assert.equal(result.verdict.line, 4);
  });
});

describe('precedence pairs observed by running Kayron (§2.3)', () => {
  test('release error beats missing github', () => {
    assert.equal(verdictCode('- docker: "kayron"\n  deploy:\n    release: "1.2"\n'), 'release-format');
  });
  test('github error beats the preview-with-provider and provider-name errors', () => {
    assert.equal(verdictCode('- github: ".bad"\n  provider: "aws"\n  deploy:\n    preview: true\n'), 'github-format');
  });
  test('docker error beats the provider error', () => {
    assert.equal(
      verdictCode('- docker: "BAD"\n  github: "x"\n  provider: "aws"\n  deploy:\n    release: "v1.0.0"\n'),
      'docker-format',
    );
  });
  test('the preview-with-provider error beats the provider-name error', () => {
    assert.equal(
      verdictCode('- github: "x"\n  provider: "aws"\n  deploy:\n    preview: true\n'),
      'preview-with-provider',
    );
  });
  test('the strategy-count error beats everything except deploy-empty', () => {
    const text =
      '- docker: "BAD"\n  provider: "aws"\n  deploy:\n    suspend: true\n    release: "bad"\n    branch: "main"\n    preview: true\n';
    assert.equal(verdictCode(text), 'deploy-strategy-conflict');
  });
});

describe('messages and ranges of each check (§2.3)', () => {
  test("(a) deploy-missing: on the deploy key, or on the entry's first key when deploy is absent", () => {
    expectProblemAt('- docker: "kayron"\n  github: "kayron"\n  «deploy»: {}\n', 'deploy-missing', {
      kayron: true,
      messageStartsWith: KAYRON_MESSAGES['deploy-missing'],
    });
    expectProblemAt('- «docker»: "kayron"\n  github: "kayron"\n', 'deploy-missing', {
      kayron: true,
      messageStartsWith: KAYRON_MESSAGES['deploy-missing'],
    });
  });

  test('(b) strategy conflict: on deploy, listing enabled strategies in the fixed order branch, release, suspend', () => {
    const problem = expectProblemAt(
      '- docker: "kayron"\n  github: "kayron"\n  «deploy»:\n    suspend: true\n    release: "v1.0.0"\n    branch: "main"\n',
      'deploy-strategy-conflict',
      {
        kayron: true,
        messageStartsWith: KAYRON_MESSAGES['deploy-strategy-conflict'],
      },
    );
    assert.deepEqual(problem.problem.data?.enabled, ['branch', 'release', 'suspend']);
    assert.ok(problem.problem.message.includes('[branch, release, suspend]'));
  });

  test('(b) preview is not counted as a strategy; suspend: false and release: "" are not enabled', () => {
    assert.equal(
      verdictCode(
        '- docker: "kayron"\n  github: "kayron"\n  deploy:\n    release: "v1.0.0"\n    preview: true\n    suspend: false\n    branch: ""\n',
      ),
      undefined,
    );
  });

  test("(d) github-missing: on the github key when present but empty, else on the entry's first key", () => {
    expectProblemAt('- docker: "kayron"\n  «github»: ~\n  deploy:\n    release: "v1.0.0"\n', 'github-missing', {
      kayron: true,
      messageStartsWith: KAYRON_MESSAGES['github-missing'],
    });
    expectProblemAt('- «docker»: "kayron"\n  deploy:\n    release: "v1.0.0"\n', 'github-missing', { kayron: true });
  });

  test("(g) docker-or-provider-missing: Kayron's text, on the entry's first key", () => {
    expectProblemAt('- «github»: "kayron"\n  deploy:\n    release: "v1.8.2"\n', 'docker-or-provider-missing', {
      kayron: true,
      messageStartsWith: KAYRON_MESSAGES['docker-or-provider-missing'],
    });
  });

  test('(i) preview with provider: on the preview key', () => {
    expectProblemAt(
      '- github: "infrastructure"\n  provider: "cloudformation"\n  deploy:\n    release: "v1.0.0"\n    «preview»: true\n',
      'preview-with-provider',
      {
        kayron: true,
        messageStartsWith: KAYRON_MESSAGES['preview-with-provider'],
      },
    );
  });

  test('(j) provider name: exact, case-sensitive, on the value', () => {
    for (const provider of ['aws', 'CloudFormation', 'cloudformation ', ' cloudformation']) {
      expectProblemAt(
        `- github: "infrastructure"\n  provider: «${JSON.stringify(provider)}»\n  deploy:\n    release: "v1.0.0"\n`,
        'provider-name',
        {
          kayron: true,
          messageStartsWith: KAYRON_MESSAGES['provider-name'],
        },
      );
    }
  });

  test('branch is never validated', () => {
    for (const branch of ['"feature/x y"', '123', '" "', '"../../etc"', '"ü"']) {
      assert.equal(
        verdictCode(`- docker: "kayron"\n  github: "kayron"\n  deploy:\n    branch: ${branch}\n`),
        undefined,
        branch,
      );
    }
  });

  test('docker together with provider: cloudformation is accepted', () => {
    assert.equal(
      verdictCode(
        '- docker: "kayron"\n  github: "infrastructure"\n  provider: "cloudformation"\n  deploy:\n    release: "v1.0.0"\n',
      ),
      undefined,
    );
  });

  test('a preview-only deploy with docker and github is accepted', () => {
    assert.equal(verdictCode('- docker: "kayron"\n  github: "kayron"\n  deploy:\n    preview: true\n'), undefined);
  });
});

describe("whole-schema cases of Kayron's schema_test.go (§6.1), as files under service/", () => {
  const file = (yaml: string): Record<string, string> => ({ 'service/foo.yaml': yaml });
  const expectVerdict = (files: Record<string, string>, code: string | undefined, line?: number): void => {
    const result = lintFiles(files);
    assert.equal(result.verdict?.code, code, result.verdict?.message);
    if (code) {
      const message =
        code === 'no-release-definitions'
          ? KAYRON_MESSAGES['no-release-definitions']
          : KAYRON_MESSAGES[code as keyof typeof KAYRON_MESSAGES];
      assertStartsWith(result.verdict?.message ?? '', message);
      if (line !== undefined) assert.equal(result.verdict?.line, line);
    }
  };

  test('F0: no slice → at-least-one error', () => expectVerdict({}, 'no-release-definitions'));
  test('F1: an empty slice → at-least-one error', () => expectVerdict(file('[]\n'), 'no-release-definitions'));
  test('F2: docker + github, no deploy → deploy-empty', () =>
    expectVerdict(file('- docker: "kayron"\n  github: "kayron"\n'), 'deploy-missing'));
  test('F3: infrastructure + cloudformation, no deploy → deploy-empty', () =>
    expectVerdict(file('- github: "infrastructure"\n  provider: "cloudformation"\n'), 'deploy-missing'));
  test('F4: github + release, no docker or provider → docker-or-provider', () =>
    expectVerdict(file('- github: "kayron"\n  deploy:\n    release: "v1.8.2"\n'), 'docker-or-provider-missing'));
  test('F5: docker + release, no github → github-empty', () =>
    expectVerdict(file('- docker: "kayron"\n  deploy:\n    release: "v1.8.2"\n'), 'github-missing'));
  test('F6: branch + release → strategy error', () =>
    expectVerdict(
      file('- docker: "kayron"\n  github: "kayron"\n  deploy:\n    branch: "feature"\n    release: "v1.8.2"\n'),
      'deploy-strategy-conflict',
    ));
  test('F7: the first entry has release + suspend → strategy error at the first entry', () =>
    expectVerdict(
      file(
        '- docker: "kayron"\n  github: "kayron"\n  deploy:\n    release: "v1.8.2"\n    suspend: true\n- docker: "specta"\n  github: "specta"\n  deploy:\n    suspend: true\n- docker: "server"\n  github: "server"\n  deploy:\n    branch: "feature"\n',
      ),
      'deploy-strategy-conflict',
      2,
    ));
  test('F8: the labels check is unreachable from files (the loader always sets Source), so the same entries pass', () =>
    expectVerdict(
      file(
        '- docker: "kayron"\n  github: "kayron"\n  deploy:\n    release: "v1.8.2"\n- docker: "specta"\n  github: "specta"\n  deploy:\n    suspend: true\n- docker: "server"\n  github: "server"\n  deploy:\n    branch: "feature"\n',
      ),
      undefined,
    ));
  test('F9: infrastructure/cloudformation with only preview: true → preview-with-provider', () =>
    expectVerdict(
      file('- github: "infrastructure"\n  provider: "cloudformation"\n  deploy:\n    preview: true\n'),
      'preview-with-provider',
    ));
  test('S0: kayron on a branch is valid', () =>
    expectVerdict(file('- docker: "kayron"\n  github: "kayron"\n  deploy:\n    branch: "feature"\n'), undefined));
  test('S1: specta on a release is valid', () =>
    expectVerdict(file('- docker: "specta"\n  github: "specta"\n  deploy:\n    release: "v1.8.2"\n'), undefined));
});
