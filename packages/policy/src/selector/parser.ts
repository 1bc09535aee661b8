// Recursive-descent parser for the selector grammar of calico-semantics §1.2. It only ever throws
// SelectorSyntaxError: nesting is bounded so hostile input cannot exhaust the stack.

import { junction, sortedUnique, type SelectorNode } from './ast.js';
import { SelectorSyntaxError } from './syntax-error.js';
import { tokenize, type Token } from './tokenizer.js';

const MAX_NESTING = 256;

const COMPARISONS = {
  '==': 'eq',
  '!=': 'neq',
  contains: 'contains',
  startsWith: 'startsWith',
  endsWith: 'endsWith',
} as const;

class Parser {
  private i = 0;
  private depth = 0;

  constructor(
    private readonly input: string,
    private readonly tokens: readonly Token[],
  ) {}

  private peek(): Token {
    return this.tokens[this.i]!;
  }

  private next(): Token {
    const t = this.tokens[this.i]!;
    if (t.type !== 'eof') this.i++;
    return t;
  }

  private fail(message: string, token: Token = this.peek()): never {
    throw new SelectorSyntaxError(message, this.input, token.pos);
  }

  parseSelector(): SelectorNode {
    if (this.peek().type === 'eof') return { kind: 'all' };
    const node = this.parseOr();
    const rest = this.peek();
    if (rest.type !== 'eof') this.fail('unexpected input after the end of the expression', rest);
    return node;
  }

  private parseOr(): SelectorNode {
    const operands = [this.parseAnd()];
    while (this.peek().type === '||') {
      this.next();
      operands.push(this.parseAnd());
    }
    return junction('or', operands);
  }

  private parseAnd(): SelectorNode {
    const operands = [this.parseUnary()];
    while (this.peek().type === '&&') {
      this.next();
      operands.push(this.parseUnary());
    }
    return junction('and', operands);
  }

  private parseUnary(): SelectorNode {
    let negated = false;
    while (this.peek().type === '!') {
      this.next();
      negated = !negated;
    }
    const operand = this.parsePrimary();
    return negated ? { kind: 'not', operand } : operand;
  }

  private parsePrimary(): SelectorNode {
    const t = this.next();
    switch (t.type) {
      case 'all':
        return { kind: 'all' };
      case 'global':
        return { kind: 'global' };
      case 'has':
        return { kind: 'has', label: t.text };
      case '(':
        return this.parseParenthesised(t);
      case 'label':
        return this.parseLabelExpression(t.text);
      case 'eof':
        return this.fail('unexpected end of selector, expected an expression', t);
      default:
        return this.fail('expected a label, has(), all(), global(), "!" or "("', t);
    }
  }

  private parseParenthesised(open: Token): SelectorNode {
    if (++this.depth > MAX_NESTING) this.fail(`parentheses nested deeper than ${MAX_NESTING}`, open);
    const node = this.parseOr();
    if (this.peek().type !== ')') this.fail("expected ')'");
    this.next();
    this.depth--;
    return node;
  }

  private parseLabelExpression(label: string): SelectorNode {
    const t = this.next();
    if (t.type === '==' || t.type === '!=') {
      return { kind: COMPARISONS[t.type], label, value: this.expectString() };
    }
    if (t.type === 'op') {
      if (t.op === 'in' || t.op === 'notIn') return { kind: t.op, label, values: this.parseSet() };
      return { kind: COMPARISONS[t.op], label, value: this.expectString() };
    }
    return this.fail(
      'expected an operator after the label (==, !=, in, not in, contains, starts with, ends with)',
      t,
    );
  }

  private expectString(): string {
    const t = this.next();
    if (t.type !== 'string') this.fail('expected a quoted string', t);
    return t.text;
  }

  private parseSet(): readonly string[] {
    const open = this.next();
    if (open.type !== '{') this.fail("expected '{' to start a set of values", open);
    const values: string[] = [];
    if (this.peek().type === '}') {
      this.next();
      return values;
    }
    for (;;) {
      values.push(this.expectString());
      const sep = this.next();
      if (sep.type === '}') break;
      if (sep.type !== ',') this.fail("expected ',' or '}' in a set of values", sep);
      if (this.peek().type === '}') {
        this.next();
        break;
      }
    }
    return sortedUnique(values);
  }
}

/** Parses a selector; empty or whitespace-only input is `all()`. Throws only SelectorSyntaxError. */
export function parseSelector(input: string): SelectorNode {
  return new Parser(input, tokenize(input)).parseSelector();
}
