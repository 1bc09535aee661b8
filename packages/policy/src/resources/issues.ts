// Validation errors and the paths that locate them. Validators work on path segments so the YAML
// layer can find the offending node; callers see a dotted string such as
// `spec.ingress[0].destination.ports[1]` (keys that are not identifiers are written `["a/b"]`).

export type PathSegment = string | number;
export type Path = readonly PathSegment[];

export interface ValidationError {
  /** Dotted path of the offending field, e.g. `spec.ingress[0].destination.ports[1]`; "" for the document. */
  path: string;
  /** A sentence a person understands. */
  message: string;
  /** 1-based, set when the error was mapped onto YAML source. */
  line?: number;
  /** 1-based, set when the error was mapped onto YAML source. */
  column?: number;
}

/** A validation error before its path is formatted; the YAML layer maps `segments` onto nodes. */
export interface ValidationIssue {
  segments: Path;
  message: string;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function formatPath(segments: Path): string {
  let out = '';
  for (const seg of segments) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (!IDENTIFIER.test(seg)) out += `[${JSON.stringify(seg)}]`;
    else out += out === '' ? seg : `.${seg}`;
  }
  return out;
}

export function toValidationError(issue: ValidationIssue): ValidationError {
  return { path: formatPath(issue.segments), message: issue.message };
}

/** Collects issues while a validator walks a document. */
export class IssueSink {
  readonly issues: ValidationIssue[] = [];

  report(segments: Path, message: string): void {
    this.issues.push({ segments, message });
  }

  get count(): number {
    return this.issues.length;
  }
}
