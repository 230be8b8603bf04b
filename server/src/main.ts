/** Language-server entry point: create the connection and start the server (IPC from VS Code, or `--stdio`). */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server';

export function startStdioServer(): void {
  const connection = createConnection(ProposedFeatures.all, process.stdin, process.stdout);
  startServer(connection);
}

if (require.main === module) {
  if (process.argv.includes('--stdio')) startStdioServer();
  else startServer(createConnection(ProposedFeatures.all));
}
