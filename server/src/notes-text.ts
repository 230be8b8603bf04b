/**
 * Release notes as one line of plain text, for places that show no Markdown (quick picks, completion details, modal
 * dialogs). GitHub's generated notes all start with "## What's Changed": the heading says nothing about a release, so
 * the summary is the first sentence that is not a heading. Shared with the client through protocol.ts.
 */

/** Longest summary; longer sentences end in "…". */
export const NOTES_SUMMARY_LENGTH = 120;

const HEADING = /^\s{0,3}#{1,6}(\s|$)/;
const SETEXT_UNDERLINE = /^\s{0,3}(=+|-+)\s*$/;
/** Setext heading underlines and thematic breaks (---, ***, ===). */
const RULE = /^\s{0,3}([-*_=])(\s*\1){2,}\s*$/;

/** Markdown inline syntax → its text: links and images keep their text, code and emphasis lose their markers. */
export function stripInlineMarkdown(text: string): string {
  return (
    text
      .replace(/<!--[\s\S]*?-->/g, '')
      .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/\[([^\]]*)\]\[[^\]]*\]/g, '$1')
      .replace(/<(https?:\/\/[^>\s]+)>/g, '$1')
      // GitHub's generated notes end each line with the pull request URL: "#42" says the same in a line.
      .replace(/https?:\/\/[^\s/]+\/[^\s/]+\/[^\s/]+\/pull\/(\d+)\b/g, '#$1')
      .replace(/`+([^`]*)`+/g, '$1')
      .replace(/(\*\*|__)(?=\S)([\s\S]*?\S)\1/g, '$2')
      .replace(/(^|[^\w*])[*_](?=\S)([^*_]*?\S)[*_](?=[^\w*]|$)/g, '$1$2')
      .replace(/~~(?=\S)([\s\S]*?\S)~~/g, '$1')
      .replace(/<\/?[A-Za-z][^>]*>/g, '')
      .replace(/\\([\\`*_{}[\]()#+\-.!|>~])/g, '$1')
      .replace(/\s+/g, ' ')
      .trim()
  );
}

/** One Markdown line → its plain text, without the block markers (heading, quote, list item, task box). */
function blockText(line: string): string {
  return stripInlineMarkdown(
    line
      .replace(/^\s*(>\s?)+/, '')
      .replace(/^\s{0,3}#{1,6}\s+/, '')
      .replace(/\s+#+\s*$/, '')
      .replace(/^\s*([-*+]|\d+[.)])\s+(\[[ xX]\]\s+)?/, ''),
  );
}

function firstSentence(text: string): string {
  const match = /^(.+?[.!?])(?=\s+[^a-z0-9\s]|\s+[A-Z]|$)/.exec(text);
  return match?.[1] ?? text;
}

function clip(text: string, maxLength: number): string {
  return text.length > maxLength ? `${text.slice(0, maxLength - 1).trimEnd()}…` : text;
}

/**
 * The first sentence of `markdown` that is not a heading, as plain text on one line; undefined when the notes have
 * no such text (empty, or headings only).
 */
export function notesSummary(markdown: string | undefined, maxLength = NOTES_SUMMARY_LENGTH): string | undefined {
  if (!markdown) return undefined;
  let inFence = false;
  const lines = markdown.split(/\r?\n/);
  for (const [index, line] of lines.entries()) {
    if (/^\s{0,3}(```|~~~)/.test(line)) {
      inFence = !inFence;
      continue;
    }
    if (inFence || HEADING.test(line) || RULE.test(line) || line.trim() === '') continue;
    // a setext heading: the text line above its === or --- underline
    if (SETEXT_UNDERLINE.test(lines[index + 1] ?? '')) continue;
    const text = blockText(line);
    if (text !== '') return clip(firstSentence(text), maxLength);
  }
  return undefined;
}

/** Markdown as plain-text lines (headings, lists and links as words) for a modal dialog; at most `maxLines`. */
export function markdownToPlainLines(markdown: string, maxLines = 12): string[] {
  const lines: string[] = [];
  for (const line of markdown.split(/\r?\n/)) {
    if (/^\s{0,3}(```|~~~)/.test(line) || RULE.test(line)) continue;
    const item = /^\s*([-*+]|\d+[.)])\s+/.test(line);
    const text = blockText(line);
    if (text === '' && lines.at(-1) === '') continue;
    lines.push(item ? `• ${text}` : text);
  }
  while (lines[0] === '') lines.shift();
  while (lines.at(-1) === '') lines.pop();
  return lines.length > maxLines
    ? [...lines.slice(0, maxLines - 1), `… (${lines.length - maxLines + 1} more lines in the preview)`]
    : lines;
}
