import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';

// No `globals: true` in the config, so Testing Library cannot clean up by itself.
afterEach(() => cleanup());
