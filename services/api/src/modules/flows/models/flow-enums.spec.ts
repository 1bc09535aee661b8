// The GraphQL enums spell @palisade/flows' value sets (the store holds those strings): a value
// added to or renamed in the package fails here instead of failing a query at run time.
import {
  ENDPOINT_TYPES,
  FLOW_ACTIONS,
  POLICY_ACTIONS,
  POLICY_HIT_KINDS,
  POLICY_KINDS,
  REPORTERS,
} from '@palisade/flows';
import { describe, expect, it } from 'vitest';
import { END_OF_TIER } from '../flow-filter.sql.js';
import {
  FlowActionEnum,
  FlowEndpointTypeEnum,
  FlowPolicyKindEnum,
  FlowReporterEnum,
  PolicyActionEnum,
} from './flow-enums.js';

const values = (e: Record<string, string>) => Object.values(e).sort();

describe('flow enums', () => {
  it('are the value sets of @palisade/flows', () => {
    expect(values(FlowActionEnum)).toEqual([...FLOW_ACTIONS].sort());
    expect(values(PolicyActionEnum)).toEqual([...POLICY_ACTIONS].sort());
    expect(values(FlowReporterEnum)).toEqual([...REPORTERS].sort());
    expect(values(FlowEndpointTypeEnum)).toEqual([...ENDPOINT_TYPES].sort());
    expect(values(FlowPolicyKindEnum)).toEqual([...POLICY_HIT_KINDS].sort());
  });

  it('END_OF_TIER is the one hit kind that is not a policy kind', () => {
    expect(POLICY_HIT_KINDS.filter((k) => !(POLICY_KINDS as readonly string[]).includes(k))).toEqual([
      END_OF_TIER,
    ]);
  });
});
