/**
 * `kayron-releases lint|status|plan|server|schema`: the same core as the editor, for CI and other editors.
 * Arguments are parsed with `node:util` parseArgs; `--help` on any command prints that command's usage and exits 0.
 */
import { appendFileSync } from 'node:fs';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { STATUS_HELP, STATUS_USAGE } from './environments/status-command';
import { PLAN_HELP, PLAN_USAGE } from './plan/plan-usage';
import { lintDiagnostics, lintTree, type JsonDiagnostic } from './features/lint-tree';
import { kayronVerdictKind, type KayronVerdictKind } from './features/validate';
import { releaseJsonSchema } from './schema/json-schema';

/** Injected by esbuild from package.json (`define`); absent when the sources run unbundled. */
declare const KAYRON_RELEASES_VERSION: string | undefined;
export const VERSION = typeof KAYRON_RELEASES_VERSION === 'string' ? KAYRON_RELEASES_VERSION : 'dev';

const LINT_USAGE = 'kayron-releases lint [--json | --format text|json|github] [ROOT]';
const SERVER_USAGE = 'kayron-releases server --stdio';
const SCHEMA_USAGE = 'kayron-releases schema';

const COMMAND_HELP: Record<string, string> = {
  status: STATUS_HELP,
  plan: PLAN_HELP,
  lint: `usage: ${LINT_USAGE}

Checks the release files under ROOT (default: the working directory) as \`kayron lint\` would, plus the extension's
own checks. Exit 0 when there is no error, 1 when there is one, 2 on bad usage or an unreadable ROOT.

  --format text    file:line:col severity code message (default)
  --format json    { root, files, diagnostics } with 0-based ranges
  --format github  workflow-command annotations (file= relative to GITHUB_WORKSPACE, else the working directory)
                   and, when GITHUB_STEP_SUMMARY is set, a job summary with the verdict and the problems
  --json           same as --format json
`,
  server: `usage: ${SERVER_USAGE}

Runs the Kayron language server over stdin/stdout, for editors other than VS Code.
`,
  schema: `usage: ${SCHEMA_USAGE}

Prints the JSON Schema of release files (the one shipped as release.schema.json).
`,
};

const USAGE = `usage:
  ${LINT_USAGE}
  ${STATUS_USAGE}
  ${PLAN_USAGE}
  ${SERVER_USAGE}
  ${SCHEMA_USAGE}
  kayron-releases --version
  kayron-releases COMMAND --help`;

class UsageError extends Error {}

/** parseArgs with `--help`/`-h` always known; bad arguments become a UsageError with parseArgs' own message. */
function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  options: T,
  allowPositionals: boolean,
) {
  try {
    return parseArgs({
      args,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

async function lint(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    { json: { type: 'boolean' }, format: { type: 'string' } },
    true,
  );
  if (values.help) return help('lint');
  const format = values.json ? 'json' : (values.format ?? 'text');
  if (values.json && values.format !== undefined && values.format !== 'json')
    throw new UsageError('--json contradicts --format');
  if (!['text', 'json', 'github'].includes(format))
    throw new UsageError(`unknown format ${format} (text, json or github)`);
  if (positionals.length > 1) throw new UsageError('only one ROOT may be given');
  const root = path.resolve(positionals[0] ?? '.');
  try {
    const stat = await fs.stat(root);
    if (!stat.isDirectory()) throw new Error(`${root} is not a directory`);
  } catch (error) {
    process.stderr.write(`kayron-releases: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  let result;
  try {
    result = await lintTree(root);
  } catch (error) {
    process.stderr.write(
      `kayron-releases: cannot read ${root}: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return 2;
  }
  const diagnostics = lintDiagnostics(result);
  const kayronVerdict = kayronVerdictKind(result);
  const unchecked = result.unchecked.map((file) => ({
    file: file.relativePath,
    code: file.problem.code,
    reason: file.problem.message,
  }));
  const counts: LintCounts = {
    files: result.files.length - unchecked.length,
    errors: diagnostics.filter((d) => d.severity === 'error').length,
    warnings: diagnostics.filter((d) => d.severity === 'warning').length,
    verdict: kayronVerdict,
    unchecked: unchecked.map((file) => file.file),
  };
  if (format === 'json') {
    process.stdout.write(
      `${JSON.stringify({ root, kayronVerdict, ...(unchecked.length > 0 ? { unchecked } : {}), files: result.files.map((file) => file.relativePath), diagnostics }, null, 2)}\n`,
    );
  } else if (format === 'github') {
    // GitHub attaches an annotation to `file=` relative to the checkout, which ROOT need not be.
    const base = process.env['GITHUB_WORKSPACE'] || process.cwd();
    const fromBase = (relativePath: string) =>
      path.relative(base, path.join(root, relativePath)).split(path.sep).join('/');
    for (const d of diagnostics) process.stdout.write(annotation(d, fromBase(d.file)));
    process.stdout.write(summary(counts));
    const summaryFile = process.env['GITHUB_STEP_SUMMARY'];
    if (summaryFile)
      appendFileSync(
        summaryFile,
        jobSummary(path.relative(base, root).split(path.sep).join('/') || '.', diagnostics, counts, fromBase),
      );
  } else {
    for (const d of diagnostics) {
      const marker = d.kayron ? ' [kayron lint]' : '';
      process.stdout.write(
        `${d.file}:${d.range.start.line + 1}:${d.range.start.character + 1} ${d.severity} ${d.code} ${d.message}${marker}\n`,
      );
    }
    process.stdout.write(summary(counts));
  }
  // An unknown verdict is never a pass: a file Kayron loads was not checked.
  return counts.errors > 0 || counts.verdict !== 'pass' ? 1 : 0;
}

/** One GitHub workflow command (`::error file=…,line=…::message`), escaped as the runner expects. */
function annotation(d: JsonDiagnostic, file: string): string {
  const level = d.severity === 'error' ? 'error' : d.severity === 'warning' ? 'warning' : 'notice';
  const escape = (value: string) => value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  const property = (value: string) => escape(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
  return `::${level} file=${property(file)},line=${d.range.start.line + 1},col=${d.range.start.character + 1},endLine=${d.range.end.line + 1},endColumn=${d.range.end.character + 1},title=${property(`kayron ${d.code}`)}::${escape(d.message)}\n`;
}

interface LintCounts {
  /** Files read and checked (unchecked ones are listed in `unchecked`). */
  files: number;
  errors: number;
  warnings: number;
  verdict: KayronVerdictKind;
  unchecked: string[];
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

function summary(counts: LintCounts): string {
  const { unchecked } = counts;
  const notChecked =
    unchecked.length === 1
      ? `${unchecked[0] ?? ''} was not checked`
      : `${unchecked.length} files were not checked (${unchecked.slice(0, 3).join(', ')}${unchecked.length > 3 ? ', …' : ''})`;
  const verdict =
    counts.verdict === 'fail'
      ? 'kayron lint would fail'
      : counts.verdict === 'pass'
        ? 'kayron lint would pass'
        : `kayron lint verdict unknown: ${notChecked}`;
  return `${plural(counts.files, 'file')} checked: ${plural(counts.errors, 'error')}, ${plural(counts.warnings, 'warning')}; ${verdict}\n`;
}

/** Rows past this are counted, not listed: a job summary is capped at 1 MiB. */
const SUMMARY_ROWS = 200;

/** The Markdown job summary: the verdict first, then one table row per problem. */
function jobSummary(
  rootShown: string,
  diagnostics: JsonDiagnostic[],
  counts: LintCounts,
  fromBase: (relativePath: string) => string,
): string {
  const cell = (value: string) => value.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
  const headline =
    counts.verdict === 'fail'
      ? '❌ `kayron lint` would fail'
      : counts.verdict === 'unknown'
        ? '❔ what `kayron lint` would say is unknown: a release file was not checked'
        : counts.errors > 0
          ? '⚠️ `kayron lint` would pass, with errors Kayron does not check'
          : '✅ `kayron lint` would pass';
  const lines = [`## Kayron Releases: ${headline}`, '', `\`${cell(rootShown)}\`: ${summary(counts).trim()}.`, ''];
  if (diagnostics.length > 0) {
    lines.push('| Severity | File | Line | Code | Message |', '| --- | --- | ---: | --- | --- |');
    for (const d of diagnostics.slice(0, SUMMARY_ROWS)) {
      const marker = d.kayron ? ' **(what `kayron lint` prints)**' : '';
      lines.push(
        `| ${d.severity} | \`${cell(fromBase(d.file))}\` | ${d.range.start.line + 1} | \`${d.code}\` | ${cell(d.message)}${marker} |`,
      );
    }
    if (diagnostics.length > SUMMARY_ROWS)
      lines.push(
        '',
        `…and ${diagnostics.length - SUMMARY_ROWS} more (see the annotations or run \`kayron-releases lint\`).`,
      );
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

function help(command: keyof typeof COMMAND_HELP): number {
  process.stdout.write(COMMAND_HELP[command] ?? `${USAGE}\n`);
  return 0;
}

function usage(reason?: string): number {
  if (reason) process.stderr.write(`kayron-releases: ${reason}\n`);
  process.stderr.write(`${USAGE}\n`);
  return 2;
}

async function dispatch(command: string | undefined, rest: string[]): Promise<number> {
  switch (command) {
    case 'lint':
      return lint(rest);
    case 'status': {
      const { runStatusCommand } = await import('./environments/status-command');
      return runStatusCommand(rest, {
        stdout: (text) => process.stdout.write(text),
        stderr: (text) => process.stderr.write(text),
      });
    }
    case 'plan': {
      const { runPlanCommand } = await import('./plan/plan-command');
      return runPlanCommand(rest, {
        stdout: (text) => process.stdout.write(text),
        stderr: (text) => process.stderr.write(text),
      });
    }
    case 'schema': {
      const { values } = parseCommandArgs(rest, {}, false);
      if (values.help) return help('schema');
      process.stdout.write(`${JSON.stringify(releaseJsonSchema(), null, 2)}\n`);
      return 0;
    }
    case 'server': {
      const { values } = parseCommandArgs(rest, { stdio: { type: 'boolean' } }, false);
      if (values.help) return help('server');
      // vscode-languageserver reads the transport from process.argv: `--stdio` is the only one offered here.
      if (!values.stdio) throw new UsageError('server needs --stdio');
      const { startStdioServer } = await import('./lsp/main');
      startStdioServer();
      return -1;
    }
    case '--version':
    case '-v':
      process.stdout.write(`${VERSION}\n`);
      return 0;
    case '--help':
    case '-h':
    case 'help':
      if (rest[0] && rest[0] in COMMAND_HELP) return help(rest[0]);
      process.stdout.write(`${USAGE}\n`);
      return 0;
    default:
      return usage(command ? `unknown command ${command}` : undefined);
  }
}

/** Runs one CLI invocation; resolves to the exit code, or -1 when a server keeps the process alive. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    return await dispatch(command, rest);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`kayron-releases: ${error.message}\n`);
    process.stderr.write(
      command && command in COMMAND_HELP ? COMMAND_HELP[command]?.split('\n')[0] + '\n' : `${USAGE}\n`,
    );
    return 2;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      if (code >= 0) process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`kayron-releases: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 2;
    },
  );
}
