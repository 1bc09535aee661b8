import { describe, expect, it } from 'vitest';
import { readFormFields, writeFormField } from './policy-form-model';
import { NEW_POLICY_YAML } from './templates';

const WITH_COMMENT = `# owned by team web\n${NEW_POLICY_YAML}`;

describe('policy form model', () => {
  it('reads the common fields', () => {
    expect(readFormFields(NEW_POLICY_YAML)).toEqual({
      kind: 'NetworkPolicy',
      name: 'allow-storefront-to-api',
      namespace: 'backend',
      tier: 'default',
      order: '100',
      selector: 'app == "api"',
      clusterSelector: '',
      namespaceSelector: '',
      serviceAccountSelector: '',
      stagedAction: '',
      types: ['Ingress'],
      doNotTrack: false,
      preDNAT: false,
      applyOnForward: false,
    });
  });

  it('writes a field into the YAML and keeps comments and everything else', () => {
    let text = writeFormField(WITH_COMMENT, 'order', '250');
    text = writeFormField(text, 'clusterSelector', 'env == "prod"');
    text = writeFormField(text, 'types', ['Ingress', 'Egress']);
    expect(text.startsWith('# owned by team web\n')).toBe(true);
    expect(readFormFields(text)).toMatchObject({
      order: '250',
      clusterSelector: 'env == "prod"',
      types: ['Ingress', 'Egress'],
    });
    expect(text).toContain('order: 250\n');
    expect(text).toContain('palisade.io/cluster-selector: env == "prod"');
    expect(text).toContain('- action: Allow');
    const cleared = writeFormField(text, 'clusterSelector', '');
    expect(cleared).not.toContain('annotations');
  });

  it('declines text that is not one YAML mapping', () => {
    expect(readFormFields('a: [')).toBeNull();
    expect(readFormFields('a: 1\n---\nb: 2\n')).toBeNull();
    expect(writeFormField('a: [', 'name', 'x')).toBe('a: [');
  });
});
