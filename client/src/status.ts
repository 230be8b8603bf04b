/** Status-bar item: what `kayron lint` would say for the workspace, one click from the offending line. */
import * as vscode from 'vscode';
import type { KayronVerdictParams } from '../../server/src/protocol';

export class KayronStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('kayron.lintStatus', vscode.StatusBarAlignment.Left, 10);

  constructor() {
    this.item.name = 'Kayron lint';
  }

  update(params: KayronVerdictParams): void {
    if (params.verdicts.length === 0) {
      this.item.hide();
      return;
    }
    const failing = params.verdicts.find((verdict) => verdict.file !== undefined);
    const unknown = params.verdicts.find((verdict) => (verdict.unchecked?.length ?? 0) > 0);
    if (failing?.file) {
      const target = vscode.Uri.joinPath(vscode.Uri.parse(failing.root), failing.file);
      this.item.text = '$(error) Kayron lint fails';
      this.item.tooltip = new vscode.MarkdownString(
        `\`kayron lint\` would fail at **${failing.file}:${(failing.line ?? 0) + 1}**\n\n${failing.code}: ${failing.message ?? ''}`,
      );
      this.item.command = {
        title: 'Show the problem',
        command: 'vscode.open',
        arguments: [target, { selection: new vscode.Range(failing.line ?? 0, 0, failing.line ?? 0, 0) }],
      };
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
    } else if (unknown?.unchecked?.[0]) {
      const first = unknown.unchecked[0];
      const count = unknown.unchecked.length;
      this.item.text = '$(question) Kayron lint: unknown';
      this.item.tooltip = new vscode.MarkdownString(
        `What \`kayron lint\` would say is **unknown**: ${count === 1 ? `**${first.file}** was` : `${count} release files were`} not checked.\n\n${unknown.unchecked
          .slice(0, 5)
          .map((file) => `- ${file.file}: ${file.message}`)
          .join('\n')}`,
      );
      // The Problems view, not the file: it may be a FIFO or a device that an editor must not open.
      this.item.command = 'workbench.actions.view.problems';
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    } else {
      this.item.text = '$(check) Kayron lint passes';
      this.item.tooltip = '`kayron lint` would accept every release file in this workspace.';
      this.item.command = 'workbench.actions.view.problems';
      this.item.backgroundColor = undefined;
    }
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
