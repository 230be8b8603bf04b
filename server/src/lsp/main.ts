/** Language-server entry point: create the connection and start the server (IPC from VS Code, or `--stdio`). */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { ProtocolGuard } from './protocol-guard';
import { startServer } from './server';

export function startStdioServer(): void {
  const guard = new ProtocolGuard();
  const connection = createConnection(ProposedFeatures.all, process.stdin, process.stdout, guard.options);
  guard.install(connection);
  startServer(connection);
}

if (require.main === module) {
  if (process.argv.includes('--stdio')) startStdioServer();
  else {
    const guard = new ProtocolGuard();
    const connection = createConnection(ProposedFeatures.all, guard.options);
    guard.install(connection);
    startServer(connection);
  }
}
