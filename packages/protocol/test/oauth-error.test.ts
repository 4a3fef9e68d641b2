import { describe, expect, it } from 'vitest';
import { scrubOAuthError, toOAuthError } from '@devicelogin/protocol';

// A server that echoes the request back may put the secret it was sent in any field of its error.

describe('scrubOAuthError', () => {
  it('redacts the secrets in every text field and in the body', () => {
    const secret = 'rt-0123456789-secret';
    const body = {
      error: `bad_${secret}`,
      error_description: `no ${secret}`,
      error_uri: `https://id.example/e?t=${secret}`,
      suberror: secret,
      trace_id: secret,
      correlation_id: secret,
      timestamp: secret,
    };
    const scrubbed = scrubOAuthError(toOAuthError(body, 400, null), [secret, '']);
    expect(JSON.stringify(scrubbed)).not.toContain(secret);
    expect(scrubbed).toMatchObject({
      error: 'bad_[redacted]',
      errorDescription: 'no [redacted]',
      errorUri: 'https://id.example/e?t=[redacted]',
      suberror: '[redacted]',
      traceId: '[redacted]',
      correlationId: '[redacted]',
      timestamp: '[redacted]',
    });
  });
});
