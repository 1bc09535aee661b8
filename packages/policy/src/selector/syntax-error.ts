// The one error type the selector parser throws; `position` is a 0-based UTF-16 offset into `input`.

export class SelectorSyntaxError extends Error {
  readonly position: number;
  readonly input: string;

  constructor(message: string, input: string, position: number) {
    super(`invalid selector at position ${position}: ${message}`);
    this.name = 'SelectorSyntaxError';
    this.position = position;
    this.input = input;
  }
}
