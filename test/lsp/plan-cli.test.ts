// `kayron-releases plan` as CI runs it: the built CLI (dist/cli.js) on a real git clone, GitHub answered by the stand-in
// (branch API, releases, tags, pull requests, the infrastructure repository's tree and template, issue comments).
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { installIssueComments, type IssueComments } from '../github-standin/issue-comments';
import { startGitHubStandin, type GitHubStandin } from '../github-standin/server';
import { FixtureScope, infrastructureFile, serviceFile, type GitFixture } from '../helpers/git-fixture';
import type { DeploymentPlan } from '../../server/src/plan/types';

const ROOT = path.join(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const TOKEN = 'plan-cli-token';
const SERVER_BRANCH_SHA = '5e2fe7c0ffee5e2fe7c0ffee5e2fe7c0ffee5e2f';
const MARKER = '<!-- kayron-releases:plan -->';

const scope = new FixtureScope();
let standin: GitHubStandin;
let comments: IssueComments;
let clone: GitFixture;
const caches: string[] = [];

const TEMPLATE = [
  'AWSTemplateFormatVersion: "2010-09-09"',
  'Parameters:',
  ...['Infrastructure', 'Kayron', 'Server', 'Alloy', 'Specta', 'SplitsLite'].map(
    (name) => `  ${name}Version:\n    Type: String`,
  ),
  'Resources:',
  '  Root:',
  '    Type: AWS::CloudFormation::WaitConditionHandle',
  '    Properties:',
  '      Name: !Sub "${AWS::StackName}"',
  '',
].join('\n');

function releasesOf(repo: string, tags: string[]) {
  return {
    name: repo,
    tags: tags.map((name) => ({ name })),
    releases: tags.map((tagName, index) => ({
      tagName,
      name: `${repo} ${tagName}`,
      body: `Changes in ${repo} ${tagName}`,
      publishedAt: new Date(Date.UTC(2026, 0, 30 - index)).toISOString(),
    })),
    branches: [{ name: 'main' }],
  };
}

/** A fresh cache per run, so "GitHub down" cannot be answered from an earlier run's cache. */
function cacheDirectory(): string {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'kayron-plan-cache-'));
  caches.push(directory);
  return directory;
}

function run(
  args: string[],
  options: { apiUrl?: string; token?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KAYRON_GITHUB_API_URL: options.apiUrl ?? standin.apiUrl,
    GITHUB_TOKEN: options.token ?? TOKEN,
    GITHUB_REPOSITORY: 'acme/releases',
    XDG_CACHE_HOME: cacheDirectory(),
  };
  for (const name of ['KAYRON_OFFLINE', 'KAYRON_GITHUB_OWNER', 'GITHUB_API_URL', 'GITHUB_EVENT_PATH']) delete env[name];
  Object.assign(env, options.env);
  return new Promise((resolve, reject) => {
    // Asynchronous: the stand-in answers from this process.
    const child = spawn(process.execPath, [CLI, 'plan', ...args], { cwd: clone.dir, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function planJson(
  args: string[],
  options: { apiUrl?: string } = {},
): Promise<{ code: number | null; plan: DeploymentPlan; stderr: string }> {
  const result = await run(['--json', ...args], options);
  assert.ok(result.stdout.startsWith('{'), `no JSON (exit ${result.code}): ${result.stderr}`);
  return { code: result.code, plan: JSON.parse(result.stdout) as DeploymentPlan, stderr: result.stderr };
}

function parameter(plan: DeploymentPlan, key: string) {
  const found = plan.parameters.find((candidate) => candidate.key === key);
  assert.ok(found, `no ${key}: ${JSON.stringify(plan.parameters)}`);
  return { key: found.key, before: found.before, after: found.after, change: found.change };
}

/** A port nothing listens on: GitHub is down. */
async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

before(async () => {
  standin = await startGitHubStandin({
    tokens: [TOKEN],
    owners: [
      {
        login: 'acme',
        repos: [
          releasesOf('releases', ['v1.0.0']),
          {
            name: 'infrastructure',
            tags: [{ name: 'v1.0.0' }],
            files: {
              'v1.0.0': {
                'cloudformation/index.yaml': TEMPLATE,
                'cloudformation/service/splits-lite.yaml': 'Resources: {}\n',
              },
            },
          },
          releasesOf('kayron', ['v0.2.0', 'v0.1.1', 'v0.1.0']),
          {
            ...releasesOf('server', ['v1.0.0']),
            branches: [{ name: 'main' }, { name: 'feature/x', sha: SERVER_BRANCH_SHA }],
          },
          releasesOf('alloy', ['v1.5.0']),
          releasesOf('specta', ['v2.0.0', 'v1.9.0']),
          releasesOf('newsvc', ['v1.0.0']),
          {
            ...releasesOf('splits-lite', ['v0.2.0']),
            pulls: [
              { number: 41, title: 'Older', headRef: 'feature/older', createdAt: '2026-02-01T00:00:00Z' },
              {
                number: 43,
                title: 'Bump lodash',
                headRef: 'dependabot/npm_and_yarn/lodash-4.17.21',
                createdAt: '2026-02-03T00:00:00Z',
              },
              { number: 42, title: 'Newer', headRef: 'feature/newer', createdAt: '2026-02-02T00:00:00Z' },
            ],
          },
        ],
      },
    ],
  });
  comments = installIssueComments(standin);

  const work = scope.init('plan-work');
  work.commit('releases at staging', {
    'infrastructure/infrastructure.yaml': infrastructureFile('v1.0.0'),
    'service/kayron.yaml': serviceFile([['kayron', 'v0.1.0']]),
    'service/server.yaml': serviceFile([['server', 'v1.0.0']]),
    'service/alloy.yaml': serviceFile([['alloy', 'v1.5.0']]),
    'service/specta.yaml': serviceFile([['specta', 'v2.0.0']]),
    'service/splits-lite.yaml': serviceFile([['splits-lite', 'v0.2.0']], { preview: ['splits-lite'] }),
  });
  work.tag('v1.0.0');
  ({ clone } = scope.publish(work));
  clone.git(['remote', 'set-url', 'origin', 'https://github.com/acme/releases.git']);
  // The pull request's change, in the working tree.
  clone.write({
    'service/kayron.yaml': serviceFile([['kayron', 'v0.2.0']]),
    'service/server.yaml': serviceFile([['server', 'branch:feature/x']]),
    'service/alloy.yaml': null,
    'service/specta.yaml': serviceFile([['specta', 'v1.9.0']]),
    'service/newsvc.yaml': serviceFile([['newsvc', 'v1.0.0']]),
  });
});

after(async () => {
  await standin?.close();
  scope.dispose();
  for (const directory of caches) rmSync(directory, { recursive: true, force: true });
});

describe('kayron-releases plan (real git, GitHub stand-in)', () => {
  test('JSON: staging vs the working tree — upgrade, branch (the stand-in head SHA), added key missing from the template, removed, downgrade', async () => {
    const { code, plan, stderr } = await planJson([]);
    assert.equal(code, 1, `a parameter-not-in-template error exits 1: ${stderr}`);
    assert.equal(plan.environment, 'staging');
    assert.deepEqual(plan.base, { ref: 'origin/main', commit: clone.revParse('origin/main') });
    assert.deepEqual(plan.head, { ref: 'working tree', commit: clone.head() });
    assert.deepEqual(
      plan.parameters.map((candidate) => candidate.key),
      [
        'InfrastructureVersion',
        'AlloyVersion',
        'KayronVersion',
        'NewsvcVersion',
        'ServerVersion',
        'SpectaVersion',
        'SplitsLiteVersion',
      ],
    );
    assert.deepEqual(parameter(plan, 'KayronVersion'), {
      key: 'KayronVersion',
      before: 'v0.1.0',
      after: 'v0.2.0',
      change: 'upgrade',
    });
    assert.deepEqual(parameter(plan, 'ServerVersion'), {
      key: 'ServerVersion',
      before: 'v1.0.0',
      after: SERVER_BRANCH_SHA,
      change: 'to-branch',
    });
    assert.deepEqual(parameter(plan, 'NewsvcVersion'), {
      key: 'NewsvcVersion',
      before: null,
      after: 'v1.0.0',
      change: 'added',
    });
    assert.deepEqual(parameter(plan, 'AlloyVersion'), {
      key: 'AlloyVersion',
      before: 'v1.5.0',
      after: null,
      change: 'removed',
    });
    assert.deepEqual(parameter(plan, 'SpectaVersion'), {
      key: 'SpectaVersion',
      before: 'v2.0.0',
      after: 'v1.9.0',
      change: 'downgrade',
    });
    assert.deepEqual(parameter(plan, 'SplitsLiteVersion'), {
      key: 'SplitsLiteVersion',
      before: 'v0.2.0',
      after: 'v0.2.0',
      change: 'none',
    });
    assert.deepEqual(
      plan.problems.map((problem) => [problem.code, problem.parameter]),
      [
        ['parameter-not-in-template', 'NewsvcVersion'],
        ['downgrade', 'SpectaVersion'],
      ],
    );
    assert.deepEqual(plan.previews, [], 'previews are for testing only');
    assert.deepEqual(
      plan.notes.map((note) => [note.service, note.breaking, note.releases.map((release) => release.tag)]),
      [['kayron', true, ['v0.2.0', 'v0.1.1']]],
    );
    assert.equal(plan.notes[0]?.releases[0]?.url, 'https://github.com/acme/kayron/releases/tag/v0.2.0');
    assert.deepEqual(Object.keys(plan), ['environment', 'base', 'head', 'parameters', 'previews', 'problems', 'notes']);
    // The branch head came from the branch API, the template from the contents API at the infrastructure tag.
    assert.equal(standin.requestsTo(/^\/repos\/acme\/server\/branches\/feature(%2F|\/)x$/).length, 1);
    assert.equal(
      standin.requestsTo(/^\/repos\/acme\/infrastructure\/contents\/cloudformation(%2F|\/)index\.yaml$/).at(-1)?.query
        .ref,
      'v1.0.0',
    );
  });

  test('testing: previews of open non-Dependabot pull requests, oldest first; --head and --base take refs', async () => {
    const { plan } = await planJson(['--environment', 'testing', '--head', 'HEAD']);
    assert.equal(plan.environment, 'testing');
    assert.deepEqual(plan.head, { ref: 'HEAD', commit: clone.head() });
    assert.ok(
      plan.parameters.every((candidate) => candidate.change === 'none'),
      'HEAD is what testing (falling back to main) runs',
    );
    assert.deepEqual(
      plan.previews.map((preview) => [
        preview.service,
        preview.pull,
        preview.branch,
        preview.domain.split('.').slice(1).join('.'),
      ]),
      [
        ['splits-lite', 41, 'feature/older', 'lite.testing.splits.org'],
        ['splits-lite', 42, 'feature/newer', 'lite.testing.splits.org'],
      ],
    );
    assert.match(plan.previews[0]?.hash ?? '', /^[0-9a-f]{8}$/);
    const explicit = await planJson(['--base', 'v1.0.0', '--head', 'origin/main']);
    assert.deepEqual([explicit.plan.base.ref, explicit.code], ['v1.0.0', 0]);
  });

  test('GitHub down: unverified parts are said, nothing is guessed (no SHA, no template verdict)', async () => {
    const { code, plan } = await planJson([], { apiUrl: `http://127.0.0.1:${await closedPort()}` });
    assert.equal(code, 0, 'only warnings: nothing proves an error');
    assert.deepEqual(parameter(plan, 'ServerVersion'), {
      key: 'ServerVersion',
      before: 'v1.0.0',
      after: null,
      change: 'to-branch',
    });
    assert.ok(
      !plan.problems.some(
        (problem) => problem.code === 'parameter-not-in-template' || problem.code === 'branch-unresolved',
      ),
      JSON.stringify(plan.problems),
    );
    const unverified = plan.problems
      .filter((problem) => problem.code === 'github-unverified')
      .map((problem) => problem.message);
    assert.ok(
      unverified.some((message) => /head of server's branch feature\/x is unknown/.test(message)),
      unverified.join('\n'),
    );
    assert.ok(
      unverified.some((message) => /not checked against cloudformation\/index\.yaml/.test(message)),
      unverified.join('\n'),
    );
    assert.ok(
      unverified.some((message) => /Release notes of kayron v0\.1\.0 → v0\.2\.0 are unknown/.test(message)),
      unverified.join('\n'),
    );
    assert.deepEqual(plan.notes, [{ service: 'kayron', breaking: true, releases: [] }]);
  });

  test('markdown: the PR comment with marker, summary, problems first, table and collapsible notes', async () => {
    const result = await run(['--format', 'markdown']);
    assert.equal(result.code, 1);
    const markdown = result.stdout;
    assert.ok(markdown.startsWith(`${MARKER}\n### Kayron deployment plan: staging\n`), markdown);
    assert.match(
      markdown,
      /⛔ \*\*staging: 5 parameters change \(1 removed, 1 upgrade, 1 added, 1 to-branch, 1 downgrade\); 1 error, 1 warning\*\*/,
    );
    assert.ok(markdown.indexOf('#### Problems') < markdown.indexOf('#### Parameters'));
    assert.match(markdown, /\| `ServerVersion` \| `v1\.0\.0` \| `branch feature\/x @ 5e2fe7c` \| to-branch \|/);
    assert.match(markdown, /<details><summary><b>kayron<\/b> v0\.1\.0 → v0\.2\.0 — 2 releases ⚠️ breaking<\/summary>/);
  });

  test('usage and IO errors exit 2', async () => {
    assert.equal((await run(['--format', 'html'])).code, 2);
    assert.equal((await run(['--environment', 'nowhere'])).code, 2);
    assert.equal((await run(['--base', 'no-such-ref'])).code, 2);
    assert.equal((await run(['--comment-on-pr', 'x'])).code, 2);
    assert.equal((await run(['--json', '.', 'other'])).code, 2, 'one ROOT');
    assert.equal((await run(['--json', '--', clone.dir])).code, 1, '-- ends the options; ROOT follows');
  });

  test('--comment-on-pr: creates one comment carrying the marker, then updates that same one', async () => {
    comments.add('acme', 'releases', 7, 'Looks good to me');
    standin.clearLog();
    const first = await run(['--format', 'markdown', '--comment-on-pr', '7']);
    assert.equal(first.code, 1, first.stderr);
    assert.match(first.stderr, /created the plan comment on acme\/releases#7/);
    const created = comments.of('acme', 'releases', 7).filter((comment) => comment.body.includes(MARKER));
    assert.equal(created.length, 1);
    assert.equal(created[0]?.body, first.stdout);
    assert.equal(created[0]?.author, 'github-actions[bot]');

    // The pull request changes: the downgrade is undone.
    clone.write({ 'service/specta.yaml': serviceFile([['specta', 'v2.0.0']]) });
    const second = await run(['--comment-on-pr', '7']);
    assert.match(second.stderr, /updated the plan comment on acme\/releases#7/);
    const all = comments.of('acme', 'releases', 7);
    assert.deepEqual(
      all.map((comment) => comment.body.includes(MARKER)),
      [false, true],
      "still one plan comment beside the reviewer's",
    );
    assert.equal(all[1]?.id, created[0]?.id);
    assert.ok(!all[1]?.body.includes('downgrade'), all[1]?.body);
    assert.deepEqual(
      standin.requests
        .filter((request) => request.method !== 'GET')
        .map((request) => `${request.method} ${request.path} ${request.auth}`),
      [
        'POST /repos/acme/releases/issues/7/comments valid',
        `PATCH /repos/acme/releases/issues/comments/${created[0]?.id} valid`,
      ],
    );
    clone.write({ 'service/specta.yaml': serviceFile([['specta', 'v1.9.0']]) });

    // In a workflow: the pull request comes from the event payload, and the same comment is updated again.
    const event = path.join(cacheDirectory(), 'event.json');
    writeFileSync(event, JSON.stringify({ action: 'synchronize', number: 7, pull_request: { number: 7 } }));
    const fromEvent = await run(['--format', 'markdown', '--comment-on-pr', 'auto'], {
      env: { GITHUB_EVENT_PATH: event },
    });
    assert.match(fromEvent.stderr, /(updated|unchanged) the plan comment on acme\/releases#7/);
    assert.equal(comments.of('acme', 'releases', 7).filter((comment) => comment.body.includes(MARKER)).length, 1);
    const push = path.join(cacheDirectory(), 'push.json');
    writeFileSync(push, JSON.stringify({ ref: 'refs/heads/main' }));
    const notPull = await run(['--comment-on-pr', 'auto'], { env: { GITHUB_EVENT_PATH: push } });
    assert.match(notPull.stderr, /not a pull request event/);
    assert.equal(notPull.code, 1, 'the plan still prints, with its exit code');
  });

  test('the GitHub Action in plan mode: comments the plan on the pull request of the event (then updates it) and writes the job summary', async () => {
    const event = path.join(cacheDirectory(), 'event.json');
    writeFileSync(event, JSON.stringify({ action: 'opened', number: 9, pull_request: { number: 9 } }));
    const runAction = async (label: string) => {
      const context = {
        actionPath: ROOT,
        workspace: clone.dir,
        runnerTemp: path.join(cacheDirectory(), `runner-${label}`),
        inputs: { mode: 'plan', token: TOKEN },
        env: {
          KAYRON_GITHUB_API_URL: standin.apiUrl,
          GITHUB_REPOSITORY: 'acme/releases',
          GITHUB_EVENT_PATH: event,
          XDG_CACHE_HOME: cacheDirectory(),
          KAYRON_OFFLINE: '',
          KAYRON_GITHUB_OWNER: '',
        },
      };
      // Its own process: the action's steps run synchronously, and the stand-in answers from this one.
      const output = await new Promise<string>((resolve, reject) => {
        const child = spawn(
          process.execPath,
          ['--import', 'tsx', path.join(ROOT, 'test', 'helpers', 'run-action-process.ts'), JSON.stringify(context)],
          { cwd: ROOT },
        );
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
        child.on('error', reject);
        child.on('close', (code) =>
          code === 0 ? resolve(stdout) : reject(new Error(`run-action-process exit ${code}: ${stderr}`)),
        );
      });
      return JSON.parse(output) as {
        code: number | null;
        summary: string;
        steps: { name: string; code: number | null; stdout: string; stderr: string }[];
      };
    };
    const first = await runAction('first');
    assert.equal(
      first.code,
      1,
      `the plan has an error (NewsvcVersion is not in the template): ${first.steps.map((step) => step.stderr).join('\n')}`,
    );
    assert.match(first.steps[1]?.stderr ?? '', /created the plan comment on acme\/releases#9/);
    assert.ok(first.summary.startsWith(`${MARKER}\n### Kayron deployment plan: staging\n`), first.summary);
    assert.match(first.summary, /\| `KayronVersion` \| `v0\.1\.0` \| `v0\.2\.0` \| upgrade \|/);
    const second = await runAction('second');
    assert.match(second.steps[1]?.stderr ?? '', /(updated|unchanged) the plan comment on acme\/releases#9/);
    const onPull = comments.of('acme', 'releases', 9);
    assert.equal(onPull.length, 1, 'one comment, however often the workflow runs');
    assert.equal(onPull[0]?.body, first.summary);
  });
});
