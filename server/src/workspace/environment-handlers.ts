/** The environments' requests (`kayron/environments`, `kayron/readFileAtRef`, `kayron/fetch`), inlay hints and events. */
import { ErrorCodes, ResponseError } from 'vscode-languageserver/node';
import type { HandlerRegistration } from '../lsp/context';
import {
  EnvironmentsRequest,
  FetchRequest,
  ReadFileAtRefRequest,
  type EnvironmentsParams,
  type FetchParams,
  type ReadFileAtRefParams,
} from '../protocol';
import {
  EDIT_DEBOUNCE_MS,
  EnvironmentService,
  EVENT_DEBOUNCE_MS,
  type EnvironmentServiceDeps,
} from './environment-service';

/** Wires the environment service to the connection: custom requests, inlay hints, and document events. */
export const registerEnvironmentHandlers: HandlerRegistration<EnvironmentService> = (context) => {
  const { connection } = context;
  const deps: EnvironmentServiceDeps = {
    documents: context.documents,
    workspaces: context.registry.workspaces,
    github: () => context.github(),
    ready: () => context.queue.settled(),
    capabilities: context.capabilities,
    settings: context.settings,
    runSafe: context.runSafe,
    analyzer: context.analyzer,
    git: () => context.git(),
  };
  const service = new EnvironmentService(connection, deps);
  connection.onRequest(EnvironmentsRequest, (params: EnvironmentsParams | null) =>
    deps.runSafe('answering kayron/environments', { roots: [] }, () => service.environments(params ?? {})),
  );
  // Errors here are answers (a bad ref, a missing root): they go back to the client, which shows them; git failures are logged too.
  connection.onRequest(ReadFileAtRefRequest, (params: ReadFileAtRefParams) =>
    service.readFileAtRef(params).catch((error: unknown) => {
      if (error instanceof ResponseError) throw error;
      const message = error instanceof Error ? error.message : String(error);
      connection.console.error(`reading ${params.path} at ${params.ref} failed: ${message}`);
      throw new ResponseError(ErrorCodes.InternalError, message);
    }),
  );
  connection.onRequest(FetchRequest, (params: FetchParams) =>
    deps.runSafe('fetching', { ok: false, message: 'the fetch failed; see the Kayron Releases output' }, () =>
      service.fetch(params),
    ),
  );
  connection.languages.inlayHint.on((params, token) =>
    deps.runSafe('inlay hints', [], () => service.inlayHints(params), token),
  );
  deps.documents.onDidChangeContent((event) => service.documentEvent(event.document.uri, EDIT_DEBOUNCE_MS));
  deps.documents.onDidSave((event) => service.documentEvent(event.document.uri, EVENT_DEBOUNCE_MS));
  deps.documents.onDidClose((event) => service.documentEvent(event.document.uri, EVENT_DEBOUNCE_MS));
  return service;
};
