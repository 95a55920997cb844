// Focus management for a modal dialog: focus moves in when it opens and whenever its content changes
// (so keyboard users are never left on a removed button), Tab wraps inside, Escape asks to close, and focus
// goes back to the opener (or the page title, when the opener is gone) when it closes.
import { useEffect, type KeyboardEvent, type RefObject } from 'react';

const FOCUSABLE = 'button:not([disabled]), a[href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

export function useDialogFocus(
  ref: RefObject<HTMLElement | null>,
  contentKey: string,
  /** Where focus goes when the dialog closes: the first of these ids still on the page. */
  returnFocusIds: readonly string[],
  onEscape: (() => void) | null,
): (event: KeyboardEvent) => void {
  // The opener is named rather than remembered: the page behind turns inert as the dialog opens, which
  // takes focus away from it before any effect could read document.activeElement.
  const returnTo = returnFocusIds.join(' ');
  useEffect(() => {
    return () => {
      const target = returnTo.split(' ').map((id) => document.getElementById(id)).find((el) => el !== null);
      target?.focus();
    };
  }, [returnTo]);

  useEffect(() => {
    const root = ref.current;
    if (!root) return;
    // The step's primary control, or the dialog itself while its content is still loading.
    (root.querySelector<HTMLElement>('[data-autofocus]') ?? root).focus();
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
