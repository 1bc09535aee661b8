// The FelixConfiguration form edits the YAML in place and shows the validator's message per field.
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { FelixConfigurationForm } from './felix-configuration-form';

const TEXT = `apiVersion: projectcalico.org/v3
kind: FelixConfiguration
metadata:
  name: prod-wireguard
  annotations:
    palisade.io/applies-as: default
spec:
  logSeverityScreen: Info
`;

let latest = '';
function Harness({ readOnly = false }: { readOnly?: boolean }) {
  const [text, setText] = useState(TEXT);
  latest = text;
  return <FelixConfigurationForm text={text} onChange={setText} readOnly={readOnly} />;
}

describe('FelixConfiguration form', () => {
  it('turns WireGuard on for every node, flags a bad MTU, and lists unvalidated fields', async () => {
    render(<Harness />);
    const form = screen.getByRole('form', { name: 'FelixConfiguration settings' });
    expect(within(form).getByRole('note').textContent).toContain('logSeverityScreen');
    expect(within(form).getByLabelText<HTMLSelectElement>('Applies to').value).toBe('default');

    await userEvent.selectOptions(within(form).getByLabelText('WireGuard (IPv4)'), 'true');
    expect(latest).toContain('wireguardEnabled: true');
    await userEvent.type(within(form).getByLabelText('WireGuard MTU'), '20');
    expect(latest).toContain('wireguardMTU: 20');
    expect(within(form).getByLabelText('WireGuard MTU').getAttribute('aria-invalid')).toBe('true');
    expect(within(form).getByText(/from 68 to 65535/)).toBeTruthy();
    await userEvent.clear(within(form).getByLabelText('WireGuard MTU'));
    expect(latest).not.toContain('wireguardMTU');

    await userEvent.selectOptions(within(form).getByLabelText('nftables mode'), 'Auto');
    await userEvent.selectOptions(within(form).getByLabelText('Aggregation of denied flows'), '2');
    expect(latest).toContain('nftablesMode: Auto');
    expect(latest).toContain('flowLogsFileAggregationKindForDenied: 2');

    await userEvent.selectOptions(within(form).getByLabelText('Applies to'), 'node');
    await userEvent.type(within(form).getByLabelText('Node name'), 'worker-1');
    expect(latest).toContain('palisade.io/applies-as: node.worker-1');
  });

  it('is read-only for a role that cannot write', () => {
    render(<Harness readOnly />);
    expect(screen.getByLabelText('WireGuard (IPv4)').hasAttribute('disabled')).toBe(true);
    expect(screen.getByLabelText('WireGuard MTU').hasAttribute('readonly')).toBe(true);
  });
});
