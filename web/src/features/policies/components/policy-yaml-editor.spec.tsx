import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { NEW_POLICY_YAML } from '../templates';
import { PolicyYamlEditor } from './policy-yaml-editor';

// CodeMirror itself is covered by the design-system spec; here the editor is the plain textarea so
// the test can type into it like a user and watch validation follow.
vi.mock('../../../components/ui/code-editor-impl', async () => {
  const { PlainCodeEditor } = await import('../../../components/ui/code-editor');
  return { CodeMirrorEditor: PlainCodeEditor };
});

function Harness({ initial }: { initial: string }) {
  const [text, setText] = useState(initial);
  return (
    <PolicyYamlEditor value={text} onChange={setText}>
      {(v) => <button disabled={v.errors.length > 0 || v.stale}>Save</button>}
    </PolicyYamlEditor>
  );
}

describe('PolicyYamlEditor live validation', () => {
  it('accepts the starting template', async () => {
    render(<Harness initial={NEW_POLICY_YAML} />);
    await waitFor(() => expect(screen.getByTestId('validation').textContent).toContain('Valid'));
    expect(screen.getByRole('button', { name: 'Save' })).toHaveProperty('disabled', false);
  });

  it('reports a bad field at its line as you type, and clears when fixed', async () => {
    render(<Harness initial={NEW_POLICY_YAML} />);
    const editor = await screen.findByRole('textbox', { name: 'Policy YAML' });
    fireEvent.change(editor, {
      target: { value: NEW_POLICY_YAML.replace('action: Allow', 'action: Allwo') },
    });
    await waitFor(() => expect(screen.getByTestId('validation').textContent).toContain('1 problem'));
    const line = NEW_POLICY_YAML.split('\n').findIndex((l) => l.includes('action: Allow')) + 1;
    const item = screen.getByRole('listitem');
    expect(item.textContent).toMatch(
      new RegExp(`^Line ${line}, column \\d+: spec\\.ingress\\[0\\]\\.action: `),
    );
    expect(screen.getByRole('button', { name: 'Save' })).toHaveProperty('disabled', true);

    fireEvent.change(editor, { target: { value: NEW_POLICY_YAML } });
    await waitFor(() => expect(screen.getByTestId('validation').textContent).toContain('Valid'));
    expect(screen.getByRole('button', { name: 'Save' })).toHaveProperty('disabled', false);
  });

  it('reports YAML syntax errors with their position', async () => {
    render(<Harness initial={'kind: [unclosed\n'} />);
    await waitFor(() =>
      expect(screen.getByRole('listitem').textContent).toMatch(/^Line \d+, column \d+: invalid YAML/),
    );
  });

  it('says an empty document is empty', async () => {
    render(<Harness initial="" />);
    await waitFor(() => expect(screen.getByRole('listitem').textContent).toContain('The document is empty.'));
  });
});
