/**
 * `kayron-releases lint|server|schema`: the same core as the editor, for CI and other editors.
 */
import * as path from 'node:path';
import { promises as fs } from 'node:fs';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { lintTree } from './features/lint-tree';
import { kayronVerdictKind, type KayronVerdictKind } from './features/validate';
import type { Problem } from './kayron/problem';
import { releaseJsonSchema } from './schema/json-schema';

const USAGE = `usage:
  kayron-releases lint [--json | --format text|json|github] [ROOT]
  kayron-releases status [--json] [--environment NAME[=BRANCH]]... [--remote NAME] [ROOT]
  kayron-releases server --stdio
  kayron-releases schema
  kayron-releases --version`;

interface JsonDiagnostic {
  file: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  severity: Problem['severity'];
  code: string;
  message: string;
  kayron: boolean;
}

async function lint(args: string[]): Promise<number> {
  let format = 'text';
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--json') format = 'json';
    else if (arg === '--format') format = args[++i] ?? '';
    else if (arg.startsWith('--format=')) format = arg.slice(9);
    else if (arg.startsWith('-')) return usage(`unknown option ${arg}`);
    else positional.push(arg);
  }
  if (!['text', 'json', 'github'].includes(format) || positional.length > 1) return usage('bad arguments');
  const root = path.resolve(positional[0] ?? '.');
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
    process.stderr.write(`kayron-releases: cannot read ${root}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const diagnostics: JsonDiagnostic[] = [];
  const texts = new Map(result.files.map((file) => [file.relativePath, TextDocument.create('file:///x', 'yaml', 0, file.text)]));
  for (const [relativePath, problems] of result.problems) {
    const document = texts.get(relativePath);
    for (const problem of problems) {
      diagnostics.push({
        file: relativePath,
        range: document
          ? { start: document.positionAt(problem.range[0]), end: document.positionAt(problem.range[1]) }
          : { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        severity: problem.severity,
        code: problem.code,
        message: problem.message,
        kayron: result.kayronVerdict?.problem === problem,
      });
    }
  }
  const verdict = result.kayronVerdict;
  if (verdict && !texts.has(verdict.relativePath)) {
    diagnostics.push({ file: verdict.relativePath, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity: 'error', code: verdict.problem.code, message: verdict.problem.message, kayron: true });
  }
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
  const kayronVerdict = kayronVerdictKind(result);
  const unchecked = result.unchecked.map((file) => ({ file: file.relativePath, code: file.problem.code, reason: file.problem.message }));
  const counts = { files: result.files.length - unchecked.length, errors, warnings, verdict: kayronVerdict, unchecked: unchecked.map((file) => file.file) };
  if (format === 'json') {
    process.stdout.write(`${JSON.stringify({ root, kayronVerdict, ...(unchecked.length > 0 ? { unchecked } : {}), files: result.files.map((file) => file.relativePath), diagnostics }, null, 2)}\n`);
  } else if (format === 'github') {
    for (const d of diagnostics) {
      const level = d.severity === 'error' ? 'error' : d.severity === 'warning' ? 'warning' : 'notice';
      const escape = (value: string) => value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
      const property = (value: string) => escape(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
      process.stdout.write(
        `::${level} file=${property(d.file)},line=${d.range.start.line + 1},col=${d.range.start.character + 1},endLine=${d.range.end.line + 1},endColumn=${d.range.end.character + 1},title=${property(`kayron ${d.code}`)}::${escape(d.message)}\n`,
      );
    }
    process.stdout.write(summary(counts));
  } else {
    for (const d of diagnostics) {
      const marker = d.kayron ? ' [kayron lint]' : '';
      process.stdout.write(`${d.file}:${d.range.start.line + 1}:${d.range.start.character + 1} ${d.severity} ${d.code} ${d.message}${marker}\n`);
    }
    process.stdout.write(summary(counts));
  }
  // An unknown verdict is never a pass: a file Kayron loads was not checked.
  return errors > 0 || kayronVerdict !== 'pass' ? 1 : 0;
}

function summary({ files, errors, warnings, verdict, unchecked }: { files: number; errors: number; warnings: number; verdict: KayronVerdictKind; unchecked: string[] }): string {
  const notChecked = unchecked.length === 1 ? `${unchecked[0] ?? ''} was not checked` : `${unchecked.length} files were not checked (${unchecked.slice(0, 3).join(', ')}${unchecked.length > 3 ? ', …' : ''})`;
  const said = verdict === 'fail' ? 'kayron lint would fail' : verdict === 'pass' ? 'kayron lint would pass' : `kayron lint verdict unknown: ${notChecked}`;
  return `${files} file${files === 1 ? '' : 's'} checked: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}; ${said}\n`;
}

function usage(reason?: string): number {
  if (reason) process.stderr.write(`kayron-releases: ${reason}\n`);
  process.stderr.write(`${USAGE}\n`);
  return 2;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'lint':
      return lint(rest);
    case 'status': {
      const { runStatusCommand } = await import('./environments/status-command');
      return runStatusCommand(rest, { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text) });
    }
    case 'schema':
      process.stdout.write(`${JSON.stringify(releaseJsonSchema(), null, 2)}\n`);
      return 0;
    case 'server': {
      const { startStdioServer } = await import('./main');
      startStdioServer();
      return -1;
    }
    case '--version':
      process.stdout.write(`${process.env['KAYRON_RELEASES_VERSION'] ?? 'dev'}\n`);
      return 0;
    case '--help':
    case '-h':
      process.stdout.write(`${USAGE}\n`);
      return 0;
    default:
      return usage(command ? `unknown command ${command}` : undefined);
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
