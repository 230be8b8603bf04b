/**
 * The LSP lifecycle and the shape of params, checked once for every message before any handler sees it (a
 * vscode-jsonrpc message strategy), because vscode-languageserver checks neither: it answers requests after
 * `shutdown`, runs a second `initialize`, and hands `null` params to handlers, whose TypeError text then goes back to
 * the client. Here:
 * - before `initialize`, requests get ServerNotInitialized; a second `initialize` gets InvalidRequest;
 * - after `shutdown`, every request gets InvalidRequest and notifications other than `exit` are dropped;
 * - params that do not have the shape a handler reads get InvalidParams with a plain message (a notification with
 *   such params is dropped and logged).
 * A rejected request is re-routed to one internal method whose handler answers with the error, because a message
 * strategy can only pass messages on, not answer them.
 */
import { z } from 'zod';
import {
  ErrorCodes,
  Message,
  ResponseError,
  type Connection,
  type ConnectionOptions,
  type NotificationMessage,
  type RequestMessage,
} from 'vscode-languageserver/node';
import {
  EntryBranchesRequest,
  EntryEditRequest,
  EntryVersionsRequest,
  EnvironmentsRequest,
  FetchRequest,
  PromotionCandidatesRequest,
  PromotionExecuteRequest,
  PromotionPlanRequest,
  ReadFileAtRefRequest,
} from '../protocol';

const REJECT_METHOD = 'kayron/$rejectRequest';

const uri = z.string();
const textDocument = z.object({ uri }).passthrough();
const position = z
  .object({ line: z.number().int().nonnegative(), character: z.number().int().nonnegative() })
  .passthrough();
const range = z.object({ start: position, end: position }).passthrough();
const root = z.string();

/** What each handler reads; more is allowed (clients send more than a handler needs). */
const PARAMS: Record<string, z.ZodTypeAny> = {
  initialize: z.object({ capabilities: z.object({}).passthrough() }).passthrough(),
  'textDocument/hover': z.object({ textDocument, position }).passthrough(),
  'textDocument/completion': z.object({ textDocument, position }).passthrough(),
  'textDocument/codeAction': z
    .object({
      textDocument,
      range,
      context: z
        .object({ diagnostics: z.array(z.object({ range }).passthrough()), only: z.array(z.string()).optional() })
        .passthrough(),
    })
    .passthrough(),
  'textDocument/documentLink': z.object({ textDocument }).passthrough(),
  'textDocument/inlayHint': z.object({ textDocument, range }).passthrough(),
  [EntryVersionsRequest.method]: z.object({ uri, github: z.string() }).passthrough(),
  [EntryBranchesRequest.method]: z.object({ uri, github: z.string() }).passthrough(),
  [EntryEditRequest.method]: z
    .object({
      uri,
      index: z.number().int().nonnegative(),
      action: z.discriminatedUnion('kind', [
        z.object({ kind: z.literal('release'), tag: z.string() }).passthrough(),
        z.object({ kind: z.literal('branch'), name: z.string() }).passthrough(),
        z.object({ kind: z.literal('switchBack') }).passthrough(),
      ]),
    })
    .passthrough(),
  [EnvironmentsRequest.method]: z.object({ refresh: z.boolean().optional() }).passthrough().nullish(),
  [ReadFileAtRefRequest.method]: z.object({ root, ref: z.string(), path: z.string() }).passthrough(),
  [FetchRequest.method]: z.object({ root }).passthrough(),
  [PromotionCandidatesRequest.method]: z.object({ root: root.optional() }).passthrough().nullish(),
  [PromotionPlanRequest.method]: z
    .object({
      root,
      request: z.object({ kind: z.enum(['production', 'staging', 'testing-deploy', 'testing-reset']) }).passthrough(),
    })
    .passthrough(),
  [PromotionExecuteRequest.method]: z
    .object({
      planId: z.string(),
      confirmed: z.boolean(),
      acceptWarnings: z.boolean().optional(),
      dryRun: z.boolean().optional(),
    })
    .passthrough(),
  'textDocument/didOpen': z
    .object({
      textDocument: z
        .object({ uri, languageId: z.string(), version: z.number().int(), text: z.string() })
        .passthrough(),
    })
    .passthrough(),
  'textDocument/didChange': z
    .object({
      textDocument: z.object({ uri, version: z.number().int() }).passthrough(),
      contentChanges: z.array(
        z.union([z.object({ range, text: z.string() }).passthrough(), z.object({ text: z.string() }).passthrough()]),
      ),
    })
    .passthrough(),
  'textDocument/didClose': z.object({ textDocument }).passthrough(),
  'textDocument/didSave': z.object({ textDocument }).passthrough(),
  'workspace/didChangeWatchedFiles': z
    .object({ changes: z.array(z.object({ uri, type: z.number().int() }).passthrough()) })
    .passthrough(),
  'workspace/didChangeWorkspaceFolders': z
    .object({
      event: z
        .object({
          added: z.array(z.object({ uri, name: z.string() }).passthrough()),
          removed: z.array(z.object({ uri, name: z.string() }).passthrough()),
        })
        .passthrough(),
    })
    .passthrough(),
};

/** `textDocument.uri: expected string, received null`; the first problem only, in words a client author can act on. */
function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'unexpected shape';
  const where = issue.path.length > 0 ? issue.path.join('.') : 'params';
  return `${where}: ${issue.message.charAt(0).toLowerCase()}${issue.message.slice(1)}`;
}

/** Why params do not fit `method`'s handler, or undefined when they do (or the method is not checked here). */
export function paramsProblem(method: string, params: unknown): string | undefined {
  const schema = PARAMS[method];
  if (!schema) return undefined;
  const result = schema.safeParse(params);
  return result.success ? undefined : `Invalid params for ${method}: ${describeIssue(result.error)}`;
}

interface Rejection {
  code: number;
  message: string;
}

/** Tracks the lifecycle and checks params; hand `options` to createConnection, then `install` on the connection. */
export class ProtocolGuard {
  private initialized = false;
  private shutDown = false;
  private readonly dropped: string[] = [];
  private log: (message: string) => void = (message) => this.dropped.push(message);

  readonly options: ConnectionOptions = {
    messageStrategy: {
      handleMessage: (message, next) => {
        if (Message.isRequest(message)) {
          const rejection = this.checkRequest(message);
          next(rejection ? { ...message, method: REJECT_METHOD, params: rejection } : message);
        } else if (Message.isNotification(message)) {
          if (this.acceptNotification(message)) next(message);
        } else {
          next(message);
        }
      },
    },
  };

  /** Registers the handler that answers rejected requests, and logs what was dropped from now on. */
  install(connection: Connection): void {
    connection.onRequest(REJECT_METHOD, (rejection: Rejection) => new ResponseError(rejection.code, rejection.message));
    this.log = (message) => connection.console.warn(message);
    for (const message of this.dropped.splice(0)) this.log(message);
  }

  private checkRequest(message: RequestMessage): Rejection | undefined {
    if (message.method === REJECT_METHOD)
      return { code: ErrorCodes.MethodNotFound, message: `Unhandled method ${message.method}` };
    if (this.shutDown)
      return {
        code: ErrorCodes.InvalidRequest,
        message: `The server is shut down: ${message.method} is not answered (only exit is).`,
      };
    if (message.method === 'initialize') {
      if (this.initialized)
        return {
          code: ErrorCodes.InvalidRequest,
          message: 'The server is already initialized: initialize may be sent only once.',
        };
    } else if (!this.initialized) {
      return {
        code: ErrorCodes.ServerNotInitialized,
        message: `The server is not initialized yet: ${message.method} must follow initialize.`,
      };
    }
    const problem = paramsProblem(message.method, message.params);
    if (problem) return { code: ErrorCodes.InvalidParams, message: problem };
    if (message.method === 'initialize') this.initialized = true;
    if (message.method === 'shutdown') this.shutDown = true;
    return undefined;
  }

  private acceptNotification(message: NotificationMessage): boolean {
    if (message.method === 'exit') return true;
    if (this.shutDown) {
      this.log(`Ignoring ${message.method}: the server is shut down.`);
      return false;
    }
    const problem = paramsProblem(message.method, message.params);
    if (problem) {
      this.log(
        `Ignoring ${message.method}: ${problem.replace(`Invalid params for ${message.method}: `, 'invalid params, ')}`,
      );
      return false;
    }
    return true;
  }
}
