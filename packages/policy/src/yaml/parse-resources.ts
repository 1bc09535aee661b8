// Reads a multi-document YAML stream the way `kubectl apply -f` does: empty documents are skipped,
// a `kind: List` contributes its items, and every resource is validated. Syntax and validation
// errors carry the line and column of the offending node.

import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node } from 'yaml';
import {
  formatPath,
  resourceKey,
  validateResourceIssues,
  type ValidateOptions,
  type ValidationError,
  type ValidationIssue,
} from '../resources/index.js';
import type { PolicyResource } from '../resources/types.js';
import { locateOffset, positionOf } from './locate.js';

export interface ParsedDocument {
  /** Position of this resource in the stream (List items count one each). */
  index: number;
  /** 1-based line where the resource starts. */
  line: number;
  resource?: PolicyResource;
  errors: ValidationError[];
}

export interface ParsedResources {
  documents: ParsedDocument[];
  /** Every error in the text, documents' errors included: empty means the whole stream is valid. */
  errors: ValidationError[];
}

const MAX_ALIAS_COUNT = 100;

function isEmptyDocument(doc: Document.Parsed): boolean {
  const contents = doc.contents as Node | null;
  return contents === null || (isScalar(contents) && contents.value === null);
}

function syntaxErrors(doc: Document.Parsed, lc: LineCounter): ValidationError[] {
  return doc.errors.map((err) => ({
    path: '',
    message: `invalid YAML: ${err.message}`,
    ...positionOf(lc, err.pos[0]),
  }));
}

function toJs(doc: Document.Parsed): { value?: unknown; error?: string } {
  try {
    return { value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

/** The source node and value of each resource in a document: itself, or the items of a List. */
function resourceNodes(doc: Document.Parsed, value: unknown): { node: Node | null; value: unknown }[] {
  const contents = doc.contents as Node | null;
  const isList =
    typeof value === 'object' &&
    value !== null &&
    (value as Record<string, unknown>).kind === 'List' &&
    Array.isArray((value as Record<string, unknown>).items);
  if (!isList || !isMap(contents)) return [{ node: contents, value }];
  const itemsNode = contents.get('items', true);
  const items = (value as { items: unknown[] }).items;
  return items.map((item, i) => ({
    node: isSeq(itemsNode) ? ((itemsNode.items[i] as Node | undefined) ?? null) : null,
    value: item,
  }));
}

export function parseResourcesYaml(text: string, opts: ValidateOptions = {}): ParsedResources {
  const lc = new LineCounter();
  const parsed = parseAllDocuments(text, {
    lineCounter: lc,
    prettyErrors: false,
    merge: true,
    uniqueKeys: true,
    logLevel: 'error',
  });
  const docs = Array.isArray(parsed) ? parsed : [];
  const documents: ParsedDocument[] = [];
  const seen = new Map<string, number>();

  for (const doc of docs) {
    if (doc.errors.length > 0) {
      const errors = syntaxErrors(doc, lc);
      documents.push({ index: documents.length, line: errors[0]?.line ?? 1, errors });
      continue;
    }
    if (isEmptyDocument(doc)) continue;
    const js = toJs(doc);
    const docStart = (doc.contents as Node | null)?.range?.[0] ?? doc.range[0];
    if (js.error !== undefined) {
      documents.push({
        index: documents.length,
        line: positionOf(lc, docStart).line,
        errors: [{ path: '', message: `invalid YAML: ${js.error}`, ...positionOf(lc, docStart) }],
      });
      continue;
    }
    for (const { node, value } of resourceNodes(doc, js.value)) {
      const start = node?.range?.[0] ?? docStart;
      const { resource, issues } = validateResourceIssues(value, opts);
      const errors = issues.map((issue) => locatedError(issue, node, lc, start));
      const entry: ParsedDocument = { index: documents.length, line: positionOf(lc, start).line, errors };
      if (resource !== undefined) {
        const key = resourceKey(resource);
        const firstLine = seen.get(key);
        if (firstLine !== undefined) {
          errors.push({
            path: 'metadata.name',
            message: `${key} is defined more than once (first at line ${firstLine})`,
            ...positionOf(lc, locateOffset(node, ['metadata', 'name']) ?? start),
          });
        } else {
          seen.set(key, entry.line);
          entry.resource = resource;
        }
      }
      documents.push(entry);
    }
  }
  return { documents, errors: documents.flatMap((d) => d.errors) };
}

function locatedError(
  issue: ValidationIssue,
  node: Node | null,
  lc: LineCounter,
  fallback: number,
): ValidationError {
  const offset = locateOffset(node, issue.segments) ?? fallback;
  return { path: formatPath(issue.segments), message: issue.message, ...positionOf(lc, offset) };
}
