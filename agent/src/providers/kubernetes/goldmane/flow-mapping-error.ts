// Why one Goldmane flow could not become a flow record, naming the field of the Goldmane message at
// fault (e.g. `Key.policies.pending_policies[0].kind`), or the field of the record the validator
// refused (`record dest_name`). Such a flow is counted and skipped; it never
// stops the stream, as one bad message must not cost the cluster its other flows.

export class FlowMappingError extends Error {
  override readonly name = 'FlowMappingError';
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}
