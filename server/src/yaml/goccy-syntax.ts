/**
 * goccy/go-yaml v1.18's syntax verdict for a release file: the first error its scanner or parser raises, with goccy's
 * own words and its `[line:column]` (columns count characters). Kayron prints exactly this for a file that does not
 * parse, so the editor and the CLI report it word for word (docs/goccy-parsing.md describes the behaviours).
 *
 * This is a model of goccy's token stream and of the parser's checks, not a YAML parser: values are decoded by the
 * `yaml` library elsewhere. The model follows goccy's documented behaviour: tokens are grouped (anchor + name,
 * tag + scalar, key + ':' and key + ':' + same-line scalar) before parsing; a plain scalar continues on the next line
 * only when that line is indented deeper than the reference column (the last key or `-` on the line before, else that
 * line's indentation); the parser then walks sequences and mappings by column.
 */

export interface GoccySyntaxError {
  message: string;
  line: number;
  column: number;
  /** UTF-16 offset of the token goccy blames, and its length, for the squiggle. */
  offset: number;
  length: number;
}

type RawKind =
  | 'seq-entry'
  | 'map-key'
  | 'colon'
  | 'plain'
  | 'double'
  | 'single'
  | 'anchor'
  | 'alias'
  | 'tag'
  | 'literal'
  | 'folded'
  | 'flow-seq-start'
  | 'flow-seq-end'
  | 'flow-map-start'
  | 'flow-map-end'
  | 'comma'
  | 'doc-start'
  | 'doc-end'
  | 'directive'
  | 'merge-key';

export interface RawToken {
  kind: RawKind;
  line: number;
  column: number;
  offset: number;
  end: number;
  /** Scalar text (plain: lines joined by spaces; quoted: without quotes). */
  value: string;
  /** The scalar's source spans more than one line. */
  multiline: boolean;
  /**
   * goccy's source text for the token ends with a line break: a plain scalar that goccy only ended on a later line
   * (its line's break was read before the token was made).
   */
  endsAfterBreak?: boolean;
}

type GroupKind =
  | 'anchor'
  | 'anchor-name'
  | 'alias'
  | 'literal'
  | 'folded'
  | 'scalar-tag'
  | 'map-key'
  | 'map-key-value'
  | 'directive'
  | 'directive-name'
  | 'document';

interface Group {
  kind: GroupKind;
  tokens: Tok[];
}

/** A token or a group of tokens, as goccy's parser sees them. */
interface Tok {
  raw?: RawToken;
  group?: Group;
}

/**
 * `text` without its trailing spaces, looking only at its end (a regular expression would rescan the whole text).
 * With `keepEscaped`, a space right after a backslash stays: it is an escape (`\ `), not a blank.
 */
function withoutTrailingSpaces(text: string, options: { keepEscaped?: boolean } = {}): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0x20) end--;
  if (options.keepEscaped && end < text.length && end > 0 && text[end - 1] === '\\') end++;
  return end === text.length ? text : text.slice(0, end);
}

class SyntaxFailure extends Error {
  constructor(
    readonly reason: string,
    readonly token: RawToken | undefined,
  ) {
    super(reason);
  }
}

const fail = (reason: string, tok: Tok | RawToken | undefined): never => {
  const raw = tok && 'kind' in tok ? tok : rawOf(tok);
  throw new SyntaxFailure(reason, raw);
};

function rawOf(tok: Tok | undefined): RawToken | undefined {
  if (!tok) return undefined;
  if (tok.raw) return tok.raw;
  return rawOf(tok.group?.tokens[0]);
}
const kindOf = (tok: Tok | undefined): RawKind | undefined => rawOf(tok)?.kind;
const groupOf = (tok: Tok | undefined): GroupKind | undefined => (tok?.raw ? undefined : tok?.group?.kind);
const lineOf = (tok: Tok | undefined): number => rawOf(tok)?.line ?? 0;
const columnOf = (tok: Tok | undefined): number => rawOf(tok)?.column ?? 0;

const SCALAR_KINDS = new Set<RawKind>(['anchor', 'alias', 'literal', 'folded', 'plain', 'double', 'single']);
function isScalarType(tok: Tok): boolean {
  const group = groupOf(tok);
  if (group === 'map-key' || group === 'map-key-value') return false;
  const kind = kindOf(tok);
  return kind !== undefined && SCALAR_KINDS.has(kind);
}
const NOT_MAP_KEY = new Set<RawKind>([
  'directive',
  'doc-start',
  'doc-end',
  'comma',
  'flow-map-start',
  'colon',
  'flow-map-end',
  'flow-seq-start',
  'seq-entry',
  'flow-seq-end',
]);

// ---------------------------------------------------------------------------------------------------------------
// Scanner

interface Char {
  text: string;
  offset: number;
}

/**
 * goccy's scanner state that decides where a plain scalar ends: `lastDelimColumn` is the column of the last block
 * delimiter (a key, `-`, `?`, `<<`). On a new line, a first character right of it continues the scalar ("up"); at or
 * left of it ends the scalar ("down"); with no delimiter yet (0) nothing changes, so top-level text runs on.
 */
class Scanner {
  readonly tokens: RawToken[] = [];
  /** Offsets of the LF of each CRLF that goccy counts as two line breaks: every later line number moves on by one. */
  readonly extraBreaks: number[] = [];
  /** Plain scalars (by start offset) that goccy reports right of where they start, and by how many columns. */
  readonly columnShifts = new Map<number, number>();
  /**
   * Offsets (ascending) of characters goccy steps over without counting a column (a tab inside plain text, the blank
   * after a tag): later columns on their line move left.
   */
  readonly skippedColumns: number[] = [];
  private readonly chars: Char[] = [];
  private index = 0;
  private line = 1;
  private column = 1;
  private indentNum = 0;
  private lastDelimColumn = 0;
  private firstCharAtLine = true;
  private state: 'up' | 'down' | 'keep' = 'keep';
  /**
   * Where goccy's origin buffer starts: the source read since the last token (or comment) was cut. A map key or a `-`
   * whose origin opens with a tab (after at most one space) is an error.
   */
  private originStart = 0;
  /** The token count when the last comment was read: goccy's comments are tokens, ours are not. */
  private commentAt = -1;
  private flowSequences = 0;
  private flowMaps = 0;
  private anchorOrAlias = false;
  private directive = false;
  /**
   * goccy leaves the line breaks of a block scalar's blank-only body in its buffer (it empties the buffer but keeps
   * its length mark): the first character of the line that ends the body then sees text pending and starts no token.
   */
  private staleBuffer = false;
  private buffer:
    | {
        line: number;
        column: number;
        offset: number;
        end: number;
        text: string;
        lines: number;
        pendingNewline: boolean;
      }
    | undefined;

  constructor(private readonly text: string) {
    for (let offset = 0; offset < text.length;) {
      const codePoint = text.codePointAt(offset) ?? 0;
      const length = codePoint > 0xffff ? 2 : 1;
      this.chars.push({ text: text.slice(offset, offset + length), offset });
      offset += length;
    }
  }

  private char(at = this.index): string {
    return this.chars[at]?.text ?? '';
  }

  private offsetAt(at = this.index): number {
    return this.chars[at]?.offset ?? this.text.length;
  }

  private isNewline(c: string): boolean {
    return c === '\n' || c === '\r';
  }

  private isBlank(c: string): boolean {
    return c === '' || c === ' ' || c === '\n' || c === '\r' || c === '\t';
  }

  private get inFlow(): boolean {
    return this.flowSequences > 0 || this.flowMaps > 0;
  }

  private advance(count = 1): void {
    this.index += count;
    this.column += count;
  }

  private invalid(message: string, length = 1, line = this.line, column = this.column, at = this.index): never {
    throw new SyntaxFailure(message, {
      kind: 'plain',
      line,
      column,
      offset: this.offsetAt(at),
      end: this.offsetAt(at + length),
      value: '',
      multiline: false,
    });
  }

  private push(
    kind: RawKind,
    value: string,
    start: number,
    length: number,
    line = this.line,
    column = this.column,
  ): RawToken {
    const token: RawToken = {
      kind,
      line,
      column,
      offset: this.offsetAt(start),
      end: this.offsetAt(start + length),
      value,
      multiline: false,
    };
    this.tokens.push(token);
    this.originStart = start + length;
    return token;
  }

  private flush(): RawToken | undefined {
    const buffer = this.buffer;
    if (!buffer) return undefined;
    this.buffer = undefined;
    const value = withoutTrailingSpaces(buffer.text);
    const token: RawToken = {
      kind: 'plain',
      line: buffer.line,
      column: buffer.column,
      offset: buffer.offset,
      end: buffer.end,
      value,
      multiline: buffer.lines > 0,
      endsAfterBreak: buffer.lines > 0 || buffer.pendingNewline,
    };
    this.tokens.push(token);
    this.originStart = this.index;
    return token;
  }

  private addToBuffer(c: string): void {
    if (!this.buffer) {
      if (c === ' ') return;
      this.buffer = {
        line: this.line,
        column: this.column,
        offset: this.offsetAt(),
        end: this.offsetAt(this.index + 1),
        text: '',
        lines: 0,
        pendingNewline: false,
      };
    }
    if (this.buffer.pendingNewline && c !== ' ') {
      this.buffer.lines++;
      this.buffer.pendingNewline = false;
    }
    this.buffer.text += c;
    if (c !== ' ') this.buffer.end = this.offsetAt(this.index + 1);
  }

  scan(): void {
    while (this.index < this.chars.length) {
      const c = this.char();
      if (this.firstCharAtLine) {
        if (c === ' ') {
          this.indentNum++;
          this.advance();
          continue;
        }
        if (!this.isNewline(c) && c !== '\t') {
          this.firstCharAtLine = false;
          if (this.lastDelimColumn > 0) this.state = this.lastDelimColumn < this.column ? 'up' : 'down';
          if (this.state === 'down') this.flush();
        }
      } else {
        this.state = 'keep';
      }
      this.scanChar(c);
    }
    this.flush();
  }

  private scanChar(c: string): void {
    const start = this.index;
    const stale = this.staleBuffer && !this.isNewline(c);
    if (stale) this.staleBuffer = false;
    const buffered = this.buffer !== undefined || stale;
    switch (c) {
      case '{':
        if (!buffered || this.inFlow) {
          this.flush();
          this.push('flow-map-start', '{', start, 1);
          this.flowMaps++;
          this.advance();
          return;
        }
        break;
      case '}':
        if (this.flowMaps > 0) {
          this.flush();
          this.push('flow-map-end', '}', start, 1);
          this.flowMaps--;
          this.advance();
          return;
        }
        break;
      case '[':
        if (!buffered || this.inFlow) {
          this.flush();
          this.push('flow-seq-start', '[', start, 1);
          this.flowSequences++;
          this.advance();
          return;
        }
        break;
      case ']':
        if (!buffered || this.flowSequences > 0) {
          this.flush();
          this.push('flow-seq-end', ']', start, 1);
          this.flowSequences--;
          this.advance();
          return;
        }
        break;
      case ',':
        if (this.inFlow) {
          this.flush();
          this.push('comma', ',', start, 1);
          this.advance();
          return;
        }
        break;
      case '.': {
        // Exactly three dots at a line start end a document (goccy counts the run: `....` is text).
        const dots = this.char(start + 1) === '.' && this.char(start + 2) === '.' && this.char(start + 3) !== '.';
        if (this.indentNum === 0 && this.column === 1 && dots) {
          this.flush();
          this.push('doc-end', '...', start, 3);
          this.advance(3);
          return;
        }
        break;
      }
      case '<':
        if (this.isMergeKey()) {
          this.lastDelimColumn = this.column;
          this.push('merge-key', '<<', start, 2);
          this.advance(2);
          return;
        }
        break;
      case '-':
        if (
          this.indentNum === 0 &&
          this.column === 1 &&
          this.char(start + 1) === '-' &&
          this.char(start + 2) === '-' &&
          this.isBlank(this.char(start + 3))
        ) {
          this.flush();
          this.push('doc-start', '---', start, 3);
          this.advance(3);
          this.lastDelimColumn = 0;
          this.indentNum = 0;
          return;
        }
        if (buffered && this.state === 'up') {
          this.scanRawFolded();
          return;
        }
        // goccy reads a NUL after the `-` as "no next character", like the file's end: `-<NUL>` is an entry too.
        if (!buffered && (this.isBlank(this.char(start + 1)) || this.char(start + 1) === '\u0000')) {
          if (this.originOpensWithTab()) this.invalid('tab character cannot use as a sequence delimiter');
          this.push('seq-entry', '-', start, 1);
          this.lastDelimColumn = this.column;
          this.advance();
          return;
        }
        break;
      case ':':
        if (this.scanMapDelim()) return;
        break;
      case '|':
      case '>':
        if (!buffered) {
          this.scanBlockScalar(c);
          return;
        }
        break;
      case '!':
        if (!buffered && !this.directive) {
          this.scanTag();
          return;
        }
        break;
      case '%':
        if (!buffered && this.indentNum === 0) {
          this.push('directive', '%', start, 1);
          this.directive = true;
          this.advance();
          return;
        }
        break;
      case '?':
        if (!buffered && (this.char(start + 1) === ' ' || this.char(start + 1) === '\t')) {
          this.push('map-key', '?', start, 1);
          this.lastDelimColumn = this.column;
          this.advance();
          return;
        }
        break;
      case '&':
      case '*':
        if (!buffered) {
          this.push(c === '&' ? 'anchor' : 'alias', c, start, 1);
          this.anchorOrAlias = true;
          this.advance();
          return;
        }
        break;
      case '#': {
        const previous = start > 0 ? this.char(start - 1) : ' ';
        if (previous === ' ' || previous === '\t' || this.isNewline(previous)) {
          this.flush();
          while (this.index < this.chars.length && !this.isNewline(this.char())) this.advance();
          this.originStart = this.index + 1;
          this.commentAt = this.tokens.length;
          // goccy's comment scanner steps over one character of the line break: the LF of a CRLF is then a second one.
          if (this.char() === '\r' && this.char(this.index + 1) === '\n') this.scanNewline(true);
          return;
        }
        break;
      }
      case '"':
      case "'":
        if (!buffered) {
          this.scanQuoted(c);
          return;
        }
        break;
      case '\r':
      case '\n':
        this.scanNewline();
        return;
      case ' ':
        if (this.anchorOrAlias || this.directive) {
          this.flush();
          this.anchorOrAlias = false;
          this.advance();
          return;
        }
        break;
      case '@':
      case '`':
        if (!buffered) this.invalid(`'${c}' is a reserved character`);
        break;
      case '\t':
        if ((buffered && this.lastDelimColumn === 0) || this.lastDelimColumn < this.column) {
          // A tab takes no column in goccy's count and is not part of the text: `t<TAB>he` reads "the".
          this.skippedColumns.push(this.offsetAt());
          this.index++;
          if (this.firstCharAtLine) this.indentNum++;
          return;
        }
        if (!this.inFlow && this.firstCharAtLine) this.invalid("found character '\t' that cannot start any token");
        break;
    }
    this.addToBuffer(c);
    this.advance();
  }

  /** goccy's check on its origin buffer: after at most one space, a tab opens it. */
  private originOpensWithTab(): boolean {
    const first = this.char(this.originStart);
    return first === '\t' || (first === ' ' && this.char(this.originStart + 1) === '\t');
  }

  /**
   * goccy's "raw folded" text: a `-` opening a line deeper than the last delimiter while a plain scalar is pending
   * turns the rest into multi-line text, like a folded block scalar without header: nothing in it is a token (no key,
   * no comment) until a line starts left of the `-`. As in block scalars, CR and LF each count as a line break.
   */
  private scanRawFolded(): void {
    const dashColumn = this.column;
    this.addToBuffer('-');
    this.advance();
    while (this.index < this.chars.length) {
      const c = this.char();
      if (!this.isNewline(c)) {
        // Text: the delimiter moves to just left of the `-`.
        this.lastDelimColumn = dashColumn - 1;
        this.addToBuffer(c);
        this.advance();
        continue;
      }
      if (c === '\n' && this.index > 0 && this.char(this.index - 1) === '\r') this.extraBreaks.push(this.offsetAt());
      this.index++;
      this.line++;
      this.column = 1;
      if (this.buffer) this.buffer.pendingNewline = true;
      const lineStart = this.index;
      let at = lineStart;
      while (this.char(at) === ' ' || this.char(at) === '\t') {
        const lineColumn = at - lineStart + 1;
        if (this.char(at) === '\t' && dashColumn > lineColumn)
          this.invalid('found a tab character where an indentation space is expected', 1, this.line, lineColumn, at);
        at++;
      }
      const first = this.char(at);
      if (
        first !== '' &&
        !this.isNewline(first) &&
        this.lastDelimColumn > 0 &&
        at - lineStart + 1 <= this.lastDelimColumn
      ) {
        // A line left of the text ends it: goccy reads that line afresh (its first character finds the state down).
        this.indentNum = 0;
        this.firstCharAtLine = true;
        this.anchorOrAlias = false;
        this.directive = false;
        return;
      }
      if (first === '' || this.isNewline(first)) {
        this.advance(at - lineStart);
        continue;
      }
      if (this.buffer) this.buffer.text += ' ';
      this.advance(at - lineStart);
    }
  }

  private isMergeKey(): boolean {
    if (this.char(this.index + 1) !== '<' || this.char(this.index + 2) === '<') return false;
    for (let at = this.index + 2; at < this.chars.length; at++) {
      const c = this.char(at);
      if (c === ' ') continue;
      if (c !== ':') return false;
      const next = this.char(at + 1);
      return next === ' ' || this.isNewline(next);
    }
    return false;
  }

  private scanMapDelim(): boolean {
    if (this.directive || this.anchorOrAlias) return false;
    const next = this.char(this.index + 1);
    if (this.flowMaps === 0) {
      if (next !== ' ' && next !== '\t' && !this.isNewline(next) && next !== '') return false;
    } else {
      // In a flow mapping any ':' delimits a key, except before '/' (`http://`) and right after a key's ':' (the
      // value's own colons: `{docker: host:5000/x}`, and `{a: b: c}` reads the value `b: c`).
      if (next === '/') return false;
      const last = this.tokens[this.tokens.length - 1];
      if (last?.kind === 'colon' && this.commentAt !== this.tokens.length) return false;
    }
    if (this.originOpensWithTab()) this.invalid('tab character cannot use as a map key directly');
    const key = this.flush();
    if (key) this.lastDelimColumn = key.column;
    else {
      const last = this.tokens[this.tokens.length - 1];
      if (last && (last.kind === 'double' || last.kind === 'single')) this.lastDelimColumn = last.column;
    }
    this.push('colon', ':', this.index, 1);
    this.advance();
    return true;
  }

  private scanNewline(single = false): void {
    // goccy trims the blanks ending its origin buffer at a line break: blanks alone leave nothing before the break.
    let blanksOnly = true;
    for (let at = this.originStart; at < this.index && blanksOnly; at++) blanksOnly = /[ \t]/.test(this.char(at));
    if (blanksOnly) this.originStart = this.index;
    if (this.buffer && this.buffer.lines === 0 && !this.buffer.pendingNewline) {
      // goccy places a plain scalar pending at its first line break at the break's column minus the text's length
      // without its trailing blanks: each trailing blank moves the reported column one right.
      const trailing = /([ \t]*)$/.exec(this.buffer.text)?.[1]?.length ?? 0;
      if (trailing > 0) {
        this.buffer.column += trailing;
        this.columnShifts.set(this.buffer.offset, trailing);
      }
    }
    if (this.buffer) this.buffer.text = withoutTrailingSpaces(this.buffer.text);
    if (this.anchorOrAlias || this.directive) this.flush();
    if (this.buffer) {
      this.buffer.text += ' ';
      this.buffer.pendingNewline = true;
    }
    if (single) this.extraBreaks.push(this.offsetAt() + 1);
    else if (this.char() === '\r' && this.char(this.index + 1) === '\n') this.index++;
    this.index++;
    this.line++;
    this.column = 1;
    this.indentNum = 0;
    this.firstCharAtLine = true;
    this.anchorOrAlias = false;
    this.directive = false;
  }

  private scanTag(): void {
    const start = this.index;
    let length = 0;
    let value = '';
    for (let at = start; at < this.chars.length; at++) {
      const c = this.char(at);
      if (c === ' ' || this.isNewline(c) || (c === ',' && this.inFlow)) break;
      // A brace never ends a tag, not even in a flow mapping: goccy refuses it where it stands (`{preview: !!bool}`).
      if (c === '{' || c === '}')
        this.invalid(`found invalid tag character '${c}'`, 1, this.line, this.column + at - start, at);
      value += c;
      length++;
    }
    this.push('tag', value, start, length);
    this.advance(length);
    if (this.char() === ' ') {
      // goccy consumes the blank after a tag without counting its column: the rest of the line reads one column left.
      this.skippedColumns.push(this.offsetAt());
      this.index++;
      this.originStart = this.index;
    }
  }

  private scanQuoted(quote: string): void {
    const start = this.index;
    const line = this.line;
    const column = this.column;
    this.advance();
    // goccy folds as it scans: at a line break it drops the spaces before it and adds a space, or a line feed when the
    // line held nothing (`lineStart`); a continued line's leading blanks are skipped. Escapes stay raw until the end.
    let value = '';
    let lines = 0;
    let lineStart = false;
    /** Where the run of blanks around the cursor ends (the first character that is no blank). */
    let blankRunEnd = -1;
    // Characters goccy's cursor runs ahead of its scan: they are skipped after the closing quote.
    let skipped = 0;
    while (this.index < this.chars.length) {
      const c = this.char();
      if (lineStart && c === ' ') {
        this.advance();
        continue;
      }
      if (lineStart && c === '\t') {
        if (this.lastDelimColumn >= this.column) {
          const style = quote === '"' ? 'double' : 'single';
          this.invalid(`tab character cannot be used for indentation in ${style}-quoted text`);
        }
        this.advance();
        continue;
      }
      if (!this.isNewline(c)) lineStart = false;
      if (quote === '"' && c === '\t') {
        // goccy looks along the line: a tab before other text is kept and, unless the closing quote follows at
        // once, counted as two columns while its cursor steps one character ahead; blanks up to the line's end are
        // dropped.
        // The blanks after this tab end where the run of blanks it belongs to ends: found once per run, so a long
        // run of tabs stays linear.
        if (blankRunEnd <= this.index) {
          blankRunEnd = this.index + 1;
          while (blankRunEnd < this.chars.length && (this.char(blankRunEnd) === ' ' || this.char(blankRunEnd) === '\t'))
            blankRunEnd++;
        }
        const rest = blankRunEnd;
        const textFollows = rest < this.chars.length && !this.isNewline(this.char(rest));
        if (!textFollows) {
          this.advance(rest - this.index);
          continue;
        }
        value += c;
        if (this.char(this.index + 1) !== '"') {
          this.column++;
          skipped++;
        }
        this.advance();
        continue;
      }
      if (quote === '"' && c === '\\' && this.index + 1 < this.chars.length) {
        const next = this.char(this.index + 1);
        if (this.isNewline(next)) {
          this.advance();
          const crlf = next === '\r' && this.char(this.index + 1) === '\n';
          this.newlineInScalar();
          // After an escaped CR goccy moves the column on by the characters it stepped over: the next line's
          // characters are counted one (CR) or two (CRLF) columns right.
          if (next === '\r') this.column += crlf ? 2 : 1;
          lines++;
          lineStart = true;
          continue;
        }
        const length = this.escapeLength(next);
        value += c + next;
        this.advance(2);
        if (length > 1) {
          value += this.chars
            .slice(this.index, this.index + length - 1)
            .map((char) => char.text)
            .join('');
          this.advance(length - 1);
        }
        continue;
      }
      if (c === quote) {
        if (quote === "'" && this.char(this.index + 1) === "'") {
          value += "'";
          this.advance(2);
          continue;
        }
        this.advance();
        this.tokens.push({
          kind: quote === '"' ? 'double' : 'single',
          line,
          column,
          offset: this.offsetAt(start),
          end: this.offsetAt(),
          value: quote === '"' ? unescapeDouble(value) : value,
          multiline: lines > 0,
        });
        // The characters goccy's cursor ran ahead are never scanned, not even a line break.
        this.index = Math.min(this.index + skipped, this.chars.length);
        this.originStart = this.index;
        return;
      }
      if (this.isNewline(c)) {
        // goccy's quoted-text scanner counts CR and LF each as a line break: CRLF moves two lines on.
        if (c === '\r' && this.char(this.index + 1) === '\n') this.extraBreaks.push(this.offsetAt() + 1);
        this.index++;
        this.line++;
        this.column = 1;
        lines++;
        value = `${withoutTrailingSpaces(value, { keepEscaped: true })}${lineStart ? '\n' : ' '}`;
        lineStart = true;
        const ahead = this.char() + this.char(this.index + 1) + this.char(this.index + 2);
        if ((ahead === '---' || ahead === '...') && this.isBlank(this.char(this.index + 3)))
          this.invalid('found unexpected document separator', 3);
        continue;
      }
      value += c;
      this.advance();
    }
    this.invalid(
      `could not find end character of ${quote === '"' ? 'double' : 'single'}-quoted text`,
      1,
      line,
      column,
      start,
    );
  }

  /**
   * How many characters after the backslash goccy's double-quote scanner takes as the escape at the cursor (a
   * backslash), or its error where the escape cannot be read. goccy checks the length `\\x`, `\\u` and `\\U` need,
   * not their digits: `\\xZZ` is read as a character.
   */
  private escapeLength(next: string): number {
    const remaining = this.chars.length - this.index;
    switch (next) {
      case 'x':
        return remaining <= 3 ? 1 : 3;
      case 'u': {
        // goccy reports a short \u or a broken surrogate pair at the backslash.
        if (remaining <= 5) this.invalid('not enough length for escaped UTF-16 character');
        const code = goHexValue(this.chars.slice(this.index + 2, this.index + 6).map((char) => char.text));
        if (code < 0xd800 || code > 0xdbff) return 5;
        if (remaining <= 11) this.invalid('not enough length for escaped UTF-16 surrogate pair');
        if (this.char(this.index + 6) !== '\\' || this.char(this.index + 7) !== 'u')
          this.invalid('found unexpected character after high surrogate for UTF-16 surrogate pair');
        const low = goHexValue(this.chars.slice(this.index + 8, this.index + 12).map((char) => char.text));
        if (low < 0xdc00 || low > 0xdfff) this.invalid('found unexpected low surrogate after high surrogate');
        return 11;
      }
      case 'U':
        if (remaining <= 9) this.invalid('not enough length for escaped UTF-32 character');
        return 9;
    }
    if (!DOUBLE_QUOTE_ESCAPES.has(next))
      this.invalid(
        `found unknown escape character ${goQuoteRune(next)}`,
        1,
        this.line,
        this.column + 1,
        this.index + 1,
      );
    return 1;
  }

  /**
   * The file ends with the line break at the cursor, inside a block scalar's body. goccy checks the indentation at
   * that last character when it ends a blank line (the LF of a CRLF is one): an indentation indicator asks for more.
   */
  private checkIndentAtEnd(indicator: number, firstLineColumn: number, bodyStart: number): void {
    if (indicator === 0 || this.index < bodyStart) return;
    let lineStart = this.index;
    while (lineStart > 0 && !this.isNewline(this.char(lineStart - 1))) lineStart--;
    for (let at = lineStart; at < this.index; at++) if (this.char(at) !== ' ' && this.char(at) !== '\t') return;
    const lastColumn = this.index - lineStart + 1;
    if (firstLineColumn > lastColumn)
      this.invalid('invalid number of indent is specified in the multi-line header', 1, this.line, lastColumn);
  }

  /**
   * A block scalar without content ends at a line left of it. goccy cuts its (empty) value there and checks the
   * column of the last token: 1 is `could not find multi-line content`, at the line's first character. With `+` the
   * value is never empty, and its column is where goccy finds the value's line breaks in the source read: at once
   * when only line breaks came (column 1). Otherwise the last token is the header, at column 1 only at a line start.
   */
  private checkEmptyBlock(
    option: string,
    headerColumn: number,
    headerComment: boolean,
    emptyBuffer: string,
    bodyStart: number,
    at: number,
  ): void {
    let value = emptyBuffer;
    const keep = option.startsWith('+') || option.endsWith('+');
    if (option.startsWith('-') || option.endsWith('-')) value = value.replace(/\n+$/, '').replace(/ +$/, '');
    else if (!keep) value = value.replace(/\n+$/, (breaks) => (breaks.length > 0 ? '\n' : ''));
    if (value === '\n') value = '';
    if (keep && value === '') value = '\n';
    const source = this.chars
      .slice(bodyStart, at)
      .map((char) => char.text)
      .join('');
    const lastColumn = value !== '' ? (source.startsWith(emptyBuffer) ? 1 : 0) : headerComment ? 0 : headerColumn;
    // An empty value leaves goccy's buffer stale when line breaks were read into it (see staleBuffer).
    if (value === '' && emptyBuffer !== '') this.staleBuffer = true;
    if (lastColumn === 1) {
      let lineStart = at;
      while (lineStart > 0 && !this.isNewline(this.char(lineStart - 1))) lineStart--;
      this.invalid('could not find multi-line content', 1, this.line + 1, at - lineStart + 1, at);
    }
  }

  /** A line break inside a quoted or block scalar: positions move on, indentation bookkeeping does not happen. */
  private newlineInScalar(): void {
    if (this.char() === '\r' && this.char(this.index + 1) === '\n') this.index++;
    this.index++;
    this.line++;
    this.column = 1;
  }

  private scanBlockScalar(indicator: string): void {
    const start = this.index;
    const line = this.line;
    const column = this.column;
    let header = '';
    for (let at = start + 1; at < this.chars.length && !this.isNewline(this.char(at)); at++) header += this.char(at);
    const comment = header.indexOf('#');
    const option = (comment > 0 ? header.slice(0, comment) : header).replace(/[ \t]+$/, '').replace(/ +$/, '');
    if (option !== '') {
      const digits = option.replace(/^[-+]/, '').replace(/[-+]$/, '');
      if (digits !== '' && (digits === '0' || !/^[0-9]+$/.test(digits) || Number(digits) > 9))
        this.invalid(`invalid header option: ${goQuote(option)}`, 1, line, column, start);
    }
    if (column === 1) this.lastDelimColumn = 1;
    this.push(
      indicator === '|' ? 'literal' : 'folded',
      indicator + option,
      start,
      1 + [...header].length,
      line,
      column,
    );
    this.advance(1 + [...header].length);
    // The body, line by line as goccy's multi-line scanner reads it. A line whose first character (after blanks) lies
    // at or left of the last delimiter's column ends it; the first content line moves that column to just left of
    // itself (an indentation indicator fixes it: the delimiter's column plus the indicator).
    const indentIndicator = blockIndentIndicator(option);
    let firstLineColumn = indentIndicator > 0 ? this.lastDelimColumn + indentIndicator : 0;
    let delim = this.lastDelimColumn;
    /** The length of the last blank line before the first content line: content may not start left of it. */
    let spaceOnlyColumn = 0;
    /** goccy's value buffer while no content line came: line breaks, and the spaces an indicator makes content. */
    let emptyBuffer = '';
    // The header's own line break (its first character) is not the body's.
    const bodyStart = this.index + 1;
    let body: RawToken | undefined;
    // goccy's multi-line scanner takes CR and LF each as a line break: the LF of a CRLF is a blank line of its own, and
    // every later line number moves on by one (also the header's: its scanner steps over the CR only).
    while (this.index < this.chars.length) {
      const lineStart = this.index + 1;
      if (!body && this.index >= bodyStart) emptyBuffer += this.char();
      if (lineStart >= this.chars.length) {
        this.checkIndentAtEnd(indentIndicator, firstLineColumn, bodyStart);
        break;
      }
      let at = lineStart;
      while (this.char(at) === ' ' || this.char(at) === '\t') {
        const lineColumn = at - lineStart + 1;
        // (The file's last character is checked as its end, below.)
        const last = at === this.chars.length - 1;
        if (
          this.char(at) === '\t' &&
          !last &&
          (firstLineColumn === 0 ? lineColumn === 1 : firstLineColumn > lineColumn)
        )
          this.invalid(
            'found a tab character where an indentation space is expected',
            1,
            this.line + 1,
            lineColumn,
            at,
          );
        if (this.char(at) === ' ' && !body && firstLineColumn > 0 && lineColumn >= firstLineColumn) emptyBuffer += ' ';
        at++;
      }
      const first = this.char(at);
      const firstColumn = at - lineStart + 1;
      const blank = first === '' || this.isNewline(first);
      if (!blank && delim > 0 && firstColumn <= delim) {
        if (!body) this.checkEmptyBlock(option, column, comment > 0, emptyBuffer, bodyStart, at);
        break;
      }
      if (this.char() === '\r' && this.char(lineStart) === '\n') this.extraBreaks.push(this.offsetAt(lineStart));
      this.index++;
      this.line++;
      this.column = 1;
      if (blank) {
        // The file ends in this line's blanks: goccy checks the indentation at its last character.
        if (first === '' && indentIndicator !== 0 && firstLineColumn > firstColumn - 1)
          this.invalid(
            'invalid number of indent is specified in the multi-line header',
            1,
            this.line,
            firstColumn - 1,
            at - 1,
          );
        if (firstLineColumn === 0) spaceOnlyColumn = firstColumn - 1;
      } else {
        if (!body && spaceOnlyColumn > firstColumn)
          this.invalid('invalid number of indent is specified after space only', 1, this.line, firstColumn, at);
        if (firstLineColumn === 0) firstLineColumn = firstColumn;
        if (indentIndicator !== 0 && firstLineColumn > firstColumn)
          this.invalid('invalid number of indent is specified in the multi-line header', 1, this.line, firstColumn, at);
        delim = firstLineColumn - 1;
        body ??= {
          kind: 'plain',
          line: this.line,
          column: firstColumn,
          offset: this.offsetAt(at),
          end: this.offsetAt(at),
          value: '',
          multiline: true,
        };
      }
      this.advance(at - this.index);
      while (this.index < this.chars.length && !this.isNewline(this.char())) this.advance();
      if (body) body.end = this.offsetAt();
    }
    // goccy's content lines leave their delimiter column behind for what follows the block.
    if (body) this.lastDelimColumn = delim;
    this.tokens.push(
      body ?? {
        kind: 'plain',
        line: this.line,
        column: this.column,
        offset: this.offsetAt(),
        end: this.offsetAt(),
        value: '',
        multiline: false,
      },
    );
    this.originStart = this.index;
  }
}

/**
 * goccy's indentation indicator of a block scalar header option: the option without one leading `-`, one leading
 * `+`, one trailing `-` and one trailing `+`, as Go's ParseInt reads it (0 when it does not).
 */
function blockIndentIndicator(option: string): number {
  let digits = option;
  if (digits.startsWith('-')) digits = digits.slice(1);
  if (digits.startsWith('+')) digits = digits.slice(1);
  if (digits.endsWith('-')) digits = digits.slice(0, -1);
  if (digits.endsWith('+')) digits = digits.slice(0, -1);
  return /^[-+]?[0-9]+$/.test(digits) ? Number(digits) : 0;
}

/** The one-character escapes goccy's double-quote scanner knows (`\\x`, `\\u`, `\\U` and line breaks aside). */
const DOUBLE_QUOTE_ESCAPES = new Set([
  ...['0', 'a', 'b', 't', 'n', 'v', 'f', 'r', 'e', ' ', '"', '/', '\\', 'N', '_', 'L', 'P', '\t'],
]);

/** goccy's hexRunesToInt: hex digits by position, with no check that they are digits (`Z` counts 'Z' - '0'). */
function goHexValue(digits: string[]): number {
  let sum = 0;
  digits.forEach((digit, at) => {
    const code = digit.codePointAt(0) ?? 0;
    let value = code - 0x30;
    if (digit >= 'A' && digit <= 'F') value = code - 0x41 + 10;
    else if (digit >= 'a' && digit <= 'f') value = code - 0x61 + 10;
    sum += value * 2 ** ((digits.length - at - 1) * 4);
  });
  return sum;
}

function unescapeDouble(value: string): string {
  return value.replace(/\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)/g, (_match, escape: string) => {
    if (escape.length > 1) return String.fromCodePoint(parseInt(escape.slice(1), 16));
    const simple: Record<string, string> = {
      n: '\n',
      t: '\t',
      r: '\r',
      '0': '\0',
      '"': '"',
      '\\': '\\',
      '/': '/',
      ' ': ' ',
    };
    return simple[escape] ?? escape;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Grouping (goccy's createGroupedTokens)

function groupTokens(raws: RawToken[]): Tok[] {
  let tokens: Tok[] = raws.map((raw) => ({ raw }));
  tokens = groupBlockScalars(tokens);
  tokens = groupAnchorsAndAliases(tokens);
  tokens = groupScalarTags(tokens);
  tokens = groupAnchorWithTag(tokens);
  tokens = groupMapKeysByQuestion(tokens);
  tokens = groupMapKeysByColon(tokens);
  tokens = groupMapKeyValues(tokens);
  tokens = groupDirectives(tokens);
  return groupDocuments(tokens);
}

function groupBlockScalars(tokens: Tok[]): Tok[] {
  const out: Tok[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i] as Tok;
    const kind = kindOf(tok);
    if (kind === 'literal' || kind === 'folded') {
      const members = [tok];
      const next = tokens[i + 1];
      if (next) members.push(next);
      out.push({ group: { kind, tokens: members } });
      i++;
    } else out.push(tok);
  }
  return out;
}

function groupAnchorsAndAliases(tokens: Tok[]): Tok[] {
  const out: Tok[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i] as Tok;
    const kind = kindOf(tok);
    if (kind === 'anchor' && !tok.group) {
      if (i + 1 >= tokens.length) fail('undefined anchor name', tok);
      if (i + 2 >= tokens.length) fail('undefined anchor value', tok);
      const name: Tok = { group: { kind: 'anchor-name', tokens: [tok, tokens[i + 1] as Tok] } };
      const value = tokens[i + 2] as Tok;
      if (lineOf(tok) === lineOf(value) && kindOf(value) === 'seq-entry')
        fail('sequence entries are not allowed after anchor on the same line', value);
      if (lineOf(tok) === lineOf(value) && isScalarType(value)) {
        out.push({ group: { kind: 'anchor', tokens: [name, value] } });
        i++;
      } else out.push(name);
      i++;
    } else if (kind === 'alias' && !tok.group) {
      if (i + 1 === tokens.length) fail('undefined alias name', tok);
      out.push({ group: { kind: 'alias', tokens: [tok, tokens[i + 1] as Tok] } });
      i++;
    } else out.push(tok);
  }
  return out;
}

const SCALAR_TAGS = new Set(['!!int', '!!float', '!!str', '!!binary', '!!timestamp', '!!bool', '!!null']);

function groupScalarTags(tokens: Tok[]): Tok[] {
  const out: Tok[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i] as Tok;
    if (kindOf(tok) !== 'tag' || tok.group) {
      out.push(tok);
      continue;
    }
    const tag = rawOf(tok)?.value ?? '';
    const next = tokens[i + 1];
    if (!next || lineOf(tok) !== lineOf(next) || groupOf(next) === 'anchor-name') {
      out.push(tok);
      continue;
    }
    if (tag.startsWith('!!')) {
      if (SCALAR_TAGS.has(tag)) {
        if (isScalarType(next)) {
          out.push({ group: { kind: 'scalar-tag', tokens: [tok, next] } });
          i++;
        } else out.push(tok);
      } else if (tag === '!!merge') {
        if (kindOf(next) !== 'merge-key') fail('could not find merge key', next);
        out.push({ group: { kind: 'scalar-tag', tokens: [tok, next] } });
        i++;
      } else out.push(tok);
    } else {
      out.push({ group: { kind: 'scalar-tag', tokens: [tok, next] } });
      i++;
    }
  }
  return out;
}

function groupAnchorWithTag(tokens: Tok[]): Tok[] {
  const out: Tok[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i] as Tok;
    if (groupOf(tok) === 'anchor-name') {
      const next = tokens[i + 1];
      if (!next) fail('undefined anchor value', tok);
      if (lineOf(tok) === lineOf(next) && groupOf(next) === 'scalar-tag') {
        out.push({ group: { kind: 'anchor', tokens: [tok, next as Tok] } });
        i++;
      } else out.push(tok);
    } else out.push(tok);
  }
  return out;
}

function groupMapKeysByQuestion(tokens: Tok[]): Tok[] {
  const out: Tok[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i] as Tok;
    if (tok.raw?.kind === 'map-key') {
      if (i + 1 >= tokens.length) fail('undefined map key', tok);
      out.push({ group: { kind: 'map-key', tokens: [tok, tokens[i + 1] as Tok] } });
      i++;
    } else out.push(tok);
  }
  return out;
}

function groupMapKeysByColon(tokens: Tok[]): Tok[] {
  const out: Tok[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i] as Tok;
    if (tok.raw?.kind === 'colon') {
      if (i === 0) fail('unexpected key name', tok);
      const key = tokens[i - 1] as Tok;
      const keyKind = kindOf(key);
      if (keyKind && NOT_MAP_KEY.has(keyKind) && !(key.group?.kind === 'map-key'))
        fail('found an invalid key for this map', tok);
      // Turn the previous token (already in `out`) into a map-key group, in place.
      const moved: Tok = { raw: key.raw, group: key.group };
      if (moved.raw) delete moved.group;
      key.raw = undefined;
      key.group = { kind: 'map-key', tokens: [moved, tok] };
    } else out.push(tok);
  }
  return out;
}

function groupMapKeyValues(tokens: Tok[]): Tok[] {
  const out: Tok[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i] as Tok;
    if (groupOf(tok) === 'map-key') {
      const value = tokens[i + 1];
      if (
        !value ||
        lineOf(tok) !== lineOf(value) ||
        groupOf(value) === 'anchor-name' ||
        (kindOf(value) === 'tag' && groupOf(value) !== 'scalar-tag')
      ) {
        out.push(tok);
        continue;
      }
      if (isScalarType(value) || kindOf(value) === 'tag') {
        out.push({ group: { kind: 'map-key-value', tokens: [tok, value] } });
        i++;
      } else out.push(tok);
    } else out.push(tok);
  }
  return out;
}

function groupDirectives(tokens: Tok[]): Tok[] {
  const out: Tok[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i] as Tok;
    if (tok.raw?.kind !== 'directive') {
      out.push(tok);
      continue;
    }
    if (i + 1 >= tokens.length) fail('undefined directive value', tok);
    const name: Tok = { group: { kind: 'directive-name', tokens: [tok, tokens[i + 1] as Tok] } };
    i++;
    const values: Tok[] = [];
    for (let j = i + 1; j < tokens.length && lineOf(tokens[j]) === lineOf(tok); j++) {
      values.push(tokens[j] as Tok);
      i++;
    }
    if (i + 1 >= tokens.length || kindOf(tokens[i + 1]) !== 'doc-start')
      fail('unexpected directive value. document not started', tok);
    out.push(values.length > 0 ? { group: { kind: 'directive', tokens: [name, ...values] } } : name);
  }
  return out;
}

function groupDocuments(tokens: Tok[]): Tok[] {
  const out: Tok[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i] as Tok;
    const kind = tok.raw?.kind;
    if (kind === 'doc-start') {
      if (i !== 0) out.push({ group: { kind: 'document', tokens: tokens.slice(0, i) } });
      const next = tokens[i + 1];
      if (!next || next.raw?.kind === 'doc-start') return [...out, { group: { kind: 'document', tokens: [tok] } }];
      if (lineOf(tok) === lineOf(next)) {
        const nextGroup = groupOf(next);
        if (nextGroup === 'map-key' || nextGroup === 'map-key-value' || kindOf(next) === 'seq-entry')
          fail('value cannot be placed after document separator', next);
      }
      const rest = groupDocuments(tokens.slice(i + 1));
      const first = rest[0];
      if (first?.group) {
        first.group.kind = 'document';
        first.group.tokens = [tok, ...first.group.tokens];
        return [...out, ...rest];
      }
      return [...out, { group: { kind: 'document', tokens: [tok] } }];
    }
    if (kind === 'doc-end') {
      if (i !== 0) out.push({ group: { kind: 'document', tokens: tokens.slice(0, i + 1) } });
      if (i + 1 === tokens.length) return out;
      if (isScalarType(tokens[i + 1] as Tok)) fail('unexpected end content', tokens[i + 1]);
      return [...out, ...groupDocuments(tokens.slice(i + 1))];
    }
  }
  return [...out, { group: { kind: 'document', tokens } }];
}

// ---------------------------------------------------------------------------------------------------------------
// Parser (goccy's parse functions, reduced to the checks that can fail)

type NodeKind = 'anchor' | 'tag' | 'alias' | 'scalar' | 'string' | 'literal' | 'map' | 'seq' | 'null';
interface Node {
  kind: NodeKind;
  token: RawToken | undefined;
  value?: Node;
}

/**
 * goccy's path of a mapping key (its duplicate-key register): a key holding `$`, `*`, `.`, `[` or `]` is quoted, so
 * the key `deploy.release` is `$[0].'deploy.release'` and no duplicate of `deploy:` + `release:` (`$[0].deploy.release`).
 */
function childPath(parent: string, key: string): string {
  return /[$*.[\]]/.test(key) ? `${parent}.'${key}'` : `${parent}.${key}`;
}

class Context {
  index = 0;
  constructor(
    readonly tokens: Tok[],
    readonly path: string,
    readonly isFlow: boolean,
  ) {}

  withGroup(group: Group): Context {
    return new Context(group.tokens, this.path, this.isFlow);
  }
  withFlow(flow: boolean): Context {
    const ctx = new Context(this.tokens, this.path, flow);
    ctx.index = this.index;
    return ctx;
  }
  withChild(key: string): Context {
    const ctx = new Context(this.tokens, childPath(this.path, key), this.isFlow);
    ctx.index = this.index;
    return ctx;
  }
  withIndex(index: number): Context {
    const ctx = new Context(this.tokens, `${this.path}[${index}]`, this.isFlow);
    ctx.index = this.index;
    return ctx;
  }
  current(): Tok | undefined {
    return this.tokens[this.index];
  }
  next(): Tok | undefined {
    return this.tokens[this.index + 1];
  }
  hasNext(): boolean {
    return this.index < this.tokens.length;
  }
  goNext(): void {
    this.index++;
  }
  notFound(): boolean {
    return this.index >= this.tokens.length;
  }
}

/**
 * goccy's contexts share one cursor (a pointer); ours copy it, so a child context hands its position back with `sync`.
 */
function sync(parent: Context, child: Context): void {
  parent.index = child.index;
}

class GoccyParser {
  private pathMap = new Map<string, RawToken>();

  /** The root node of the file's only document, when the file is one document and holds one. */
  firstRoot: Node | undefined;

  parseDocuments(documents: Tok[]): void {
    for (const [index, document] of documents.entries()) {
      const group = document.group;
      if (!group || group.tokens.length === 0) continue;
      this.pathMap = new Map();
      let tokens = group.tokens;
      if (tokens[0]?.raw?.kind === 'doc-start') tokens = tokens.slice(1);
      if (tokens[tokens.length - 1]?.raw?.kind === 'doc-end') tokens = tokens.slice(0, -1);
      if (tokens.length === 0) continue;
      const ctx = new Context(tokens, '$', false);
      const root = this.parseToken(ctx, ctx.current());
      // Only for a file of one document: a directive or `---` makes document groups goccy decodes otherwise.
      if (index === 0 && documents.length === 1) this.firstRoot = root;
      if (ctx.hasNext()) fail('value is not allowed in this context', ctx.current());
    }
  }

  parseToken(ctx: Context, tok: Tok | undefined): Node {
    if (!tok) return { kind: 'null', token: undefined };
    switch (groupOf(tok)) {
      case 'map-key':
      case 'map-key-value':
        return this.parseMap(ctx);
      case 'directive':
      case 'directive-name':
        ctx.goNext();
        return { kind: 'scalar', token: rawOf(tok) };
      case 'anchor': {
        const node = this.parseAnchor(ctx.withGroup(tok.group as Group), tok.group as Group);
        ctx.goNext();
        return node;
      }
      case 'anchor-name': {
        const anchor = this.parseAnchorName(ctx.withGroup(tok.group as Group));
        ctx.goNext();
        if (ctx.notFound()) fail('could not find anchor value', tok);
        const value = this.parseToken(ctx, ctx.current());
        if (value.kind === 'anchor') fail('anchors cannot be used consecutively', value.token);
        anchor.value = value;
        return anchor;
      }
      case 'alias': {
        const node = this.parseAlias(ctx.withGroup(tok.group as Group));
        ctx.goNext();
        return node;
      }
      case 'literal':
      case 'folded': {
        const node = this.parseLiteral(ctx.withGroup(tok.group as Group));
        ctx.goNext();
        return node;
      }
      case 'scalar-tag': {
        const node = this.parseTag(ctx.withGroup(tok.group as Group));
        ctx.goNext();
        return node;
      }
    }
    switch (kindOf(tok)) {
      case 'tag':
        return this.parseTag(ctx);
      case 'flow-map-start': {
        const child = ctx.withFlow(true);
        const node = this.parseFlowMap(child);
        sync(ctx, child);
        return node;
      }
      case 'flow-seq-start': {
        const child = ctx.withFlow(true);
        const node = this.parseFlowSequence(child);
        sync(ctx, child);
        return node;
      }
      case 'seq-entry':
        return this.parseSequence(ctx);
      case 'flow-seq-end':
        fail("could not find '[' character corresponding to ']'", tok);
        break;
      case 'flow-map-end':
        fail("could not find '{' character corresponding to '}'", tok);
        break;
      case 'colon':
        fail('found an invalid key for this map', tok);
    }
    const node = this.parseScalarValue(ctx, tok);
    ctx.goNext();
    return node;
  }

  parseScalarValue(ctx: Context, tok: Tok): Node {
    if (tok.group) {
      switch (tok.group.kind) {
        case 'anchor':
          return this.parseAnchor(ctx.withGroup(tok.group), tok.group);
        case 'anchor-name': {
          const anchor = this.parseAnchorName(ctx.withGroup(tok.group));
          ctx.goNext();
          if (ctx.notFound()) fail('could not find anchor value', tok);
          const value = this.parseToken(ctx, ctx.current());
          if (value.kind === 'anchor') fail('anchors cannot be used consecutively', value.token);
          anchor.value = value;
          return anchor;
        }
        case 'alias':
          return this.parseAlias(ctx.withGroup(tok.group));
        case 'literal':
        case 'folded':
          return this.parseLiteral(ctx.withGroup(tok.group));
        case 'scalar-tag':
          return this.parseTag(ctx.withGroup(tok.group));
        default:
          fail('unexpected scalar value', tok);
      }
    }
    const kind = kindOf(tok);
    if (kind === 'merge-key' || kind === 'plain' || kind === 'double' || kind === 'single')
      return { kind: kind === 'plain' || kind === 'merge-key' ? 'scalar' : 'string', token: rawOf(tok) };
    if (kind === 'tag') return this.parseScalarTag(ctx);
    return fail('unexpected scalar value type', tok);
  }

  parseFlowMap(ctx: Context): Node {
    const start = rawOf(ctx.current());
    ctx.goNext();
    let isFirst = true;
    let ended = false;
    while (ctx.hasNext()) {
      const tok = ctx.current() as Tok;
      if (kindOf(tok) === 'flow-map-end' && !tok.group) {
        ended = true;
        break;
      }
      if (kindOf(tok) === 'comma' && !tok.group) ctx.goNext();
      else if (!isFirst) fail("',' or '}' must be specified", tok);
      const keyTok = ctx.current();
      if (keyTok && kindOf(keyTok) === 'flow-map-end' && !keyTok.group) {
        ended = true;
        break;
      }
      if (!keyTok) break;
      switch (groupOf(keyTok)) {
        case 'map-key-value': {
          this.parseMapKeyValue(ctx.withGroup(keyTok.group as Group), keyTok.group as Group, ctx);
          ctx.goNext();
          break;
        }
        case 'map-key': {
          const key = this.parseMapKey(ctx.withGroup(keyTok.group as Group), keyTok.group as Group, ctx);
          const child = ctx.withChild(key);
          const colon = keyTok.group?.tokens[keyTok.group.tokens.length - 1];
          if (this.isFlowMapDelim(child.next())) {
            child.goNext();
          } else {
            child.goNext();
            if (child.notFound()) fail('could not find map value', colon);
            this.parseToken(child, child.current());
          }
          sync(ctx, child);
          break;
        }
        default:
          if (!this.isFlowMapDelim(ctx.next())) fail('could not find flow map content', keyTok);
          this.parseScalarValue(ctx, keyTok);
          ctx.goNext();
      }
      isFirst = false;
    }
    if (!ended) fail("could not find flow mapping end token '}'", start);
    ctx.goNext();
    return { kind: 'map', token: start };
  }

  isFlowMapDelim(tok: Tok | undefined): boolean {
    const kind = tok && !tok.group ? tok.raw?.kind : undefined;
    return kind === 'flow-map-end' || kind === 'comma';
  }

  isMapToken(tok: Tok | undefined): boolean {
    if (!tok) return false;
    if (!tok.group) return tok.raw?.kind === 'flow-map-start' || tok.raw?.kind === 'flow-map-end';
    return tok.group.kind === 'map-key' || tok.group.kind === 'map-key-value';
  }

  parseMap(ctx: Context): Node {
    const keyTok = ctx.current() as Tok;
    this.parseMapEntry(ctx, keyTok);
    // goccy parses the next key at this column by recursing, and each level ends at a `}`. Iterating keeps the stack
    // flat for a mapping of any size; `levels` counts the levels goccy's recursion would have open.
    let levels = 1;
    let tok = ctx.current();
    while (tok && columnOf(tok) === columnOf(keyTok)) {
      const kind = tok.group ? undefined : tok.raw?.kind;
      if (ctx.isFlow && kind === 'flow-seq-end') break;
      if (!this.isMapToken(tok)) fail('non-map value is specified', tok);
      if (kind === 'flow-map-end') {
        ctx.goNext();
        levels--;
        if (levels === 0) break;
      } else {
        this.parseMapEntry(ctx, tok);
        levels++;
      }
      tok = ctx.current();
    }
    return { kind: 'map', token: rawOf(keyTok) };
  }

  /** One `key: value` of a block mapping, from its key token. */
  private parseMapEntry(ctx: Context, keyTok: Tok): void {
    if (!keyTok.group) fail('unexpected map key', keyTok);
    if (groupOf(keyTok) === 'map-key-value') {
      this.parseMapKeyValue(ctx.withGroup(keyTok.group as Group), keyTok.group as Group, ctx);
      ctx.goNext();
      this.validateMapKeyValueNextToken(ctx, keyTok, ctx.current());
    } else {
      const key = this.parseMapKey(ctx.withGroup(keyTok.group as Group), keyTok.group as Group, ctx);
      ctx.goNext();
      const valueTok = ctx.current();
      if (valueTok && lineOf(keyTok) === lineOf(valueTok) && kindOf(valueTok) === 'seq-entry' && !valueTok.group)
        fail('block sequence entries are not allowed in this context', valueTok);
      const child = ctx.withChild(key);
      this.parseMapValue(child, keyTok, keyTok.group?.tokens[keyTok.group.tokens.length - 1]);
      sync(ctx, child);
    }
  }

  validateMapKeyValueNextToken(ctx: Context, keyTok: Tok, tok: Tok | undefined): void {
    if (!tok) return;
    if (columnOf(tok) <= columnOf(keyTok)) return;
    const kind = tok.group ? undefined : tok.raw?.kind;
    if (ctx.isFlow && (kind === 'comma' || kind === 'flow-seq-end')) return;
    fail('value is not allowed in this context. map key-value is pre-defined', tok);
  }

  parseMapKeyValue(ctx: Context, group: Group, parent: Context): void {
    const keyGroupTok = group.tokens[0] as Tok;
    if (!keyGroupTok.group) fail('unexpected map key', keyGroupTok);
    const key = this.parseMapKey(ctx.withGroup(keyGroupTok.group as Group), keyGroupTok.group as Group, parent);
    const child = new Context(group.tokens, childPath(parent.path, key), parent.isFlow);
    child.index = group.tokens.length - 1;
    this.parseToken(child, group.tokens[group.tokens.length - 1]);
  }

  /** Returns the key's text (for paths). */
  parseMapKey(ctx: Context, group: Group, parent: Context): string {
    if (group.kind !== 'map-key') fail('unexpected map key', group.tokens[0]);
    const first = group.tokens[0] as Tok;
    const colon = group.tokens[group.tokens.length - 1];
    if (kindOf(first) === 'map-key') {
      if (first.group) ctx = ctx.withGroup(first.group);
      ctx.goNext();
      if (ctx.notFound()) fail('could not find value for mapping key', first);
      const scalar = this.parseScalarValue(ctx, ctx.current() as Tok);
      const text = keyText(scalar);
      // goccy checks the `?` token here, not the key's text: an explicit key may hold a line break.
      this.validateMapKey(parent, scalar.token, childPath(parent.path, text), colon, true);
      return text;
    }
    if (kindOf(colon) !== 'colon') fail("expected map key-value delimiter ':'", colon);
    const scalar = this.parseScalarValue(ctx, first);
    const text = keyText(scalar);
    this.validateMapKey(parent, scalar.token, childPath(parent.path, text), colon);
    return text;
  }

  validateMapKey(
    ctx: Context,
    token: RawToken | undefined,
    keyPath: string,
    colon: Tok | undefined,
    explicit = false,
  ): void {
    if (!token) return;
    const earlier = this.pathMap.get(keyPath);
    if (earlier)
      fail(`mapping key ${goQuote(token.value)} already defined at [${earlier.line}:${earlier.column}]`, token);
    this.pathMap.set(keyPath, token);
    if (ctx.isFlow) {
      if (token.kind === 'plain' && token.line + (token.multiline ? 1 : 0) !== lineOf(colon) && token.multiline)
        fail('map key definition includes an implicit line break', token);
      return;
    }
    if (explicit || (token.kind !== 'plain' && token.kind !== 'single' && token.kind !== 'double')) return;
    // goccy refuses a key whose source text holds a line break: one running over two lines, or a plain key ended
    // only on the next line (its `:` opens that line, at or left of the last delimiter).
    if (token.multiline || token.endsAfterBreak) fail('unexpected key name', token);
  }

  parseMapValue(ctx: Context, keyTok: Tok, colon: Tok | undefined): Node {
    const tok = ctx.current();
    if (!tok) return { kind: 'null', token: rawOf(colon) };
    const keyColumn = columnOf(keyTok);
    const keyLine = lineOf(keyTok);
    const group = groupOf(tok);
    if (columnOf(tok) !== keyColumn && lineOf(tok) === keyLine && (group === 'map-key' || group === 'map-key-value'))
      fail('mapping value is not allowed in this context', tok);
    if (columnOf(tok) === keyColumn && this.isMapToken(tok)) return { kind: 'null', token: undefined };
    if (
      lineOf(tok) === keyLine &&
      group === 'anchor-name' &&
      columnOf(ctx.next()) === keyColumn &&
      this.isMapToken(ctx.next())
    ) {
      this.parseAnchorName(ctx.withGroup(tok.group as Group));
      ctx.goNext();
      return { kind: 'anchor', token: rawOf(tok) };
    }
    if (columnOf(tok) <= keyColumn && group === 'anchor-name') fail('anchor is not allowed in this context', tok);
    if (columnOf(tok) <= keyColumn && kindOf(tok) === 'tag') fail('tag is not allowed in this context', tok);
    if (columnOf(tok) < keyColumn) return { kind: 'null', token: undefined };
    if (lineOf(tok) === keyLine && group === 'anchor-name' && columnOf(ctx.next()) < keyColumn) {
      this.parseAnchorName(ctx.withGroup(tok.group as Group));
      ctx.goNext();
      return { kind: 'anchor', token: rawOf(tok) };
    }
    const value = this.parseToken(ctx, ctx.current());
    this.validateAnchorValueInMapOrSeq(value, keyColumn);
    return value;
  }

  validateAnchorValueInMapOrSeq(value: Node, column: number): void {
    if (value.kind !== 'anchor' || value.value?.kind !== 'tag') return;
    const anchor = value.token;
    const tag = value.value.token;
    if (!anchor || !tag || anchor.line === tag.line) return;
    if (tag.column <= column) fail('tag is not allowed in this context', tag);
  }

  parseAnchor(ctx: Context, group: Group): Node {
    const anchor = this.parseAnchorName(ctx.withGroup((group.tokens[0] as Tok).group as Group));
    ctx.goNext();
    if (ctx.notFound()) fail('could not find anchor value', anchor.token);
    const value = this.parseToken(ctx, ctx.current());
    if (value.kind === 'anchor') fail('anchors cannot be used consecutively', value.token);
    anchor.value = value;
    return anchor;
  }

  parseAnchorName(ctx: Context): Node {
    const token = rawOf(ctx.current());
    ctx.goNext();
    if (ctx.notFound()) fail('could not find anchor value', token);
    this.parseScalarValue(ctx, ctx.current() as Tok);
    return { kind: 'anchor', token };
  }

  parseAlias(ctx: Context): Node {
    const token = rawOf(ctx.current());
    ctx.goNext();
    if (ctx.notFound()) fail('could not find alias value', token);
    this.parseScalarValue(ctx, ctx.current() as Tok);
    return { kind: 'alias', token };
  }

  parseLiteral(ctx: Context): Node {
    const token = rawOf(ctx.current());
    ctx.goNext();
    const tok = ctx.current();
    if (!tok) return { kind: 'literal', token };
    const value = this.parseToken(ctx, tok);
    if (value.kind !== 'scalar' && value.kind !== 'string')
      fail('unexpected token. required string token', value.token);
    return { kind: 'literal', token };
  }

  parseScalarTag(ctx: Context): Node {
    const tag = this.parseTag(ctx);
    if (!tag.value || tag.value.kind === 'map' || tag.value.kind === 'seq' || tag.value.kind === 'null')
      fail('specified not scalar tag', tag.token);
    return tag;
  }

  parseTag(ctx: Context): Node {
    const tagTok = ctx.current() as Tok;
    const token = rawOf(tagTok);
    ctx.goNext();
    const value = this.parseTagValue(ctx, token, ctx.current());
    return { kind: 'tag', token, value };
  }

  parseTagValue(ctx: Context, tagToken: RawToken | undefined, tok: Tok | undefined): Node {
    if (!tok) return { kind: 'null', token: undefined };
    const tag = tagToken?.value ?? '';
    if (tag === '!!map' || tag === '!!set') {
      if (!this.isMapToken(tok)) fail('could not find map', tok);
      if (kindOf(tok) === 'flow-map-start' && !tok.group) {
        const child = ctx.withFlow(true);
        const node = this.parseFlowMap(child);
        sync(ctx, child);
        return node;
      }
      return this.parseMap(ctx);
    }
    if (SCALAR_TAGS.has(tag)) {
      const group = groupOf(tok);
      if (group === 'literal' || group === 'folded') return this.parseLiteral(ctx.withGroup(tok.group as Group));
      const kind = tok.group ? undefined : tok.raw?.kind;
      if (kind === 'comma' || kind === 'colon') return { kind: 'scalar', token: tagToken };
      const scalar = this.parseScalarValue(ctx, tok);
      ctx.goNext();
      return scalar;
    }
    if (tag === '!!seq' || tag === '!!omap') {
      if (kindOf(tok) === 'flow-seq-start' && !tok.group) {
        const child = ctx.withFlow(true);
        const node = this.parseFlowSequence(child);
        sync(ctx, child);
        return node;
      }
      return this.parseSequence(ctx);
    }
    return this.parseToken(ctx, tok);
  }

  parseFlowSequence(ctx: Context): Node {
    const start = rawOf(ctx.current());
    ctx.goNext();
    let isFirst = true;
    let ended = false;
    let count = 0;
    while (ctx.hasNext()) {
      const tok = ctx.current() as Tok;
      if (kindOf(tok) === 'flow-seq-end' && !tok.group) {
        ended = true;
        break;
      }
      if (kindOf(tok) === 'comma' && !tok.group) {
        if (isFirst) fail("expected sequence element, but found ','", tok);
        ctx.goNext();
      } else if (!isFirst) fail("',' or ']' must be specified", tok);
      const current = ctx.current();
      if (current && kindOf(current) === 'flow-seq-end' && !current.group) {
        ended = true;
        break;
      }
      if (ctx.notFound()) break;
      const child = ctx.withIndex(count++);
      this.parseToken(child, child.current());
      sync(ctx, child);
      isFirst = false;
    }
    if (!ended) fail("sequence end token ']' not found", start);
    ctx.goNext();
    return { kind: 'seq', token: start };
  }

  parseSequence(ctx: Context): Node {
    const seqTok = ctx.current() as Tok;
    let tok: Tok | undefined = seqTok;
    let count = 0;
    while (tok && kindOf(tok) === 'seq-entry' && !tok.group && columnOf(tok) === columnOf(seqTok)) {
      const entry = tok;
      ctx.goNext();
      const child = ctx.withIndex(count++);
      this.parseSequenceValue(child, entry);
      sync(ctx, child);
      tok = ctx.current();
    }
    return { kind: 'seq', token: rawOf(seqTok) };
  }

  parseSequenceValue(ctx: Context, seqTok: Tok): Node {
    const tok = ctx.current();
    if (!tok) return { kind: 'null', token: undefined };
    const seqColumn = columnOf(seqTok);
    const seqLine = lineOf(seqTok);
    const group = groupOf(tok);
    if (columnOf(tok) === seqColumn && kindOf(tok) === 'seq-entry' && !tok.group)
      return { kind: 'null', token: undefined };
    if (
      lineOf(tok) === seqLine &&
      group === 'anchor-name' &&
      columnOf(ctx.next()) === seqColumn &&
      kindOf(ctx.next()) === 'seq-entry'
    ) {
      this.parseAnchorName(ctx.withGroup(tok.group as Group));
      ctx.goNext();
      return { kind: 'anchor', token: rawOf(tok) };
    }
    if (columnOf(tok) <= seqColumn && group === 'anchor-name')
      fail('anchor is not allowed in this sequence context', tok);
    if (columnOf(tok) <= seqColumn && kindOf(tok) === 'tag') fail('tag is not allowed in this sequence context', tok);
    if (columnOf(tok) < seqColumn) return { kind: 'null', token: undefined };
    if (lineOf(tok) === seqLine && group === 'anchor-name' && columnOf(ctx.next()) < seqColumn) {
      this.parseAnchorName(ctx.withGroup(tok.group as Group));
      ctx.goNext();
      return { kind: 'anchor', token: rawOf(tok) };
    }
    const value = this.parseToken(ctx, ctx.current());
    this.validateAnchorValueInMapOrSeq(value, seqColumn);
    return value;
  }
}

function keyText(node: Node): string {
  if (node.kind === 'alias') return '';
  if ((node.kind === 'tag' || node.kind === 'anchor') && node.value) return keyText(node.value);
  return node.token?.value ?? '';
}

/** Go's %q of one character (a rune): single quotes, non-printable characters escaped as Go escapes them. */
function goQuoteRune(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  const named: Record<string, string> = {
    "'": "\\'",
    '\\': '\\\\',
    '\x07': '\\a',
    '\b': '\\b',
    '\f': '\\f',
    '\n': '\\n',
    '\r': '\\r',
    '\t': '\\t',
    '\v': '\\v',
  };
  if (named[char]) return `'${named[char]}'`;
  // Go's strconv.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.
  if (/^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(char)) return `'${char}'`;
  if (code < 0x80) return `'\\x${code.toString(16).padStart(2, '0')}'`;
  if (code < 0x10000) return `'\\u${code.toString(16).padStart(4, '0')}'`;
  return `'\\U${code.toString(16).padStart(8, '0')}'`;
}

/** Go's %q for the common case (printable text); other characters as Go escapes them. */
function goQuote(value: string): string {
  let out = '"';
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    if (char === '"' || char === '\\') out += `\\${char}`;
    else if (char === '\n') out += '\\n';
    else if (char === '\t') out += '\\t';
    else if (char === '\r') out += '\\r';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code === 0xfffd) out += '\ufffd';
    else out += char;
  }
  return `${out}"`;
}

/** goccy's first syntax error for `text`, or undefined when goccy parses it. */
export function goccySyntaxError(text: string): GoccySyntaxError | undefined {
  return goccyRead(text).error;
}

export interface GoccyReading {
  /** goccy's first syntax error, or undefined when goccy parses the text. */
  error: GoccySyntaxError | undefined;
  /**
   * Offsets (ascending) of line breaks goccy counts twice: the LF of a CRLF inside quoted text or ending a comment.
   * goccy's line number at an offset is the text's own line number plus the count of these before it.
   */
  extraBreaks: readonly number[];
  /** Plain scalars (by start offset) whose goccy column lies right of their first character, and by how much. */
  columnShifts: ReadonlyMap<number, number>;
  /** Offsets (ascending) of characters goccy skips without counting a column (see `columnsSkippedBefore`). */
  skippedColumns: readonly number[];
  /** When goccy parses the text and its first document is a bare scalar (plain or quoted text): that token. */
  rootScalar?: RawToken;
  /** Quoted scalars that run over several lines, in source order, with the text goccy folds them to. */
  multilineQuotes: readonly ScalarToken[];
  /** Plain scalars on one line, in source order, with goccy's text. */
  plainScalars: readonly ScalarToken[];
}

export interface ScalarToken {
  /** UTF-16 offsets of the scalar's first character (a quote's opening quote) and just after its last. */
  offset: number;
  end: number;
  value: string;
}

/** goccy's reading of `text`: its syntax verdict and how its line numbers differ from the text's. */
export function goccyRead(text: string): GoccyReading {
  const scanner = new Scanner(text);
  try {
    scanner.scan();
    const documents = groupTokens(scanner.tokens);
    const parser = new GoccyParser();
    parser.parseDocuments(documents);
    const root = parser.firstRoot;
    const rootScalar =
      (root?.kind === 'scalar' || root?.kind === 'string') && root.token && root.token.kind !== 'merge-key'
        ? root.token
        : undefined;
    const scalar = ({ offset, end, value }: RawToken): ScalarToken => ({ offset, end, value });
    const multilineQuotes = scanner.tokens
      .filter((token) => (token.kind === 'double' || token.kind === 'single') && token.multiline)
      .map(scalar);
    const plainScalars = scanner.tokens.filter((token) => token.kind === 'plain' && !token.multiline).map(scalar);
    return {
      ...(rootScalar ? { rootScalar } : {}),
      error: undefined,
      extraBreaks: scanner.extraBreaks,
      columnShifts: scanner.columnShifts,
      skippedColumns: scanner.skippedColumns,
      multilineQuotes,
      plainScalars,
    };
  } catch (error) {
    if (!(error instanceof SyntaxFailure)) throw error;
    const token = error.token;
    return {
      extraBreaks: scanner.extraBreaks,
      columnShifts: scanner.columnShifts,
      skippedColumns: scanner.skippedColumns,
      multilineQuotes: [],
      plainScalars: [],
      error: {
        message: error.reason,
        line: token?.line ?? 0,
        column: token?.column ?? 0,
        offset: token?.offset ?? 0,
        length: Math.max(1, (token?.end ?? 0) - (token?.offset ?? 0)),
      },
    };
  }
}

/** How many of `extraBreaks` (ascending) lie before `offset`. */
export function extraLinesBefore(extraBreaks: readonly number[], offset: number): number {
  let low = 0;
  let high = extraBreaks.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((extraBreaks[middle] ?? 0) < offset) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** How many of `skippedColumns` (ascending) lie in `[lineStart, offset)`: goccy's column there is that much left. */
export function columnsSkippedBefore(skippedColumns: readonly number[], lineStart: number, offset: number): number {
  return extraLinesBefore(skippedColumns, offset) - extraLinesBefore(skippedColumns, lineStart);
}
