/**
 * The extension's own checks (kayron-spec §3, §8): what Kayron silently ignores or misses. None of them is a Kayron
 * check, so none is ever the verdict. Also: which single problem is the Kayron verdict across files (§2.2).
 */
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { analyzeReleaseFile } from '../../server/src/features/validate';
import { KAYRON_MESSAGES } from '../../server/src/kayron/messages';
import {
  assertStartsWith,
  expectProblemAt,
  lintFiles,
  lintText,
  parseRanges,
  problemsWithCode,
  toLspRange,
} from '../helpers/cursor';

const INFRASTRUCTURE = '- github: "infrastructure"\n  provider: "cloudformation"\n  deploy:\n    release: "v0.5.8"\n';
const service = (name: string, release = 'v1.0.0'): string =>
  `- docker: "${name}"\n  github: "${name}"\n  deploy:\n    release: "${release}"\n`;

describe('unknown keys (warning, with "Did you mean")', () => {
  test('relase → release', () => {
    const problem = expectProblemAt(
      '- docker: "kayron"\n  github: "kayron"\n  deploy:\n    «relase»: "v0.5.3"\n',
      'unknown-key',
      {
        kayron: false,
        messageStartsWith: 'Kayron ignores the unknown key "relase" in deploy. Did you mean "release"?',
      },
    );
    assert.equal(problem.problem.severity, 'warning');
    assert.deepEqual(problem.problem.data, { key: 'relase', suggestion: 'release' });
  });

  test('dokcer → docker at the entry level, and capitalised keys suggest their lowercase form', () => {
    expectProblemAt('- «dokcer»: "kayron"\n  github: "kayron"\n  deploy:\n    release: "v0.5.3"\n', 'unknown-key', {
      messageStartsWith: 'Kayron ignores the unknown key "dokcer" in a release entry. Did you mean "docker"?',
    });
    expectProblemAt('- docker: "kayron"\n  «GitHub»: "kayron"\n  deploy:\n    release: "v0.5.3"\n', 'unknown-key', {
      messageStartsWith: 'Kayron ignores the unknown key "GitHub" in a release entry. Did you mean "github"?',
    });
  });

  test('an unrelated key lists the known keys instead', () => {
    expectProblemAt(
      '- docker: "kayron"\n  github: "kayron"\n  «labels»: {}\n  deploy:\n    release: "v0.5.3"\n',
      'unknown-key',
      {
        messageStartsWith:
          'Kayron ignores the unknown key "labels" in a release entry. Known keys: docker, github, provider, deploy.',
      },
    );
  });

  test('deploy.webhook explains its removal', () => {
    expectProblemAt(
      '- docker: "kayron"\n  github: "kayron"\n  deploy:\n    release: "v0.5.3"\n    «webhook»: []\n',
      'unknown-key',
      {
        messageStartsWith: 'Kayron ignores "webhook": deploy.webhook was removed from Kayron on 2025-10-01.',
      },
    );
  });
});

describe('coerced scalars (warning)', () => {
  test('an unquoted 1.10 is read as "1.1"', () => {
    const problem = expectProblemAt(
      '- docker: "kayron"\n  github: «1.10»\n  deploy:\n    release: "v0.5.3"\n',
      'coerced-scalar',
      {
        kayron: false,
        messageStartsWith: 'Unquoted github value 1.10 is a YAML float, which Kayron reads as "1.1". Quote it: "1.10".',
      },
    );
    assert.deepEqual(problem.problem.data, { source: '1.10', coerced: '1.1' });
  });

  test('an unquoted 456 keeps its text but is still flagged', () => {
    expectProblemAt('- docker: "kayron"\n  github: «456»\n  deploy:\n    release: "v0.5.3"\n', 'coerced-scalar', {
      messageStartsWith: 'Unquoted github value 456 is a YAML uint. Quote it: "456".',
    });
  });

  test('Go writes a float in exponent form from 1e21 and below 1e-4: 1000000000000000000000.0 is read as "1e+21"', () => {
    const coerced = (source: string, kayronReads: string) => {
      const problem = expectProblemAt(
        `- docker: "kayron"\n  github: "kayron"\n  deploy:\n    release: «${source}»\n`,
        'coerced-scalar',
        {
          kayron: false,
          messageStartsWith: `Unquoted release value ${source} is a YAML float, which Kayron reads as "${kayronReads}". Quote it: "${source}".`,
        },
      );
      assert.deepEqual(problem.problem.data, { source, coerced: kayronReads });
    };
    coerced('1000000000000000000000.0', '1e+21');
    coerced('2500000000000000000000.0', '2.5e+21');
    coerced('100000000000000000000.0', '100000000000000000000');
    coerced('999999999999999900000.0', '999999999999999900000');
    coerced('0.00010', '0.0001');
    coerced('0.000010', '1e-05');
    coerced('0.00009999999999999999', '9.999999999999999e-05');
  });

  test('unquoted plain strings, quoted values and 1e3 are not flagged', () => {
    const result = lintText('- docker: kayron\n  github: "010"\n  deploy:\n    branch: 1e3\n');
    assert.deepEqual(problemsWithCode(result, 'coerced-scalar'), []);
  });
});

describe('ignored content (warnings)', () => {
  test('extra-document on the second document marker', () => {
    const { text, ranges } = parseRanges(`${service('kayron')}«---»\n${service('specta')}`);
    const [problem] = problemsWithCode(lintText(text), 'extra-document');
    assert.ok(problem && ranges[0]);
    assert.deepEqual(
      { ...toLspRange(text, ranges[0]) },
      {
        line: problem.line,
        character: problem.character,
        endLine: problem.endLine,
        endCharacter: problem.endCharacter,
      },
    );
    assert.equal(problem.problem.severity, 'warning');
  });

  test('ignored-extension for .yml/.YAML inside a walked folder, not for other folders', () => {
    for (const relativePath of ['service/x.yml', 'service/x.YAML', 'servicefoo/x.Yaml', 'root.yml']) {
      const analysis = analyzeReleaseFile(relativePath, service('kayron'));
      assert.deepEqual(
        analysis.extraProblems.map((problem) => problem.code),
        ['ignored-extension'],
        relativePath,
      );
      assert.equal(analysis.decoded, undefined, 'Kayron does not read it');
      assert.deepEqual(analysis.kayronProblems, []);
    }
    assertStartsWith(
      analyzeReleaseFile('service/x.yml', '').extraProblems[0]?.message ?? '',
      'Kayron only loads files ending in ".yaml" (case-sensitive): this file is ignored. Rename it to "x.yaml".',
    );
    assert.deepEqual(analyzeReleaseFile('other/x.yml', '').extraProblems, []);
  });

  test('a .yml file does not count as a release file for the verdict', () => {
    const result = lintFiles({ 'service/x.yml': service('kayron') });
    assert.equal(result.verdict?.code, 'no-release-definitions');
  });

  test('not-linted-by-ci for files the operator loads but CI never mounts', () => {
    for (const relativePath of [
      'servicefoo/x.yaml',
      'infrastructure-old/x.yaml',
      'services/x.yaml',
      'root.yaml',
      'service.yaml',
    ]) {
      const codes = analyzeReleaseFile(relativePath, service('kayron')).extraProblems.map((problem) => problem.code);
      assert.deepEqual(codes, ['not-linted-by-ci'], relativePath);
    }
    assert.deepEqual(analyzeReleaseFile('service/nested/x.yaml', service('kayron')).extraProblems, []);
  });
});

describe('cross-file runtime hazards (errors Kayron lint misses, §3)', () => {
  test('infrastructure-count: no provider: cloudformation entry at all', () => {
    const result = lintFiles({ 'service/service.yaml': service('kayron') });
    const [problem] = problemsWithCode(result, 'infrastructure-count');
    assert.ok(problem);
    assertStartsWith(problem.problem.message, KAYRON_MESSAGES['infrastructure-count']);
    assert.ok(problem.problem.message.includes('No entry has provider: "cloudformation"'));
    assert.equal(problem.kayron, false);
    assert.equal(result.verdict, undefined, 'kayron lint accepts it');
    assert.deepEqual([problem.relativePath, problem.line, problem.character], ['service/service.yaml', 0, 2]);
  });

  test('infrastructure-count: two provider: cloudformation entries, reported on each provider value', () => {
    const result = lintFiles({
      'infrastructure/a.yaml': INFRASTRUCTURE,
      'infrastructure/b.yaml': INFRASTRUCTURE.replace('"infrastructure"', '"infra2"'),
      'service/s.yaml': service('kayron'),
    });
    const problems = problemsWithCode(result, 'infrastructure-count');
    assert.deepEqual(
      problems.map((problem) => [problem.relativePath, problem.line, problem.character, problem.endCharacter]),
      [
        ['infrastructure/a.yaml', 1, 12, 28],
        ['infrastructure/b.yaml', 1, 12, 28],
      ],
    );
    assert.ok(problems[0]?.problem.message.includes('2 entries have provider: "cloudformation"'));
    assert.equal(result.verdict, undefined);
  });

  test('infrastructure-count is not reported while a file fails to decode', () => {
    const result = lintFiles({ 'service/s.yaml': '- docker: [\n' });
    assert.deepEqual(problemsWithCode(result, 'infrastructure-count'), []);
  });

  test('exactly one infrastructure entry: no infrastructure-count problem', () => {
    const result = lintFiles({
      'infrastructure/infrastructure.yaml': INFRASTRUCTURE,
      'service/service.yaml': service('kayron'),
    });
    assert.deepEqual(problemsWithCode(result, 'infrastructure-count'), []);
    assert.deepEqual(result.problems, []);
  });

  test('duplicate-docker: both occurrences, across files, on the docker value', () => {
    const result = lintFiles({
      'infrastructure/infrastructure.yaml': INFRASTRUCTURE,
      'service/a.yaml': service('kayron'),
      'service/b.yaml': service('kayron', 'v2.0.0'),
    });
    const problems = problemsWithCode(result, 'duplicate-docker');
    assert.deepEqual(
      problems.map((problem) => [
        problem.relativePath,
        problem.line,
        problem.character,
        problem.endCharacter,
        problem.problem.severity,
        problem.kayron,
      ]),
      [
        ['service/a.yaml', 0, 10, 18, 'error', false],
        ['service/b.yaml', 0, 10, 18, 'error', false],
      ],
    );
    assertStartsWith(
      problems[0]?.problem.message ?? '',
      'The docker repository "kayron" is also used by service/b.yaml entry 0',
    );
    assert.equal(result.verdict, undefined, 'two identical entries lint OK');
  });

  test('duplicate-parameter-key: names differing only in dashes or case collide', () => {
    const result = lintFiles({
      'infrastructure/infrastructure.yaml': INFRASTRUCTURE,
      'service/s.yaml': `${service('splits-lite')}${service('splits--lite')}`,
    });
    const problems = problemsWithCode(result, 'duplicate-parameter-key');
    assert.equal(problems.length, 2);
    assert.deepEqual(
      problems.map((problem) => problem.problem.data?.parameterKey),
      ['SplitsLiteVersion', 'SplitsLiteVersion'],
    );
    assertStartsWith(
      problems[0]?.problem.message ?? '',
      '"splits-lite" becomes the CloudFormation parameter SplitsLiteVersion, which collides with service/s.yaml entry 1.',
    );
  });

  test('duplicate-parameter-key: the infrastructure github name equal to a service docker name', () => {
    const result = lintFiles({
      'infrastructure/infrastructure.yaml': INFRASTRUCTURE,
      'service/s.yaml': service('infrastructure'),
    });
    assert.deepEqual(
      problemsWithCode(result, 'duplicate-parameter-key').map((problem) => [problem.relativePath, problem.line]),
      [
        ['infrastructure/infrastructure.yaml', 0],
        ['service/s.yaml', 0],
      ],
    );
  });

  test('infrastructure-no-ref: suspend: true on the infrastructure entry, on the suspend key', () => {
    expectProblemAt(
      '- github: "infrastructure"\n  provider: "cloudformation"\n  deploy:\n    «suspend»: true\n',
      'infrastructure-no-ref',
      {
        kayron: false,
        messageStartsWith: 'Suspending the infrastructure release leaves it without a desired ref',
      },
    );
  });

  test('docker-not-ecr: names Kayron accepts but ECR does not', () => {
    for (const name of ['a__b', 'a--b', 'x']) {
      expectProblemAt(
        `- docker: «"${name}"»\n  github: "kayron"\n  deploy:\n    release: "v1.0.0"\n`,
        'docker-not-ecr',
        {
          kayron: false,
          messageStartsWith: `Kayron accepts "${name}", but it is not a valid ECR repository name`,
        },
      );
    }
    assert.deepEqual(problemsWithCode(lintText(service('splits-lite')), 'docker-not-ecr'), []);
  });

  test('docker-not-ecr and parameter-key-invalid stay silent when Kayron itself rejects the name', () => {
    for (const name of ['dot..dot', 'a-', 'Foo', 'foo:bar', 'a___b']) {
      const result = lintText(service(name));
      assert.deepEqual(
        result.problems.filter((problem) => problem.code.startsWith('docker')).map((problem) => problem.code),
        ['docker-format'],
        name,
      );
      assert.deepEqual(problemsWithCode(result, 'parameter-key-invalid'), [], name);
    }
  });

  test('parameter-key-invalid: a docker name with "_", "." or "/" gives a non-alphanumeric CloudFormation parameter', () => {
    expectProblemAt(
      '- docker: «"my_app"»\n  github: "my_app"\n  deploy:\n    release: "v1.0.0"\n',
      'parameter-key-invalid',
      {
        kayron: false,
        messageStartsWith:
          'The CloudFormation parameter Kayron derives from "my_app" is My_appVersion, which is not alphanumeric',
      },
    );
  });
});

describe('the Kayron verdict (§2.2)', () => {
  test('exactly one problem is the verdict: the first failing entry in walk order', () => {
    const result = lintFiles({
      'service/b.yaml': '- docker: "b"\n',
      'service/a.yaml': '- docker: "kayron"\n  deploy:\n    release: "v1"\n',
      'infrastructure/infrastructure.yaml': INFRASTRUCTURE,
    });
    assert.equal(result.problems.filter((problem) => problem.kayron).length, 1);
    assert.equal(result.verdict?.relativePath, 'service/a.yaml');
    assert.equal(result.verdict.code, 'github-missing');
    assert.ok(
      problemsWithCode(result, 'deploy-missing').every((problem) => !problem.kayron),
      'later problems are still shown, not as the verdict',
    );
  });

  test('walk order is Go byte order: service/B.yaml before service/a.yaml', () => {
    const result = lintFiles({ 'service/a.yaml': '- docker: "a"\n', 'service/B.yaml': '- docker: "b"\n' });
    assert.equal(result.verdict?.relativePath, 'service/B.yaml');
  });

  test('root-level files take their place in walk order: the folder "infrastructure" sorts before "infrastructure.yaml"', () => {
    assert.equal(
      lintFiles({ 'infrastructure.yaml': '- docker: "b"\n', 'infrastructure/x.yaml': '- docker: "a"\n' }).verdict
        ?.relativePath,
      'infrastructure/x.yaml',
    );
    assert.equal(
      lintFiles({ 'infrastructure.yaml': '- docker: "b"\n', 'infrastructure-old/x.yaml': '- docker: "a"\n' }).verdict
        ?.relativePath,
      'infrastructure-old/x.yaml',
    );
    assert.equal(
      lintFiles({ 'app.yaml': '- docker: "b"\n', 'infrastructure/x.yaml': '- docker: "a"\n' }).verdict?.relativePath,
      'app.yaml',
    );
  });

  test('a YAML error in a later file beats a schema error in an earlier one', () => {
    const result = lintFiles({
      'infrastructure/infrastructure.yaml': '- docker: "BAD"\n',
      'service/zz.yaml': `${service('kayron')}  docker: "again"\n`,
    });
    assert.equal(result.verdict?.relativePath, 'service/zz.yaml');
    assert.equal(result.verdict.code, 'yaml-syntax');
    assert.equal(result.problems.filter((problem) => problem.kayron).length, 1);
    assert.ok(problemsWithCode(result, 'deploy-missing').length === 1, 'the schema error is still shown');
  });

  test('the first of two YAML errors in walk order wins', () => {
    const result = lintFiles({ 'service/b.yaml': '- docker: "x\n', 'service/a.yaml': 'docker: "x"\n' });
    assert.equal(result.verdict?.relativePath, 'service/a.yaml');
    assert.equal(result.verdict.code, 'yaml-type');
  });

  test('no entries at all: the at-least-one error is the verdict of the first loaded file', () => {
    const result = lintFiles({ 'service/a.yaml': '# empty\n', 'service/b.yaml': '[]\n' });
    assert.equal(result.verdict?.relativePath, 'service/a.yaml');
    assertStartsWith(result.verdict.message, KAYRON_MESSAGES['no-release-definitions']);
    assert.equal(result.problems.filter((problem) => problem.kayron).length, 1);
  });

  test('no files at all: the at-least-one error still is the verdict', () => {
    const result = lintFiles({});
    assert.equal(result.verdict?.code, 'no-release-definitions');
    assert.equal(result.entryCount, 0);
  });

  test('extension-only problems never make a verdict', () => {
    const result = lintFiles({ 'servicefoo/x.yaml': `${service('a__b')}---\n` });
    assert.equal(result.verdict, undefined);
    assert.ok(result.problems.length >= 3);
  });
});
