import { describe, expect, it } from 'vitest';
import { clusterSelectorWithin, confineClusterSelector, selectsCluster } from './cluster-selector.js';

describe('clusterSelectorWithin', () => {
  it('holds when the selector keeps every conjunct of the bound, in any spelling and order', () => {
    expect(clusterSelectorWithin('env == "staging"', 'env == "staging"')).toBe(true);
    expect(clusterSelectorWithin("env=='staging' && team == 'a'", 'env == "staging"')).toBe(true);
    expect(clusterSelectorWithin('team == "a" && env == "staging"', 'env == "staging"')).toBe(true);
    expect(
      clusterSelectorWithin(
        'team == "a" && region == "eu" && env == "staging"',
        'region == "eu" && env == "staging"',
      ),
    ).toBe(true);
  });

  it('does not hold for a wider, different or unparsable selector', () => {
    expect(clusterSelectorWithin('', 'env == "staging"')).toBe(false);
    expect(clusterSelectorWithin('all()', 'env == "staging"')).toBe(false);
    expect(clusterSelectorWithin('env == "prod"', 'env == "staging"')).toBe(false);
    // An alternative can reach beyond the bound.
    expect(clusterSelectorWithin('env == "staging" || env == "prod"', 'env == "staging"')).toBe(false);
    expect(clusterSelectorWithin('env ==', 'env == "staging"')).toBe(false);
  });

  it('every selector is within the empty bound (every cluster)', () => {
    expect(clusterSelectorWithin('', '')).toBe(true);
    expect(clusterSelectorWithin('env == "prod"', '')).toBe(true);
  });

  it('whatever labels a cluster gets, a selector within the bound selects only what the bound selects', () => {
    const bound = 'env == "staging"';
    const inner = confineClusterSelector('team == "a"', bound);
    expect(clusterSelectorWithin(inner, bound)).toBe(true);
    for (const labels of [
      { env: 'prod', team: 'a' },
      { team: 'a' },
      { env: 'staging', team: 'a' },
      { env: 'staging' },
    ])
      if (selectsCluster(inner, labels)) expect(selectsCluster(bound, labels)).toBe(true);
    expect(confineClusterSelector('', bound)).toBe('env == "staging"');
  });
});
