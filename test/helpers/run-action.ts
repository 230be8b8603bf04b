/**
 * Runs a composite GitHub Action's steps (action.yml) the way the runner does: each `run` with
 * `bash --noprofile --norc -eo pipefail`, in its working-directory, with `${{ inputs.* }}` and `${{ github.* }}`
 * substituted and the variables GitHub sets (GITHUB_WORKSPACE, GITHUB_ACTION_PATH, GITHUB_STEP_SUMMARY, …).
 * Stops at the first failing step, as the runner does.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';

interface ActionManifest {
  inputs?: Record<string, { default?: string; required?: boolean }>;
  runs: {
    using: string;
    steps: {
      name?: string;
      shell?: string;
      run?: string;
      uses?: string;
      env?: Record<string, string>;
      'working-directory'?: string;
    }[];
  };
}

export interface ActionRun {
  steps: { name: string; code: number | null; stdout: string; stderr: string }[];
  /** What the steps appended to $GITHUB_STEP_SUMMARY. */
  summary: string;
  /** The exit code of the step that failed, or 0. */
  code: number | null;
}

export interface ActionContext {
  actionPath: string;
  workspace: string;
  /** RUNNER_TEMP; the summary, output and env files are created in it. */
  runnerTemp: string;
  inputs?: Record<string, string>;
  env?: NodeJS.ProcessEnv;
}

export function runCompositeAction(context: ActionContext): ActionRun {
  const manifest = parse(readFileSync(path.join(context.actionPath, 'action.yml'), 'utf8')) as ActionManifest;
  if (manifest.runs.using !== 'composite') throw new Error(`not a composite action: ${manifest.runs.using}`);
  const inputs: Record<string, string> = {};
  for (const [name, spec] of Object.entries(manifest.inputs ?? {})) {
    const given = context.inputs?.[name];
    if (given === undefined && spec.required) throw new Error(`input ${name} is required`);
    inputs[name] = given ?? spec.default ?? '';
  }
  for (const name of Object.keys(context.inputs ?? {})) if (!(name in inputs)) throw new Error(`unknown input ${name}`);
  mkdirSync(context.runnerTemp, { recursive: true });
  const files = {
    GITHUB_STEP_SUMMARY: 'step_summary',
    GITHUB_OUTPUT: 'output',
    GITHUB_ENV: 'env',
    GITHUB_PATH: 'path',
  };
  const fileEnv: Record<string, string> = {};
  for (const [variable, name] of Object.entries(files)) {
    fileEnv[variable] = path.join(context.runnerTemp, name);
    writeFileSync(fileEnv[variable], '');
  }
  const github: Record<string, string> = { action_path: context.actionPath, workspace: context.workspace };
  const expression = (text: string) =>
    text.replace(/\$\{\{\s*(inputs|github)\.([\w-]+)\s*\}\}/g, (_, scope: string, name: string) => {
      const value = scope === 'inputs' ? inputs[name] : github[name];
      if (value === undefined) throw new Error(`unsupported expression ${scope}.${name}`);
      return value;
    });
  const baseEnv: NodeJS.ProcessEnv = {
    ...process.env,
    ...context.env,
    ...fileEnv,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: context.workspace,
    GITHUB_ACTION_PATH: context.actionPath,
    RUNNER_TEMP: context.runnerTemp,
    RUNNER_OS: 'Linux',
  };
  const run: ActionRun = { steps: [], summary: '', code: 0 };
  for (const [index, step] of manifest.runs.steps.entries()) {
    if (step.uses) throw new Error(`step ${index}: \`uses\` steps cannot run here`);
    if (step.shell !== 'bash' || step.run === undefined)
      throw new Error(`step ${index}: composite steps need shell: bash and run`);
    if (/\$\{\{/.test(expression(step.run))) throw new Error(`step ${index}: unsupported expression in run`);
    const env: NodeJS.ProcessEnv = { ...baseEnv };
    for (const [name, value] of Object.entries(step.env ?? {})) env[name] = expression(value);
    const cwd = step['working-directory']
      ? path.resolve(context.workspace, expression(step['working-directory']))
      : context.workspace;
    const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', expression(step.run)], {
      cwd,
      env,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    run.steps.push({
      name: step.name ?? `step ${index}`,
      code: result.status,
      stdout: result.stdout,
      stderr: result.stderr,
    });
    if (result.status !== 0) {
      run.code = result.status;
      break;
    }
  }
  run.summary = readFileSync(fileEnv['GITHUB_STEP_SUMMARY'] ?? '', 'utf8');
  return run;
}
