import { describe, expect, it } from 'vitest';
import { selectionSentence } from './selection';

describe('what a policy selects, in words', () => {
  const np = { kind: 'NetworkPolicy', namespace: 'backend', selector: '', namespaceSelector: '' };

  it('says plainly that an empty selector selects every endpoint of the namespace', () => {
    expect(selectionSentence(np)).toEqual({
      text: 'No endpoint selector: this policy applies to every endpoint in namespace backend.',
      everything: true,
    });
    expect(selectionSentence({ ...np, selector: 'all()' }).everything).toBe(true);
    expect(selectionSentence({ ...np, selector: 'app == "api"' })).toEqual({
      text: 'Applies to endpoints matching app == "api" in namespace backend.',
      everything: false,
    });
  });

  it('global policies: every namespace and host endpoints, unless a namespace selector narrows it', () => {
    const g = { ...np, kind: 'GlobalNetworkPolicy', namespace: '' };
    expect(selectionSentence(g)).toEqual({
      text: 'No endpoint selector: this policy applies to every endpoint in every namespace, and host endpoints.',
      everything: true,
    });
    expect(selectionSentence({ ...g, namespaceSelector: 'team == "web"' })).toEqual({
      text: 'No endpoint selector: this policy applies to every endpoint in namespaces matching team == "web".',
      everything: false,
    });
  });
});
