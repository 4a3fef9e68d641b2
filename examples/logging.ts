/**
 * Diagnostic lines to stderr. They contain no token, code or secret.
 */
import { PublicClientApplication } from '@devicelogin/client';

export const app = new PublicClientApplication({
  auth: { clientId: '00000000-0000-0000-0000-000000000000' },
  system: { logger: (level, message) => console.error(`[${level}] ${message}`) },
});
