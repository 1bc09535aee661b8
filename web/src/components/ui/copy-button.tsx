// CopyButton and CopyableText: copy a secret or a command to the clipboard and say so.
import { useState } from 'react';
import { Button } from './button';

export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
      window.setTimeout(() => setCopied(false), 2000);
    } catch {
      setCopied(false);
    }
  };
  return (
    <Button onClick={() => void copy()} aria-live="polite">
      {copied ? 'Copied' : label}
    </Button>
  );
}

export function CopyableText({ text, label }: { text: string; label: string }) {
  return (
    <div className="ui-copy">
      <pre aria-label={label} tabIndex={0}>
        {text}
      </pre>
      <CopyButton text={text} label={`Copy`} />
    </div>
  );
}
