// The editor's URL: which resource it edits (kind, namespace, name), or none for a new one.
export interface EditorSearch {
  kind?: string;
  namespace?: string;
  name?: string;
}

export function parseEditorSearch(raw: Record<string, unknown>): EditorSearch {
  const out: EditorSearch = {};
  for (const k of ['kind', 'namespace', 'name'] as const) {
    const v = raw[k];
    if (typeof v === 'string' && v !== '') out[k] = v;
  }
  return out;
}
