/** The one way the server runs a handler or a queued event: errors are logged and answered with a safe default. */
import type { CancellationToken, RemoteConsole } from 'vscode-languageserver/node';

/**
 * Runs `work`; when it throws, logs the error and answers `fallback` instead (a handler never throws at the client).
 * With the request's cancellation `token`, a request the client cancelled before it started does no work, and one
 * cancelled meanwhile answers `fallback` (the client has stopped waiting for the answer).
 */
export type RunSafe = <T>(
  what: string,
  fallback: T,
  work: () => T | Promise<T>,
  token?: CancellationToken,
) => Promise<T>;

export function createRunSafe(console: Pick<RemoteConsole, 'error'>): RunSafe {
  return async <T>(what: string, fallback: T, work: () => T | Promise<T>, token?: CancellationToken): Promise<T> => {
    if (token?.isCancellationRequested) return fallback;
    try {
      const result = await work();
      return token?.isCancellationRequested ? fallback : result;
    } catch (error) {
      console.error(`${what} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return fallback;
    }
  };
}
