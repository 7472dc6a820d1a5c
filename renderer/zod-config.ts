import { z } from 'zod';

// The CSP forbids eval. zod decides per schema, when the schema is built, whether to compile a
// fast parser with new Function(): this module must run before any schema module is loaded.
z.config({ jitless: true });
