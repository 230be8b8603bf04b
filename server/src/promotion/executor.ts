/**
 * The one way promotions talk to GitHub. Reads are always sent (a dry run must still see the current state); every
 * mutation is logged before it is sent, and in a dry run it is only logged and answered with a placeholder, so a dry
 * run walks exactly the steps a real run would and sends no write request at all.
 */
import { GitHubApi, type ApiResponse } from './github-api';

export interface ExecutedCall {
  method: string;
  path: string;
  /** HTTP status, or undefined for a mutation skipped by a dry run or a call that got no answer. */
  status: number | undefined;
  dryRun: boolean;
}

export interface ExecutorOptions {
  api: GitHubApi;
  dryRun: boolean;
  /** Receives one redacted line per call (method, path, outcome). */
  log: (line: string) => void;
}

export class PromotionExecutor {
  readonly calls: ExecutedCall[] = [];
  readonly dryRun: boolean;
  private readonly api: GitHubApi;
  private readonly log: (line: string) => void;

  constructor(options: ExecutorOptions) {
    this.api = options.api;
    this.dryRun = options.dryRun;
    this.log = (line) => options.log(this.api.redact(line));
  }

  redact(text: string): string {
    return this.api.redact(text);
  }

  describeFailure(response: ApiResponse, what: string): string {
    return this.api.describeFailure(response, what);
  }

  async read<T = unknown>(path: string): Promise<ApiResponse<T>> {
    return this.send<T>('GET', path, undefined);
  }

  /**
   * POST/PATCH/PUT/DELETE. In a dry run nothing is sent: the call is logged and `placeholder` comes back as the data
   * with status 0, so later steps can refer to "the commit this would have created".
   */
  async mutate<T = unknown>(
    method: 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    path: string,
    body: unknown,
    placeholder: T,
  ): Promise<ApiResponse<T>> {
    if (this.dryRun) {
      this.calls.push({ method, path, status: undefined, dryRun: true });
      this.log(`[dry run] ${method} ${path} (not sent)`);
      return { status: 0, data: placeholder, headers: new Headers() };
    }
    return this.send<T>(method, path, body);
  }

  private async send<T>(method: string, path: string, body: unknown): Promise<ApiResponse<T>> {
    const call: ExecutedCall = { method, path, status: undefined, dryRun: false };
    this.calls.push(call);
    try {
      const response = await this.api.request<T>(method, path, body);
      call.status = response.status;
      this.log(`${method} ${path} → ${response.status}`);
      return response;
    } catch (error) {
      this.log(`${method} ${path} → no answer (${error instanceof Error ? error.message : String(error)})`);
      throw error;
    }
  }
}
