// How the import dialog words a document and its problems. The API's messages already carry the
// field path and the line ("spec.tier: … (line 12)"), so the dialog adds only what is missing,
// never a second copy; a document the API could not identify is named by its position instead of
// "?".
export interface ImportIssue {
  field: string;
  message: string;
  line?: number | null;
  column?: number | null;
}

export function importIssueText(e: ImportIssue): string {
  let message = e.message.trim();
  // A trailing "(line 12)" or "(line 12, column 4)" repeats what the "Line" prefix says.
  if (e.line) message = message.replace(/\s*\(line \d+(?:, column \d+)?\)$/, '');
  const hasField =
    e.field !== '' && (message.startsWith(`${e.field}: `) || message.startsWith(`${e.field} `));
  const where = e.line ? `Line ${e.line}${e.column ? `, column ${e.column}` : ''}: ` : '';
  return `${where}${e.field && !hasField ? `${e.field}: ` : ''}${message}`;
}

export function importResourceLabel(r: {
  index: number;
  line?: number | null;
  kind?: string | null;
  namespace?: string | null;
  name?: string | null;
}): string {
  // The API names a document only when it validates; otherwise say which document it is.
  if (!r.kind) return `document ${r.index + 1}${r.line ? ` (from line ${r.line})` : ''}`;
  const where = r.namespace ? `${r.namespace}/` : '';
  return r.name ? `${r.kind} ${where}${r.name}` : `${r.kind} (no name)`;
}
