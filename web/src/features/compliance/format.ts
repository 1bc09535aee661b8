// Report scopes and run intervals in words.
import type { ReportScopeFieldsFragment } from '../../generated/graphql';

export function scopeSummary(s: ReportScopeFieldsFragment): string {
  const parts: string[] = [];
  if (s.endpointSelector) parts.push(`endpoints ${s.endpointSelector}`);
  if (s.namespaceNames.length > 0) parts.push(`namespaces ${s.namespaceNames.join(', ')}`);
  if (s.namespaceSelector) parts.push(`namespaces where ${s.namespaceSelector}`);
  if (s.serviceAccountNames.length > 0) parts.push(`service accounts ${s.serviceAccountNames.join(', ')}`);
  if (s.serviceAccountSelector) parts.push(`service accounts where ${s.serviceAccountSelector}`);
  parts.push(s.clusterSelector ? `clusters where ${s.clusterSelector}` : 'every cluster');
  return (parts.length === 1 ? ['every endpoint', ...parts] : parts).join('; ');
}

/** `2026-12-05 00:00 → 2026-12-06 00:00 UTC` */
export function intervalText(start: string, end: string): string {
  const t = (iso: string) => new Date(iso).toISOString().replace('T', ' ').slice(0, 16);
  return `${t(start)} → ${t(end)} UTC`;
}
