// Badge (a short label) and StatusPill (a state with a coloured dot and a text label, never colour
// alone, so the state reads the same to everyone).
import type { ReactNode } from 'react';

export type Tone = 'neutral' | 'ok' | 'warn' | 'danger' | 'info';

export interface BadgeProps {
  tone?: Tone;
  mono?: boolean;
  title?: string;
  children: ReactNode;
}

export function Badge({ tone = 'neutral', mono = false, title, children }: BadgeProps) {
  const cls = ['ui-badge', tone !== 'neutral' ? `ui-badge--${tone}` : '', mono ? 'ui-badge--mono' : '']
    .filter(Boolean)
    .join(' ');
  return (
    <span className={cls} title={title}>
      {children}
    </span>
  );
}

export function StatusPill({ tone, label, title }: { tone: Tone; label: string; title?: string }) {
  return (
    <span className={`ui-badge ui-badge--${tone}`} title={title} data-status={label}>
      <span className="ui-pill__dot" aria-hidden="true" />
      {label}
    </span>
  );
}
