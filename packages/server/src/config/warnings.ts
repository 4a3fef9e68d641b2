import type { ServerConfig } from './defaults.js';

/**
 * Settings that are valid but almost certainly wrong, said once at start (app.ts logs each as a
 * warning): the server runs, but something users will hit does not work.
 */
export function configWarnings(config: Pick<ServerConfig, 'databaseUrl' | 'cookieSecret' | 'publicUrl'>): string[] {
  const warnings: string[] = [];
  if (config.databaseUrl !== undefined && config.cookieSecret === undefined) {
    warnings.push(
      'databaseUrl is set (several instances?) but cookieSecret is not: each instance draws its own, so page ' +
        'sessions and DPoP nonces do not cross instances. Set cookieSecret, the same on every instance ' +
        '(docs/deployment.md, "Several instances: checklist").',
    );
  }
  const host = new URL(config.publicUrl).hostname;
  if (host === '0.0.0.0' || host === '[::]') {
    warnings.push(
      `publicUrl is ${config.publicUrl}: clients cannot reach that address, and the issuer will not match ` +
        'the authority they use. Set publicUrl (DEVICELOGIN_PUBLIC_URL) to the URL clients call.',
    );
  }
  return warnings;
}
