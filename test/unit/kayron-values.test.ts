/**
 * Kayron's value checks through the whole pipeline (kayron-spec §2.4 release tags, §2.5 docker names, §2.6 github
 * names, §3.3 parameter keys): every listed vector, the exact message text Kayron prints and the range of the value.
 */
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import {
  checkDockerName,
  checkGithubName,
  checkReleaseTag,
  cloudformationParameterKey,
} from '../../server/src/kayron/grammar';
import { KAYRON_MESSAGES } from '../../server/src/kayron/messages';
import { assertStartsWith, expectProblemAt, lintText } from '../helpers/cursor';

const yamlString = (value: string): string => JSON.stringify(value);

function releaseFile(tag: string): string {
  return `- docker: "kayron"\n  github: "kayron"\n  deploy:\n    release: «${yamlString(tag)}»\n`;
}

/** The editor regex of §2.4, verbatim, plus the Docker tag length limit. */
const SPEC_RELEASE_REGEX =
  /^v(0|[1-9]\d*)(\.(0|[1-9]\d*)(\.(0|[1-9]\d*)(-(0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)(\.(0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*))*)?)?)?$/;

describe('deploy.release (§2.4, §6.1)', () => {
  const valid = [
    'v1',
    'v1.2',
    'v1.2.3',
    'v0.0.0',
    'v0.1.0',
    'v1.8.2',
    'v1.8.3-ffce1e2',
    'v1.2.3-abc.123',
    'v100000000000000000000.0.0',
    'v1.2.3-0',
    'v1.2.3-0a',
    'v1.2.3--x',
    'v1.2.3-x-',
    'v1.2.3-A-B',
    'v1.12.2-ce60d74',
    'v0.87.15',
    `v1.2.3-${'a'.repeat(121)}`,
  ];
  const invalidFormat = [
    '1.2.3',
    'v1.2.x',
    'v1.2.3-',
    'v1.2.3+build',
    'v1.2.3-abc+def',
    'v1.2.3+b',
    'v1.2.3-a+b',
    'v1.2.3-alpha beta',
    'v1.2.3-a/b',
    'v1.2.3-@abc',
    'v10.20.30-ABC_ok.123-xyz',
    'v1.2-pre',
    'v1-pre',
    'v1.2.3-01',
    'v1.2.3-a.01',
    'V1.2.3',
    'vv1.2.3',
    'v1.2.3.4',
    ' v1.2.3',
    'v1.2.3 ',
    'v01.2.3',
    'v1.02.3',
    'v1.2.03',
    'v1.2.3-a..b',
    'v1.2.3-.a',
    'v1.2.3-a.',
    'v',
    'latest',
    'v1.2.3\n',
  ];

  for (const tag of valid) {
    test(`${yamlString(tag)} is accepted`, () => {
      assert.equal(checkReleaseTag(tag), undefined);
      assert.match(tag, SPEC_RELEASE_REGEX);
      const result = lintText(releaseFile(tag).replace(/[«»]/g, ''));
      assert.equal(result.verdict, undefined, result.verdict?.message);
    });
  }

  for (const tag of invalidFormat) {
    test(`${yamlString(tag)} fails with the release-format text, on the value`, () => {
      assert.equal(checkReleaseTag(tag), 'format');
      assert.doesNotMatch(tag, SPEC_RELEASE_REGEX);
      const problem = expectProblemAt(releaseFile(tag), 'release-format', {
        kayron: true,
        messageStartsWith: KAYRON_MESSAGES['release-format'],
      });
      assert.equal(problem.problem.data?.tag, tag, 'the tag context');
    });
  }

  test('a semver-valid tag of 129 characters fails the Docker tag parse: "invalid reference format", no tag text', () => {
    const tag = `v1.2.3-${'a'.repeat(122)}`;
    assert.equal(tag.length, 129);
    assert.match(tag, SPEC_RELEASE_REGEX);
    assert.equal(checkReleaseTag(tag), 'length');
    const problem = expectProblemAt(releaseFile(tag), 'release-format', {
      kayron: true,
      messageStartsWith: 'invalid reference format',
    });
    assert.ok(!problem.problem.message.startsWith(KAYRON_MESSAGES['release-format']));
  });

  test('an invalid tag longer than 128 characters gets the format text (format is checked first)', () => {
    expectProblemAt(releaseFile(`1.2.3-${'a'.repeat(200)}`), 'release-format', {
      messageStartsWith: KAYRON_MESSAGES['release-format'],
    });
  });

  test('release: "" from YAML is absent, so the deploy is empty', () => {
    assert.equal(
      lintText('- docker: "kayron"\n  github: "kayron"\n  deploy:\n    release: ""\n').verdict?.code,
      'deploy-missing',
    );
  });

  test('the grammar agrees with the spec regex on a deterministic fuzz of tag-like strings', () => {
    const alphabet = ['v', 'V', '0', '1', '2', '9', '01', '.', '-', '+', 'a', 'Z', '_', ' ', '/', '-0', '.0'];
    let seed = 0x2545f491;
    const random = (n: number): number => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return Math.abs(seed) % n;
    };
    let accepted = 0;
    for (let i = 0; i < 5000; i++) {
      let tag = random(4) === 0 ? '' : 'v';
      const parts = 1 + random(10);
      for (let j = 0; j < parts; j++) tag += alphabet[random(alphabet.length)];
      const expected = SPEC_RELEASE_REGEX.test(tag) ? (tag.length > 128 ? 'length' : undefined) : 'format';
      assert.equal(checkReleaseTag(tag), expected, yamlString(tag));
      if (expected === undefined) accepted++;
    }
    assert.ok(accepted > 100, `the fuzz exercises accepted tags too (${accepted})`);
  });
});

function dockerFile(value: string): string {
  return `- docker: «${yamlString(value)}»\n  github: "kayron"\n  deploy:\n    release: "v0.5.3"\n`;
}

describe('docker (§2.5, §6.1)', () => {
  const valid = [
    'repo',
    'library/ubuntu',
    'my-org/my_app',
    'a/b-c_d.e',
    'a__b',
    'a--b',
    'a.b',
    'ghcr.io/foo',
    'localhost/foo',
    'a'.repeat(64).replace(/a/g, (_, i: number) => '0123456789abcdef'[i % 16] ?? '0'),
    'valid.segment-1/another_segment.2',
    'verylong'.repeat(14),
    'a'.repeat(246),
    'splits-lite',
  ];
  const invalidFormat = [
    'a___b',
    'a-',
    '-a',
    '_a',
    'a._b',
    'dot..dot',
    'seg-.-bad',
    '/leading/slash',
    'trailing/slash/',
    'double//slash',
    'has:colon',
    'foo:5000/bar',
    'foo/bar:tag',
    'foo:Bar',
    'has@at',
    `foo@sha256:${'a'.repeat(64)}`,
    'space inname',
    ' a',
    'a ',
    'tab\tname',
    'é',
    'caf\u00e9',
  ];

  for (const value of valid) {
    test(`${yamlString(value.length > 40 ? `${value.slice(0, 20)}…(${value.length})` : value)} is accepted`, () => {
      assert.equal(checkDockerName(value), undefined);
      const result = lintText(dockerFile(value).replace(/[«»]/g, ''));
      assert.equal(result.verdict, undefined, result.verdict?.message);
    });
  }

  for (const value of invalidFormat) {
    test(`${yamlString(value)}: invalid reference format, on the value`, () => {
      const problem = expectProblemAt(dockerFile(value), 'docker-format', { kayron: true });
      assert.equal(problem.problem.message, 'invalid reference format');
    });
  }

  for (const value of ['UPPER/CASE', 'Kayron', 'UP PER', 'Foo:bar', 'a'.repeat(246).toUpperCase() + 'A']) {
    test(`${yamlString(value.slice(0, 30))}: the lowercase error comes first, with Kayron's exact text`, () => {
      const problem = expectProblemAt(dockerFile(value), 'docker-format', { kayron: true });
      // The remote name ends at the first ':' (real Kayron names `registry/Foo` for `Foo:Bar`, kayron-fuzz corpus, issue 13).
      assert.equal(
        problem.problem.message,
        `invalid reference format: repository name (registry/${value.split(':')[0] ?? ''}) must be lowercase`,
      );
    });
  }

  test('246 characters pass, 247 fail with "repository name must not be more than 255 characters"', () => {
    assert.equal(checkDockerName('a'.repeat(246)), undefined);
    const problem = expectProblemAt(dockerFile('a'.repeat(247)), 'docker-format', { kayron: true });
    assert.equal(problem.problem.message, 'repository name must not be more than 255 characters');
    assert.equal(checkDockerName(`${'ab/'.repeat(82)}a`), 'repository name must not be more than 255 characters');
  });

  test('an empty docker value is "invalid reference format" for the grammar, but from YAML it is absent', () => {
    assert.equal(checkDockerName(''), 'invalid reference format');
    assert.equal(
      lintText('- docker: ""\n  github: "kayron"\n  deploy:\n    release: "v0.5.3"\n').verdict?.code,
      'docker-or-provider-missing',
    );
  });
});

function githubFile(value: string): string {
  return `- docker: "kayron"\n  github: «${yamlString(value)}»\n  deploy:\n    release: "v0.5.3"\n`;
}

describe('github (§2.6, §6.1)', () => {
  const valid = [
    'repo',
    'Repo_123.name',
    'a'.repeat(100),
    '-repo',
    '_repo',
    'repo.',
    'a..b',
    'FOO.GIT',
    'foo.Git',
    '456',
    'kayron',
  ];
  const invalid: [value: string, reason: string][] = [
    ['.repo', 'repository must not start with punctuation'],
    ['.git', 'repository must not start with punctuation'],
    ['foo.git', 'repository must not end with .git'],
    ['a'.repeat(101), 'repository must not have more than 100 characters'],
    ['\u00f6'.repeat(51), 'repository must not have more than 100 characters'],
    ['\u00f6'.repeat(50), 'repository must only contain A-Z a-z 0-9 - _ .'],
    ['re/po', 'repository must only contain A-Z a-z 0-9 - _ .'],
    ['0xSplits/kayron', 'repository must only contain A-Z a-z 0-9 - _ .'],
    ['foo!bar', 'repository must only contain A-Z a-z 0-9 - _ .'],
    ['schr\u00f6der', 'repository must only contain A-Z a-z 0-9 - _ .'],
    ['a b', 'repository must only contain A-Z a-z 0-9 - _ .'],
    ['+Inf', 'repository must only contain A-Z a-z 0-9 - _ .'],
  ];

  for (const value of valid) {
    test(`${yamlString(value.slice(0, 30))} is accepted`, () => {
      assert.equal(checkGithubName(value), undefined);
      const result = lintText(githubFile(value).replace(/[«»]/g, ''));
      assert.equal(result.verdict, undefined, result.verdict?.message);
    });
  }

  for (const [value, reason] of invalid) {
    test(`${yamlString(value.slice(0, 30))}: ${reason}`, () => {
      assert.equal(checkGithubName(value), reason);
      const problem = expectProblemAt(githubFile(value), 'github-format', {
        kayron: true,
        messageStartsWith: KAYRON_MESSAGES['github-format'],
      });
      assert.deepEqual(problem.problem.data, { reason, input: value });
      assert.ok(problem.problem.message.includes(reason), 'the reason is part of the message');
    });
  }

  test('the empty reason is only reachable directly: from YAML an empty github is "requires a github repository"', () => {
    assert.equal(checkGithubName(''), 'repository must not be empty');
    const result = lintText('- docker: "kayron"\n  github: ""\n  deploy:\n    release: "v0.5.3"\n');
    assert.equal(result.verdict?.code, 'github-missing');
    assertStartsWith(result.verdict.message, KAYRON_MESSAGES['github-missing']);
  });
});

describe('CloudFormation parameter keys (§3.3, cache object_test.go)', () => {
  const cases: [name: string, key: string][] = [
    ['infrastructure', 'InfrastructureVersion'],
    ['splits-lite', 'SplitsLiteVersion'],
    ['heLLowOrlD', 'HelloworldVersion'],
    ['x-1', 'X1Version'],
    ['my_app', 'My_appVersion'],
    ['library/ubuntu', 'Library/UbuntuVersion'],
    ['specta', 'SpectaVersion'],
    ['fOobAR', 'FoobarVersion'],
    ['splits--lite', 'SplitsLiteVersion'],
  ];
  for (const [name, key] of cases) {
    test(`${name} → ${key}`, () => {
      assert.equal(cloudformationParameterKey(name), key);
    });
  }
});
