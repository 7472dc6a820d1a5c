/**
 * A modal dialog: focus moves in (to `initialFocus` or the first control), Tab stays inside,
 * Escape cancels, and focus goes back where it was when the dialog closes.
 */
import { useEffect, useId, useRef, type KeyboardEvent, type MouseEvent, type ReactNode, type RefObject } from 'react';
import { createPortal } from 'react-dom';

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])';

function focusables(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => !el.closest('[inert]'));
}

export interface ModalProps {
  title: ReactNode;
  onClose(): void;
  children: ReactNode;
  tone?: 'normal' | 'danger';
  size?: 'normal' | 'wide';
  initialFocus?: RefObject<HTMLElement | null>;
  /** Read by screen readers right after the title. */
  describedBy?: string;
}

export function Modal({ title, onClose, children, tone = 'normal', size = 'normal', initialFocus, describedBy }: ModalProps) {
  const titleId = useId();
  const dialog = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const root = dialog.current;
    if (root) (initialFocus?.current ?? focusables(root)[0] ?? root).focus();
    return () => {
      if (previous?.isConnected) previous.focus();
    };
    // Focus moves once, when the dialog appears.
  }, []);

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    if (e.key === 'Escape') {
      e.stopPropagation();
      onClose();
      return;
    }
    if (e.key !== 'Tab' || !dialog.current) return;
    const items = focusables(dialog.current);
    if (items.length === 0) return e.preventDefault();
    const first = items[0];
    const last = items[items.length - 1];
    const active = document.activeElement;
    if (e.shiftKey && (active === first || !dialog.current.contains(active))) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && (active === last || !dialog.current.contains(active))) {
      e.preventDefault();
      first.focus();
    }
  }

  // A click on the dimmed background keeps the keyboard in the dialog (Esc still cancels, Tab
  // still cycles inside): focus goes back to the dialog instead of the page behind it.
  function onBackdropMouseDown(e: MouseEvent<HTMLDivElement>) {
    if (e.target === e.currentTarget) {
      e.preventDefault();
      dialog.current?.focus();
    }
  }

  return createPortal(
    <div className="modal-backdrop" onMouseDown={onBackdropMouseDown}>
      <div
        ref={dialog}
        role={tone === 'danger' ? 'alertdialog' : 'dialog'}
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={describedBy}
        tabIndex={-1}
        className={`modal modal-${size} modal-${tone}`}
        onKeyDown={onKeyDown}
      >
        <h2 id={titleId} className="modal-title">
          {title}
        </h2>
        {children}
      </div>
    </div>,
    document.body,
  );
}
