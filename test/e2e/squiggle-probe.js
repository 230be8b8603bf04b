'use strict';
// The editor bench's eye in the workbench page: when the edited line's error squiggle is drawn and when it is gone.
// The extension API cannot tell: `languages.onDidChangeDiagnostics` fires through a 50 ms debounce of VS Code's
// extension host (DebounceEmitter in ExtHostDiagnostics), while the editor draws the marker on its next frame.
//
// installSquiggleProbe runs in the page (page.evaluate): a MutationObserver on the workbench records, with epoch
// timestamps (performance.timeOrigin + performance.now(), comparable with the extension host's on this machine), every
// change of "the line matching `pattern` shows an error squiggle". The editor renders text lines (.view-lines) and
// decorations (.view-overlays) as sibling layers positioned by the same `top`, which is how a squiggle is tied to its line.

/** Runs in the page. `source` is a RegExp source matched against a rendered line's text. */
function installSquiggleProbe(source) {
  const pattern = new RegExp(source);
  const changes = [];
  let last = { present: false, text: '' };
  const check = () => {
    let state = { present: false, text: '' };
    for (const editor of document.querySelectorAll('.monaco-editor')) {
      const lines = editor.querySelector('.view-lines');
      const overlays = editor.querySelector('.view-overlays');
      if (!lines || !overlays) continue;
      for (const line of lines.children) {
        const text = (line.textContent ?? '').replace(/\u00a0/g, ' ');
        if (!pattern.test(text)) continue;
        const overlay = [...overlays.children].find((candidate) => candidate.style.top === line.style.top);
        state = { present: Boolean(overlay?.querySelector('.squiggly-error')), text: text.trim() };
      }
    }
    if (state.present !== last.present || state.text !== last.text) {
      changes.push({ at: performance.timeOrigin + performance.now(), present: state.present, text: state.text });
      last = state;
    }
  };
  new MutationObserver(check).observe(document.body, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: ['class', 'style'],
    characterData: true,
  });
  window.__kayronSquiggleChanges = changes;
}

/**
 * Pairs the suite's edits (epoch ms when `TextEditor.edit` was called, and whether the squiggle should then show) with
 * the page's changes: the time until the first change to the expected state after the edit and before the next edit.
 * Returns ms per edit; NaN where the page never showed the expected state in that window.
 */
function pairEdits(edits, changes) {
  return edits.map((edit, index) => {
    const until = edits[index + 1]?.at ?? Number.POSITIVE_INFINITY;
    const reached = changes.find(
      (change) => change.at >= edit.at && change.at < until && change.present === edit.squiggle,
    );
    return reached ? reached.at - edit.at : Number.NaN;
  });
}

module.exports = { installSquiggleProbe, pairEdits };
