import { createStore } from 'zustand/vanilla';
import type { MessageKey, Params } from '../../i18n/translate';

export interface Toast {
  id: number;
  tone: 'info' | 'success' | 'error';
  /** Translated at render time, so a language switch reaches toasts already shown. */
  message: { key: MessageKey; params?: Params };
  /** Untranslated text from main (an error message), shown under the message. */
  detail?: string;
  action?: { label: MessageKey; run: () => void | Promise<void> };
  /** Toasts with an action stay longer: the user has to find the button. */
  timeoutMs: number;
}

export interface ToastsState {
  toasts: Toast[];
  push(toast: Omit<Toast, 'id' | 'timeoutMs'> & { timeoutMs?: number }): number;
  dismiss(id: number): void;
}

export function createToastsStore() {
  let nextId = 1;
  return createStore<ToastsState>()((set) => ({
    toasts: [],
    push: (toast) => {
      const id = nextId++;
      const timeoutMs = toast.timeoutMs ?? (toast.action ? 12_000 : 6_000);
      set((s) => ({ toasts: [...s.toasts.slice(-4), { ...toast, id, timeoutMs }] }));
      return id;
    },
    dismiss: (id) => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })),
  }));
}
