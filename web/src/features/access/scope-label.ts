// How a scoped role binding is shown. Its own file because the org layout (the shell) shows it:
// the scope form's checks (scope.ts) bring the policy package's selector parser, and with it the
// YAML library, which must stay out of the shell (decision 0200).
/** "Whole organisation", or "clusters env == "staging" · tiers application". */
export function scopeLabel(scope: { clusterSelector: string; tiers?: readonly string[] | null }): string {
  const parts: string[] = [];
  if (scope.clusterSelector !== '') parts.push(`clusters ${scope.clusterSelector}`);
  if (scope.tiers && scope.tiers.length > 0) parts.push(`tiers ${scope.tiers.join(', ')}`);
  return parts.length === 0 ? 'Whole organisation' : parts.join(' · ');
}
