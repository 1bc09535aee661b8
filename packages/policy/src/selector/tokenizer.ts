// Splits a selector into tokens following Calico's tokenizer (calico-semantics §1.1). Quirks kept on
// purpose: only space and TAB are whitespace, operator words are recognised only right after a
// label, `has(`/`all(`/`global(` must touch their parenthesis, strings have no escapes.

import { SelectorSyntaxError } from './syntax-error.js';

export const MAX_LABEL_LENGTH = 512;

export type OperatorWord = 'contains' | 'startsWith' | 'endsWith' | 'notIn' | 'in';

export type Token =
  | {
      type: '(' | ')' | '{' | '}' | ',' | '==' | '!=' | '!' | '&&' | '||' | 'all' | 'global' | 'eof';
      pos: number;
    }
  | { type: 'string' | 'label' | 'has'; pos: number; text: string }
  | { type: 'op'; pos: number; op: OperatorWord };

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

export function isLabelChar(c: number): boolean {
  return (
    (c >= 0x61 && c <= 0x7a) || // a-z
    (c >= 0x41 && c <= 0x5a) || // A-Z
    (c >= 0x30 && c <= 0x39) || // 0-9
    c === 0x5f || // _
    c === 0x2e || // .
    c === 0x2f || // /
    c === 0x2d // -
  );
}

const OPERATOR_WORDS: ReadonlyArray<[OperatorWord, string, string?]> = [
  ['contains', 'contains'],
  ['startsWith', 'starts', 'with'],
  ['endsWith', 'ends', 'with'],
  ['notIn', 'not', 'in'],
  ['in', 'in'],
];

class Scanner {
  pos = 0;
  constructor(readonly input: string) {}

  fail(message: string, at = this.pos): never {
    throw new SelectorSyntaxError(message, this.input, at);
  }

  skipSpace(): void {
    while (this.pos < this.input.length && isSpace(this.input.charCodeAt(this.pos))) this.pos++;
  }

  startsWith(word: string): boolean {
    return this.input.startsWith(word, this.pos);
  }

  atWordBoundary(at: number): boolean {
    return at >= this.input.length || !isLabelChar(this.input.charCodeAt(at));
  }

  readLabel(): string {
    const start = this.pos;
    while (this.pos < this.input.length && isLabelChar(this.input.charCodeAt(this.pos))) this.pos++;
    if (this.pos === start) this.fail('expected a label');
    if (this.pos - start > MAX_LABEL_LENGTH) {
      this.fail(`label is longer than ${MAX_LABEL_LENGTH} characters`, start);
    }
    return this.input.slice(start, this.pos);
  }

  expectCloseParen(what: string): void {
    this.skipSpace();
    if (this.input.charCodeAt(this.pos) !== 0x29) this.fail(`expected ')' to close ${what}`);
    this.pos++;
  }

  /** `word1` ws* `word2` followed by a word boundary; returns the end offset or -1. */
  matchWords(first: string, second?: string): number {
    if (!this.startsWith(first)) return -1;
    let at = this.pos + first.length;
    if (second !== undefined) {
      while (at < this.input.length && isSpace(this.input.charCodeAt(at))) at++;
      if (!this.input.startsWith(second, at)) return -1;
      at += second.length;
    }
    return this.atWordBoundary(at) ? at : -1;
  }

  operatorWord(): OperatorWord | undefined {
    for (const [op, first, second] of OPERATOR_WORDS) {
      const end = this.matchWords(first, second);
      if (end >= 0) {
        this.pos = end;
        return op;
      }
    }
    return undefined;
  }
}

const SINGLE_CHAR: Readonly<Record<string, '(' | ')' | '{' | '}' | ','>> = {
  '(': '(',
  ')': ')',
  '{': '{',
  '}': '}',
  ',': ',',
};

const DOUBLE_CHAR: Readonly<Record<string, '==' | '&&' | '||'>> = { '=': '==', '&': '&&', '|': '||' };

export function tokenize(input: string): Token[] {
  const s = new Scanner(input);
  const tokens: Token[] = [];
  for (;;) {
    s.skipSpace();
    const pos = s.pos;
    if (pos >= input.length) {
      tokens.push({ type: 'eof', pos });
      return tokens;
    }
    const ch = input[pos]!;
    const single = Object.hasOwn(SINGLE_CHAR, ch) ? SINGLE_CHAR[ch] : undefined;
    const double = Object.hasOwn(DOUBLE_CHAR, ch) ? DOUBLE_CHAR[ch] : undefined;
    if (single !== undefined) {
      s.pos++;
      tokens.push({ type: single, pos });
    } else if (double !== undefined) {
      if (input[pos + 1] !== ch) s.fail(`expected '${double}'`);
      s.pos += 2;
      tokens.push({ type: double, pos });
    } else if (ch === '!') {
      const neq = input[pos + 1] === '=';
      s.pos += neq ? 2 : 1;
      tokens.push({ type: neq ? '!=' : '!', pos });
    } else if (ch === '"' || ch === "'") {
      const end = input.indexOf(ch, pos + 1);
      if (end < 0) s.fail('unterminated string');
      s.pos = end + 1;
      tokens.push({ type: 'string', pos, text: input.slice(pos + 1, end) });
    } else if (s.startsWith('has(')) {
      s.pos += 4;
      s.skipSpace();
      const label = s.readLabel();
      s.expectCloseParen('has(');
      tokens.push({ type: 'has', pos, text: label });
    } else if (s.startsWith('all(') || s.startsWith('global(')) {
      const type = ch === 'a' ? 'all' : 'global';
      s.pos += type.length + 1;
      s.expectCloseParen(`${type}(`);
      tokens.push({ type, pos });
    } else if (isLabelChar(input.charCodeAt(pos))) {
      tokens.push({ type: 'label', pos, text: s.readLabel() });
      s.skipSpace();
      const opPos = s.pos;
      const op = s.operatorWord();
      if (op !== undefined) tokens.push({ type: 'op', pos: opPos, op });
    } else {
      s.fail(`unexpected character ${JSON.stringify(ch)}`);
    }
  }
}
