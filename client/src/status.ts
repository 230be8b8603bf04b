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
    if (failing?.file) {
      const target = vscode.Uri.joinPath(vscode.Uri.parse(failing.root), failing.file);
      this.item.text = '$(error) Kayron lint fails';
      this.item.tooltip = new vscode.MarkdownString(`\`kayron lint\` would fail at **${failing.file}:${(failing.line ?? 0) + 1}**\n\n${failing.code}: ${failing.message ?? ''}`);
      this.item.command = { title: 'Show the problem', command: 'vscode.open', arguments: [target, { selection: new vscode.Range(failing.line ?? 0, 0, failing.line ?? 0, 0) }] };
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
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
