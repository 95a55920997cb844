import { useEffect, useState } from 'react';
import { useUi } from '../store-context';

const CONFIRMATION_MS = 2_000;

export function CopyButton({ text, label }: { text: string; label: string }) {
  const copyText = useUi((s) => s.copyText);
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), CONFIRMATION_MS);
    return () => clearTimeout(timer);
  }, [copied]);
  return (
    <>
      <button type="button" className="small" aria-label={label} onClick={() => void copyText(text).then(setCopied)}>
        Copy
      </button>
      <span className="copy-status" role="status">{copied ? 'Copied' : ''}</span>
    </>
  );
}
