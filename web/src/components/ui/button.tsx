// Button: the one clickable control. Variants carry meaning (primary = the page's main action,
// danger = destroys something); `busy` disables it and announces progress.
import type { ButtonHTMLAttributes } from 'react';

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: 'default' | 'primary' | 'danger' | 'danger-solid' | 'ghost';
  size?: 'normal' | 'small';
  busy?: boolean;
}

export function Button({
  variant = 'default',
  size = 'normal',
  busy = false,
  className,
  disabled,
  type = 'button',
  children,
  ...rest
}: ButtonProps) {
  const classes = ['ui-button'];
  if (variant === 'primary') classes.push('ui-button--primary');
  if (variant === 'danger') classes.push('ui-button--danger');
  if (variant === 'danger-solid') classes.push('ui-button--danger', 'ui-button--solid');
  if (variant === 'ghost') classes.push('ui-button--ghost');
  if (size === 'small') classes.push('ui-button--small');
  if (className) classes.push(className);
  return (
    <button
      {...rest}
      type={type}
      className={classes.join(' ')}
      disabled={disabled === true || busy}
      aria-busy={busy || undefined}
    >
      {children}
    </button>
  );
}
