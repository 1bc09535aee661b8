// Input: a styled native text input (native semantics, autofill and keyboard behaviour intact).
import type { InputHTMLAttributes } from 'react';

export function Input({ className, ...rest }: InputHTMLAttributes<HTMLInputElement>) {
  return <input {...rest} className={className ? `ui-input ${className}` : 'ui-input'} />;
}
