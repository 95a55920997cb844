// Focus management for a modal dialog: focus moves in when it opens and whenever its content changes step
// (so keyboard users are never left on a removed button), Tab wraps inside, Escape asks to close, and focus
// goes back to the opener (or the page title, when the opener is gone) when it closes.
import { useEffect, type KeyboardEvent, type RefObject } from 'react';

const FOCUSABLE = 'button:not([disabled]), a[href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

export function useDialogFocus(
  ref: RefObject<HTMLElement | null>,
  contentKey: string,
  fallbackFocusId: string,
  onEscape: (() => void) | null,
): (event: KeyboardEvent) => void {
  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    return () => {
      const target = opener?.isConnected && !opener.closest('[inert]') ? opener : document.getElementById(fallbackFocusId);
      target?.focus();
    };
  }, [fallbackFocusId]);

  useEffect(() => {
    const root = ref.current;
    if (!root) return;
    const target = root.querySelector<HTMLElement>('[data-autofocus]') ?? root.querySelector<HTMLElement>(FOCUSABLE) ?? root;
    target.focus();
  }, [ref, contentKey]);

  return (event) => {
    if (event.key === 'Escape' && onEscape) {
      event.preventDefault();
      onEscape();
      return;
    }
    if (event.key !== 'Tab' || !ref.current) return;
    const focusable = [...ref.current.querySelectorAll<HTMLElement>(FOCUSABLE)];
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (!first || !last) return;
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  };
}
