// What an audit event changed, named as people know it: the policy as kind/namespace/name, the
// member or invitation by email, the token, cluster or report by name, the organisation by its
// name. The event's own before/after usually carries the name; for events that do not (a cluster's
// label change, an organisation setting) the name comes from another event about the same target
// or from the live lists the page already has. The id stays in the tooltip.
export interface AuditTargetEvent {
  targetType: string;
  targetId: string;
  before?: unknown;
  after?: unknown;
}

export interface TargetNames {
  /** Names by target id, e.g. clusters by id, the organisation's id → its name. */
  byId: ReadonlyMap<string, string>;
}

const TYPE_WORD: Record<string, string> = {
  organization: 'organisation',
  member: 'member',
  invitation: 'invitation',
  api_token: 'token',
  cluster: 'cluster',
  policy_resource: 'policy',
  report_definition: 'report',
  report_run: 'report run',
  policy_recommendation: 'recommendation',
};

function field(v: unknown, key: string): string | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const x = (v as Record<string, unknown>)[key];
  return typeof x === 'string' && x !== '' ? x : undefined;
}

/** The name an event's own payload gives its target, if any. */
export function ownName(e: AuditTargetEvent): string | undefined {
  for (const side of [e.after, e.before]) {
    const name =
      field(side, 'resource') ?? field(side, 'email') ?? field(side, 'name') ?? field(side, 'definition');
    if (name) return name;
  }
  return undefined;
}

/** Names by target id from every event that carries one (a later label change of a cluster, …). */
export function namesFromEvents(events: readonly AuditTargetEvent[], base?: ReadonlyMap<string, string>) {
  const byId = new Map(base);
  for (const e of events) {
    const name = ownName(e);
    if (name && !byId.has(e.targetId)) byId.set(e.targetId, name);
  }
  return byId;
}

export function targetLabel(
  e: AuditTargetEvent,
  names: ReadonlyMap<string, string>,
): { type: string; name: string; known: boolean } {
  const type = TYPE_WORD[e.targetType] ?? e.targetType.replace(/_/g, ' ');
  const name = ownName(e) ?? names.get(e.targetId);
  return name ? { type, name, known: true } : { type, name: `${e.targetId.slice(0, 8)}…`, known: false };
}
