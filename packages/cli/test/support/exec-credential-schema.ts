/**
 * JSON Schema of client.authentication.k8s.io/v1 ExecCredential, written from the Kubernetes API
 * types (k8s.io/client-go/pkg/apis/clientauthentication/v1: ExecCredential, ExecCredentialSpec,
 * ExecCredentialStatus). `status` needs a token or a client certificate and key; the
 * expiration is an RFC 3339 time.
 */
export const EXEC_CREDENTIAL_V1_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  required: ['apiVersion', 'kind', 'status'],
  additionalProperties: false,
  properties: {
    apiVersion: { const: 'client.authentication.k8s.io/v1' },
    kind: { const: 'ExecCredential' },
    spec: {
      type: 'object',
      additionalProperties: false,
      properties: {
        interactive: { type: 'boolean' },
        cluster: { type: 'object' },
      },
    },
    status: {
      type: 'object',
      additionalProperties: false,
      properties: {
        expirationTimestamp: {
          type: 'string',
          pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$',
        },
        token: { type: 'string', minLength: 1 },
        clientCertificateData: { type: 'string' },
        clientKeyData: { type: 'string' },
      },
      anyOf: [{ required: ['token'] }, { required: ['clientCertificateData', 'clientKeyData'] }],
    },
  },
} as const;
