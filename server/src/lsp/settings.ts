/**
 * The one reader of the `kayron.*` settings. From the client (`workspace/configuration`, per releases root) when it
 * announces that capability; otherwise what the client pushed with `didChangeConfiguration` (Neovim 0.7) and the
 * environment variables the standalone server documents (KAYRON_GITHUB_OWNER, KAYRON_GITHUB_API_URL,
 * KAYRON_ENVIRONMENTS, KAYRON_ENVIRONMENT_HINTS).
 */
import { pathToFileURL } from 'node:url';
import type { Connection } from 'vscode-languageserver/node';
import type { ExtraEnvironment } from '../environments/resolve';

export interface KayronSettings {
  github: { owner: string | undefined; apiUrl: string | undefined };
  /** `kayron.environments`: environments beyond testing, staging and production. */
  extraEnvironments: ExtraEnvironment[];
  /** `kayron.environmentHints`: the inlay hints after `deploy:`. */
  environmentHints: boolean;
}

/** The `kayron` section as a client sends it (anything may be missing or of the wrong type). */
interface KayronSection {
  github?: { owner?: string; apiUrl?: string };
  environments?: unknown;
  environmentHints?: unknown;
}

export class SettingsReader {
  private canReadConfiguration = false;
  private pushed: KayronSection | undefined;

  constructor(private readonly connection: Connection) {}

  /** From `initialize`: whether the client answers `workspace/configuration`. */
  setCanReadConfiguration(value: boolean): void {
    this.canReadConfiguration = value;
  }

  get fromClient(): boolean {
    return this.canReadConfiguration;
  }

  /** `didChangeConfiguration` settings: kept only from a client that cannot be asked (it pushes them instead). */
  push(settings: unknown): void {
    const pushed = (settings as { kayron?: unknown } | null | undefined)?.kayron;
    if (!this.canReadConfiguration && pushed && typeof pushed === 'object') this.pushed = pushed;
  }

  /** The settings that apply to a releases root (`rootPath` undefined: the window's). */
  async read(rootPath: string | undefined): Promise<KayronSettings> {
    if (this.canReadConfiguration) {
      const scope = rootPath ? { scopeUri: pathToFileURL(rootPath).toString() } : {};
      const section = (await this.connection.workspace.getConfiguration({
        section: 'kayron',
        ...scope,
      })) as KayronSection | null;
      return {
        github: { owner: section?.github?.owner, apiUrl: section?.github?.apiUrl },
        extraEnvironments: parseExtraEnvironments(section?.environments),
        environmentHints: section?.environmentHints !== false,
      };
    }
    return {
      github: {
        owner: this.pushed?.github?.owner || process.env['KAYRON_GITHUB_OWNER'],
        apiUrl: this.pushed?.github?.apiUrl || process.env['KAYRON_GITHUB_API_URL'],
      },
      extraEnvironments: parseEnvironmentList(process.env['KAYRON_ENVIRONMENTS']),
      environmentHints: process.env['KAYRON_ENVIRONMENT_HINTS'] !== 'off',
    };
  }
}

/** `kayron.environments`: names (`"qa"`) or `{ "name": "qa", "branch": "qa-env" }`; anything else is skipped. */
export function parseExtraEnvironments(value: unknown): ExtraEnvironment[] {
  if (!Array.isArray(value)) return [];
  const result: ExtraEnvironment[] = [];
  for (const item of value as unknown[]) {
    const named = item && typeof item === 'object' ? (item as { name?: unknown; branch?: unknown }) : undefined;
    if (typeof item === 'string' && item.trim() !== '') result.push({ name: item.trim() });
    else if (named && typeof named.name === 'string' && named.name.trim() !== '') {
      const { name, branch } = named;
      const trimmedBranch = typeof branch === 'string' && branch.trim() !== '' ? branch.trim() : undefined;
      result.push(trimmedBranch ? { name: name.trim(), branch: trimmedBranch } : { name: name.trim() });
    }
  }
  return result;
}

/** `KAYRON_ENVIRONMENTS=qa,perf=perf-branch` for the standalone server, like the CLI's `--environment NAME[=BRANCH]`. */
export function parseEnvironmentList(value: string | undefined): ExtraEnvironment[] {
  return (value ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => {
      const equals = part.indexOf('=');
      return equals < 0 ? { name: part } : { name: part.slice(0, equals), branch: part.slice(equals + 1) };
    })
    .filter((environment) => environment.name !== '' && environment.branch !== '');
}
