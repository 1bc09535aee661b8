// The range an audit export covers, from what the form holds (datetime-local values, local time):
// empty "to" means now; "from" must come before "to", and "to" may not be in the future (the API
// refuses both; saying so before asking is friendlier). Also what a signed manifest says about it.
export interface ExportRange {
  from: string;
  to: string;
}

export function toLocalInput(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The form's starting values: the audit filters' range if set, else the last 7 days. */
export function defaultExportRange(search: { from?: string; to?: string }, now: Date): ExportRange {
  return {
    from: search.from ?? toLocalInput(new Date(now.getTime() - 7 * 86_400_000)),
    to: search.to ?? '',
  };
}

/** ISO instants for the API, or the problem with the range. */
export function resolveExportRange(
  r: ExportRange,
  now: Date,
): { from: string; to: string } | { error: string } {
  const from = new Date(r.from);
  if (r.from.trim() === '' || Number.isNaN(from.getTime())) return { error: 'Enter when the range starts.' };
  const to = r.to.trim() === '' ? now : new Date(r.to);
  if (Number.isNaN(to.getTime())) return { error: 'Enter when the range ends, or leave it empty for now.' };
  if (to.getTime() > now.getTime() + 60_000) return { error: 'The range cannot end in the future.' };
  if (from.getTime() >= to.getTime()) return { error: 'The range must start before it ends.' };
  return { from: from.toISOString(), to: (to.getTime() > now.getTime() ? now : to).toISOString() };
}

export interface ExportSummary {
  events: number | null;
  firstSeq: string | null;
  lastSeq: string | null;
  keyId: string | null;
}

function obj(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
}

/** What the signed manifest states about an audit export (defensive: it is JSON). */
export function exportSummary(manifest: unknown): ExportSummary {
  const m = obj(manifest);
  const subject = obj(m['subject']);
  const signature = obj(m['signature']);
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  return {
    events: typeof subject['events'] === 'number' ? subject['events'] : null,
    firstSeq: str(subject['firstSeq']),
    lastSeq: str(subject['lastSeq']),
    keyId: str(signature['keyId']) ?? str(m['keyId']),
  };
}

/** The archive as bytes (the API sends it base64-encoded). */
export function base64Bytes(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
