import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { Modal } from './Modal';

describe('Modal', () => {
  // The dimmed background's click keeping focus in the dialog needs a real browser: test/e2e/japanese.test.ts.
  it('Tab stays inside and Esc cancels', async () => {
    const onClose = vi.fn();
    const user = userEvent.setup();
    render(
      <>
        <button type="button">behind</button>
        <Modal title="Edit" onClose={onClose}>
          <input aria-label="Name" />
          <button type="button">Save</button>
        </Modal>
      </>,
    );
    const dialog = screen.getByRole('dialog', { name: 'Edit' });
    expect(dialog.contains(document.activeElement)).toBe(true);
    await user.tab();
    await user.tab();
    await user.tab();
    expect(dialog.contains(document.activeElement)).toBe(true);
    await user.keyboard('{Escape}');
    expect(onClose).toHaveBeenCalledOnce();
  });
});
