import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { z } from 'zod';
import { App } from './app/App';
import { createServices } from './app/services';
import { pickBridge } from './bridge';
import './styles.css';

// The CSP forbids eval; zod would otherwise probe for it with new Function().
z.config({ jitless: true });

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');
createRoot(root).render(
  <StrictMode>
    <App services={createServices(pickBridge())} />
  </StrictMode>,
);
