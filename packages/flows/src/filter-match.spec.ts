import { describe, expect, it } from 'vitest';
import type { FlowFilter } from './filter.js';
import { matchesFilter } from './filter-match.js';
import type { FlowRecord } from './flow-record.js';

const toShop: FlowRecord = {
  start_time: 1767225600,
  end_time: 1767225615,
  source_type: 'wep',
  source_namespace: 'shop',
  source_name: 'frontend-7d9c8b6f5-*',
  source_labels: [],
  dest_type: 'wep',
  dest_namespace: 'shop',
  dest_name: 'cart-5f6d7c8b9-*',
  dest_labels: [],
  dest_port: 8080,
  dest_service_namespace: '-',
  dest_service_name: '-',
  dest_service_port_name: '-',
  dest_service_port: 0,
  proto: 'tcp',
  reporter: 'dst',
  action: 'allow',
  policies: {
    enforced: ['0|security|gnp:hand-off|pass|0', '1|default|np:shop/allow-frontend|allow|0'],
    pending: ['0|security|sgnp:quarantine-shop|deny|0'],
  },
  packets_in: 1,
  packets_out: 1,
  bytes_in: 1,
  bytes_out: 1,
  num_flows: 1,
  num_flows_started: 1,
  num_flows_completed: 0,
};

const toInternet: FlowRecord = {
  ...toShop,
  source_namespace: 'shop',
  dest_type: 'net',
  dest_namespace: '-',
  dest_name: 'pub',
  dest_port: 443,
  reporter: 'src',
  action: 'deny',
  policies: {
    enforced: ['0|default|np:shop/egress-limits|deny|-1'],
    pending: ['0|default|np:shop/egress-limits|deny|-1', '1|default|snp:shop/open|allow|0'],
  },
};

const records = { toShop, toInternet };

function matching(filter: FlowFilter): string[] {
  return Object.entries(records)
    .filter(([, r]) => matchesFilter(r, filter))
    .map(([name]) => name);
}

describe('matchesFilter', () => {
  it.each<[string, FlowFilter, string[]]>([
    ['an empty filter', {}, ['toShop', 'toInternet']],
    ['empty lists', { dest_names: [], actions: [], policies: [] }, ['toShop', 'toInternet']],
    ['an exact name', { dest_names: [{ value: 'cart-5f6d7c8b9-*', type: 'Exact' }] }, ['toShop']],
    ['an exact name prefix (no match)', { dest_names: [{ value: 'cart', type: 'Exact' }] }, []],
    ['a fuzzy substring', { dest_names: [{ value: 'cart', type: 'Fuzzy' }] }, ['toShop']],
    ['fuzzy is case-sensitive', { dest_names: [{ value: 'CART', type: 'Fuzzy' }] }, []],
    ['the pub alias, exact', { dest_names: [{ value: 'PUBLIC NETWORK', type: 'Exact' }] }, ['toInternet']],
    ['the pub alias, fuzzy', { dest_names: [{ value: 'PUBLIC', type: 'Fuzzy' }] }, ['toInternet']],
    ['pub itself', { dest_names: [{ value: 'pub', type: 'Exact' }] }, ['toInternet']],
    ['the Global namespace alias', { dest_namespaces: [{ value: 'Global', type: 'Exact' }] }, ['toInternet']],
    ['namespace "-"', { dest_namespaces: [{ value: '-', type: 'Exact' }] }, ['toInternet']],
    ['OR within a list', { dest_ports: [443, 8080] }, ['toShop', 'toInternet']],
    ['AND across fields', { dest_ports: [443], reporter: 'dst' }, []],
    ['a reporter', { reporter: 'src' }, ['toInternet']],
    ['an action', { actions: ['deny'] }, ['toInternet']],
    ['a protocol', { protocols: [{ value: 'udp', type: 'Exact' }] }, []],
    [
      'a policy in the enforced trace',
      { policies: [{ name: 'allow-frontend', namespace: 'shop' }] },
      ['toShop'],
    ],
    ['a policy in the pending trace', { policies: [{ kind: 'sgnp', name: 'quarantine-shop' }] }, ['toShop']],
    ['a tier and action', { policies: [{ tier: 'security', action: 'pass' }] }, ['toShop']],
    ['a global policy by empty namespace', { policies: [{ namespace: '', name: 'hand-off' }] }, ['toShop']],
    [
      'an end of tier through its trigger',
      { policies: [{ kind: 'np', name: 'egress-limits' }] },
      ['toInternet'],
    ],
    ['end-of-tier hits as a kind', { policies: [{ kind: 'eot' }] }, ['toInternet']],
    [
      'an end-of-tier kind with its trigger name',
      { policies: [{ kind: 'eot', name: 'egress-limits' }] },
      ['toInternet'],
    ],
    ['the final pending verdict deny', { pending_actions: ['deny'] }, ['toShop']],
    // Goldmane would match toInternet too (one of its pending hits denies); Palisade looks at the last.
    ['the final pending verdict allow', { pending_actions: ['allow'] }, ['toInternet']],
  ])('matches %s', (_what, filter, expected) => {
    expect(matching(filter)).toEqual(expected);
  });
});
