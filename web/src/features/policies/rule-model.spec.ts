import { parseResourcesYaml } from '@palisade/policy';
import { describe, expect, it } from 'vitest';
import {
  addRule,
  fieldText,
  moveRule,
  readRules,
  removeRule,
  RULE_FIELDS,
  ruleSummary,
  writeRuleField,
  type RuleField,
} from './rule-model';
import { NEW_POLICY_YAML } from './templates';

const field = (path: string): RuleField => {
  const f = RULE_FIELDS.find((x) => x.path.join('.') === path);
  if (!f) throw new Error(`no field ${path}`);
  return f;
};

describe('rule builder model', () => {
  it('has a field for every Calico rule field', () => {
    const paths = RULE_FIELDS.map((f) => f.path.join('.'));
    for (const p of [
      'protocol',
      'notProtocol',
      'ipVersion',
      'icmp.type',
      'icmp.code',
      'notICMP.type',
      'notICMP.code',
      'http.methods',
      'http.paths',
      'metadata.annotations',
    ])
      expect(paths).toContain(p);
    for (const side of ['source', 'destination'])
      for (const p of [
        'selector',
        'notSelector',
        'namespaceSelector',
        'nets',
        'notNets',
        'ports',
        'notPorts',
        'serviceAccounts.names',
        'serviceAccounts.selector',
        'services.name',
        'services.namespace',
      ])
        expect(paths).toContain(`${side}.${p}`);
  });

  it('reads the template’s rule and shows each field as typed', () => {
    const [rule] = readRules(NEW_POLICY_YAML, 'ingress')!;
    expect(rule).toBeDefined();
    expect(fieldText(rule!, field('protocol'))).toBe('TCP');
    expect(fieldText(rule!, field('destination.ports'))).toBe('8000');
    expect(fieldText(rule!, field('source.namespaceSelector'))).toBe('team == "web"');
    expect(ruleSummary(rule!)).toBe('Allow TCP from app == "storefront" ns team == "web" to port 8000');
    expect(readRules(NEW_POLICY_YAML, 'egress')).toEqual([]);
  });

  it('writes typed values that @palisade/policy accepts, and clearing prunes empty maps', () => {
    let text = writeRuleField(
      NEW_POLICY_YAML,
      'ingress',
      0,
      field('destination.ports'),
      '8000, 9000:9100, http',
    );
    text = writeRuleField(text, 'ingress', 0, field('destination.nets'), '10.0.0.0/8, 192.168.0.0/16');
    text = writeRuleField(text, 'ingress', 0, field('http.methods'), 'GET, POST');
    text = writeRuleField(text, 'ingress', 0, field('http.paths'), 'exact /health\nprefix /api/');
    text = writeRuleField(text, 'ingress', 0, field('metadata.annotations'), 'owner=web, ticket=42');
    text = writeRuleField(text, 'ingress', 0, field('ipVersion'), '4');
    const [rule] = readRules(text, 'ingress')!;
    expect(rule).toMatchObject({
      ipVersion: 4,
      destination: { ports: [8000, '9000:9100', 'http'], nets: ['10.0.0.0/8', '192.168.0.0/16'] },
      http: { methods: ['GET', 'POST'], paths: [{ exact: '/health' }, { prefix: '/api/' }] },
      metadata: { annotations: { owner: 'web', ticket: '42' } },
    });
    expect(parseResourcesYaml(text).errors).toEqual([]);

    let cleared = writeRuleField(text, 'ingress', 0, field('http.methods'), '');
    cleared = writeRuleField(cleared, 'ingress', 0, field('http.paths'), '');
    expect(readRules(cleared, 'ingress')![0]).not.toHaveProperty('http');
    const icmp = writeRuleField(text, 'ingress', 0, field('icmp.type'), '8');
    expect(readRules(icmp, 'ingress')![0]).toMatchObject({ icmp: { type: 8 } });
    expect(
      readRules(writeRuleField(icmp, 'ingress', 0, field('icmp.type'), ''), 'ingress')![0],
    ).not.toHaveProperty('icmp');
  });

  it('an invalid value is written as typed, so the validator reports it at its line', () => {
    const text = writeRuleField(NEW_POLICY_YAML, 'ingress', 0, field('destination.ports'), '70000');
    const errors = parseResourcesYaml(text).errors;
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]?.path).toContain('ports');
  });

  it('adds, moves and removes rules, keeping the policy types in step', () => {
    let text = addRule(NEW_POLICY_YAML, 'egress', 'Deny');
    expect(readRules(text, 'egress')).toEqual([{ action: 'Deny' }]);
    expect(text).toMatch(/types:\n\s+- Ingress\n\s+- Egress/);
    text = addRule(text, 'ingress', 'Deny');
    text = moveRule(text, 'ingress', 1, 0);
    expect(readRules(text, 'ingress')!.map((r) => r['action'])).toEqual(['Deny', 'Allow']);
    text = removeRule(text, 'egress', 0);
    expect(text).not.toContain('egress:');
    expect(parseResourcesYaml(text).errors).toEqual([]);
  });
});
