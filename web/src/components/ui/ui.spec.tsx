import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../lib/graphql-client';
import { Badge, StatusPill } from './badge';
import { Button } from './button';
import { CodeEditor } from './code-editor';
import { CopyableText } from './copy-button';
import { Dialog } from './dialog';
import { DiffView } from './diff-view';
import { EmptyState } from './empty-state';
import { ErrorState } from './error-state';
import { Field } from './field';
import { Input } from './input';
import { Select } from './select';
import { SkeletonRows } from './skeleton';
import { Table } from './table';
import { Tabs } from './tabs';
import { ToastProvider, useToast } from './toast';

describe('Button', () => {
  it('is a real button that clicks, and busy disables it and says so', async () => {
    const onClick = vi.fn();
    const { rerender } = render(<Button onClick={onClick}>Save</Button>);
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(onClick).toHaveBeenCalledOnce();
    expect(screen.getByRole('button')).toHaveProperty('type', 'button');
    rerender(
      <Button onClick={onClick} busy>
        Save
      </Button>,
    );
    expect(screen.getByRole('button')).toHaveProperty('disabled', true);
    expect(screen.getByRole('button').getAttribute('aria-busy')).toBe('true');
  });
});

describe('Field, Input, Select', () => {
  it('labels the control and announces hint and error with it', () => {
    render(
      <Field label="Email" hint="Work address" error="Enter an email address.">
        <Input />
      </Field>,
    );
    const input = screen.getByLabelText('Email');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    const described = (input.getAttribute('aria-describedby') ?? '').split(' ');
    expect(described.map((id) => document.getElementById(id)?.textContent)).toEqual([
      'Work address',
      'Enter an email address.',
    ]);
    expect(screen.getByRole('alert').textContent).toBe('Enter an email address.');
  });

  it('is valid without an error', () => {
    render(
      <Field label="Role">
        <Select
          options={[
            { value: 'a', label: 'A' },
            { value: 'b', label: 'B' },
          ]}
        />
      </Field>,
    );
    const select = screen.getByLabelText('Role');
    expect(select.getAttribute('aria-invalid')).toBeNull();
    expect(screen.getAllByRole('option').map((o) => o.textContent)).toEqual(['A', 'B']);
  });
});

describe('Dialog', () => {
  function Harness() {
    const [open, setOpen] = useState(false);
    return (
      <>
        <Button onClick={() => setOpen(true)}>Open</Button>
        <Dialog open={open} title="Confirm" onClose={() => setOpen(false)} actions={<Button>Last</Button>}>
          <Input aria-label="First field" />
        </Dialog>
      </>
    );
  }

  it('moves focus in, traps Tab, closes on Escape and gives focus back', async () => {
    const user = userEvent.setup();
    render(<Harness />);
    const opener = screen.getByRole('button', { name: 'Open' });
    await user.click(opener);
    const dialog = screen.getByRole('dialog', { name: 'Confirm' });
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(document.activeElement).toBe(screen.getByLabelText('First field'));
    await user.tab();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Last' }));
    await user.tab();
    expect(document.activeElement).toBe(screen.getByLabelText('First field'));
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(opener);
  });
});

describe('Tabs', () => {
  it('follows the tabs pattern: arrows move and select, one tab stop', async () => {
    function Harness() {
      const [tab, setTab] = useState('a');
      return (
        <Tabs
          label="Views"
          tabs={[
            { id: 'a', label: 'Alpha' },
            { id: 'b', label: 'Beta' },
          ]}
          selected={tab}
          onSelect={setTab}
        >
          <p>Panel {tab}</p>
        </Tabs>
      );
    }
    const user = userEvent.setup();
    render(<Harness />);
    const alpha = screen.getByRole('tab', { name: 'Alpha' });
    expect(alpha.getAttribute('aria-selected')).toBe('true');
    expect(screen.getByRole('tab', { name: 'Beta' }).tabIndex).toBe(-1);
    alpha.focus();
    await user.keyboard('{ArrowRight}');
    expect(document.activeElement).toBe(screen.getByRole('tab', { name: 'Beta' }));
    expect(screen.getByRole('tabpanel').textContent).toBe('Panel b');
    await user.keyboard('{Home}');
    expect(screen.getByRole('tabpanel').textContent).toBe('Panel a');
  });
});

describe('Toast', () => {
  it('announces a message and can be dismissed', async () => {
    function Trigger() {
      const toast = useToast();
      return <Button onClick={() => toast.show({ title: 'Saved', tone: 'ok' })}>Go</Button>;
    }
    render(
      <ToastProvider>
        <Trigger />
      </ToastProvider>,
    );
    await userEvent.click(screen.getByRole('button', { name: 'Go' }));
    expect(screen.getByRole('status').textContent).toContain('Saved');
    await userEvent.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByText('Saved')).toBeNull();
  });

  it('dismisses itself after a while', async () => {
    vi.useFakeTimers();
    function Trigger() {
      const toast = useToast();
      return <Button onClick={() => toast.show({ title: 'Failed', tone: 'danger' })}>Go</Button>;
    }
    render(
      <ToastProvider>
        <Trigger />
      </ToastProvider>,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Go' }));
    expect(screen.getByRole('alert').textContent).toContain('Failed');
    await act(async () => {
      vi.advanceTimersByTime(7000);
      await Promise.resolve();
    });
    expect(screen.queryByText('Failed')).toBeNull();
    vi.useRealTimers();
  });
});

describe('Badge, StatusPill, Table, Skeleton', () => {
  it('states status in words, not colour alone', () => {
    render(
      <>
        <StatusPill tone="ok" label="Connected" />
        <Badge tone="warn">staged</Badge>
      </>,
    );
    expect(screen.getByText('Connected').getAttribute('data-status')).toBe('Connected');
    expect(screen.getByText('staged').className).toContain('ui-badge--warn');
  });

  it('renders a captioned table with column headers', () => {
    render(
      <Table caption="Clusters" columns={['Name', 'Status']}>
        <tr>
          <td>prod</td>
          <td>up</td>
        </tr>
      </Table>,
    );
    expect(screen.getByRole('table', { name: 'Clusters' })).toBeTruthy();
    expect(screen.getAllByRole('columnheader').map((h) => h.textContent)).toEqual(['Name', 'Status']);
  });

  it('announces loading once', () => {
    render(<SkeletonRows rows={3} label="Loading clusters" />);
    expect(screen.getByRole('status').textContent).toBe('Loading clusters');
  });
});

describe('EmptyState and ErrorState', () => {
  it('shows the next step when empty', () => {
    render(<EmptyState title="No clusters yet" action={<Button>Connect cluster</Button>} />);
    expect(screen.getByRole('heading', { name: 'No clusters yet' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Connect cluster' })).toBeTruthy();
  });

  it('shows the message, the error id and a retry', async () => {
    const retry = vi.fn();
    render(<ErrorState error={new ApiError('boom', 'INTERNAL', undefined, 'err-42')} onRetry={retry} />);
    expect(screen.getByRole('alert').textContent).toContain('boom');
    expect(screen.getByText('Error id: err-42')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(retry).toHaveBeenCalledOnce();
  });

  it('explains a refusal in plain words', () => {
    render(<ErrorState error={new ApiError('forbidden: clusters:write', 'FORBIDDEN')} />);
    expect(screen.getByRole('alert').textContent).toContain('Your role does not allow this.');
  });
});

describe('DiffView and CopyableText', () => {
  it('marks added and removed lines', () => {
    render(<DiffView before={'a\nb\nc'} after={'a\nB\nc'} label="diff" />);
    const pre = screen.getByLabelText('diff');
    expect(pre.querySelector('.ui-diff__line--del')?.textContent).toContain('b');
    expect(pre.querySelector('.ui-diff__line--add')?.textContent).toContain('B');
  });

  it('copies to the clipboard and says so', async () => {
    const writeText = vi.spyOn(navigator.clipboard, 'writeText');
    render(<CopyableText text="kubectl apply -f x" label="Install command" />);
    await userEvent.click(screen.getByRole('button', { name: 'Copy' }));
    expect(writeText).toHaveBeenCalledWith('kubectl apply -f x');
    expect(await screen.findByRole('button', { name: 'Copied' })).toBeTruthy();
  });
});

describe('CodeEditor', () => {
  it('is editable at once (plain text) and then becomes CodeMirror with the same text', async () => {
    function Harness() {
      const [v, setV] = useState('kind: Tier');
      return (
        <>
          <CodeEditor label="YAML" value={v} onChange={setV} />
          <output>{v}</output>
        </>
      );
    }
    const { container } = render(<Harness />);
    const plain = screen.getByRole('textbox', { name: 'YAML' });
    fireEvent.change(plain, { target: { value: 'kind: NetworkPolicy' } });
    expect(screen.getByRole('status').textContent).toBe('kind: NetworkPolicy');
    await waitFor(
      () => expect(container.querySelector('[data-editor="codemirror"] .cm-content')).toBeTruthy(),
      {
        timeout: 5000,
      },
    );
    expect(container.querySelector('.cm-content')?.textContent).toBe('kind: NetworkPolicy');
    expect(container.querySelector('.cm-content')?.getAttribute('aria-label')).toBe('YAML');
  });
});
