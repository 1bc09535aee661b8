import { describe, expect, it } from 'vitest';
import {
  felixFieldErrors,
  isFelixText,
  readFelixFields,
  writeFelixMeta,
  writeFelixSetting,
} from './felix-form-model';

const TEXT = `# WireGuard for production
apiVersion: projectcalico.org/v3
kind: FelixConfiguration
metadata:
  name: prod-wireguard
  annotations:
    palisade.io/applies-as: default
    palisade.io/cluster-selector: env == "prod"
spec:
  wireguardEnabled: true
  logSeverityScreen: Info # not validated
`;

describe('FelixConfiguration form model', () => {
  it('reads the validated settings, the applies-as name and the unvalidated fields', () => {
    expect(isFelixText(TEXT)).toBe(true);
    expect(isFelixText('kind: NetworkPolicy\n')).toBe(false);
    const f = readFelixFields(TEXT)!;
    expect(f.name).toBe('prod-wireguard');
    expect(f.appliesAs).toBe('default');
    expect(f.clusterSelector).toBe('env == "prod"');
    expect(f.settings.wireguardEnabled).toBe('true');
    expect(f.settings.wireguardMTU).toBe('');
    expect(f.unvalidated).toEqual(['logSeverityScreen']);
  });

  it('writes typed values and removes cleared ones, keeping comments and other fields', () => {
    let t = writeFelixSetting(TEXT, 'wireguardMTU', '1420');
    t = writeFelixSetting(t, 'nftablesMode', 'Enabled');
    t = writeFelixSetting(t, 'bpfEnabled', 'false');
    t = writeFelixSetting(t, 'flowLogsFlushInterval', '15s');
    t = writeFelixSetting(t, 'wireguardEnabled', '');
    expect(t).toContain('# WireGuard for production');
    expect(t).toContain('logSeverityScreen: Info # not validated');
    expect(t).toContain('wireguardMTU: 1420\n');
    expect(t).toContain('nftablesMode: Enabled');
    expect(t).toContain('bpfEnabled: false');
    expect(t).toContain('flowLogsFlushInterval: 15s');
    expect(t).not.toContain('wireguardEnabled');
    expect(felixFieldErrors(t)).toEqual({});
  });

  it('names the field the validator refuses, as the API would', () => {
    const bad = writeFelixSetting(
      writeFelixSetting(TEXT, 'wireguardMTU', '20'),
      'wireguardListeningPort',
      '70000',
    );
    const errors = felixFieldErrors(bad);
    expect(errors.wireguardMTU).toMatch(/68/);
    expect(errors.wireguardListeningPort).toBeTruthy();
    expect(Object.keys(errors).sort()).toEqual(['wireguardListeningPort', 'wireguardMTU']);
  });

  it('sets and clears the applies-as name and the cluster selector', () => {
    let t = writeFelixMeta(TEXT, 'appliesAs', 'node.worker-1');
    expect(readFelixFields(t)!.appliesAs).toBe('node.worker-1');
    t = writeFelixMeta(t, 'appliesAs', '');
    t = writeFelixMeta(t, 'clusterSelector', '');
    expect(t).not.toContain('annotations');
    // Without applies-as, the document's own name must be a cluster object's name.
    expect(felixFieldErrors(t).name ?? felixFieldErrors(t).appliesAs).toBeTruthy();
    t = writeFelixMeta(t, 'name', 'default');
    expect(felixFieldErrors(t)).toEqual({});
  });
});
