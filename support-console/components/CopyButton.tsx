import { useState } from 'react';

/** Copies a value; says so (for screen readers too) or, where the browser refuses, selects nothing silently wrong. */
export function CopyButton({ text, label, shown = 'Copy' }: { text: string; label: string; shown?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      setState('failed');
    }
  };
  return (
    <button type="button" className="copy" aria-label={label} onClick={() => void copy()}>
      {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed: select and copy by hand' : shown}
    </button>
  );
}
