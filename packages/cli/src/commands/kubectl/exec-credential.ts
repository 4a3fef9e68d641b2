import { UsageError } from '../../errors.js';

/** The ExecCredential API versions kubectl speaks to exec plugins. */
export const EXEC_API_VERSIONS = ['client.authentication.k8s.io/v1', 'client.authentication.k8s.io/v1beta1'] as const;

/** An ExecCredential API version. */
export type ExecApiVersion = (typeof EXEC_API_VERSIONS)[number];

/** What kubectl tells the plugin in `KUBERNETES_EXEC_INFO`. */
export interface ExecInfo {
  readonly apiVersion: ExecApiVersion;
  /** Whether the plugin may interact with the user (stdin is a terminal and kubeconfig allows it). */
  readonly interactive: boolean | undefined;
}

/**
 * Parses `KUBERNETES_EXEC_INFO` (absent: v1, interactivity unknown).
 * @throws {UsageError} not JSON, or an API version this plugin does not speak.
 */
export function parseExecInfo(text: string | undefined): ExecInfo {
  if (text === undefined || text === '') return { apiVersion: EXEC_API_VERSIONS[0], interactive: undefined };
  let data: { apiVersion?: unknown; spec?: { interactive?: unknown } };
  try {
    data = JSON.parse(text) as typeof data;
  } catch {
    throw new UsageError('KUBERNETES_EXEC_INFO is not JSON.');
  }
  const apiVersion = data.apiVersion ?? EXEC_API_VERSIONS[0];
  if (!(EXEC_API_VERSIONS as readonly unknown[]).includes(apiVersion)) {
    throw new UsageError(
      `kubectl asked for ExecCredential ${JSON.stringify(apiVersion)}; devicelogin speaks ${EXEC_API_VERSIONS.join(' and ')}.`,
      'Set apiVersion: client.authentication.k8s.io/v1 in the kubeconfig exec section.',
    );
  }
  const interactive = data.spec?.interactive;
  return {
    apiVersion: apiVersion as ExecApiVersion,
    interactive: typeof interactive === 'boolean' ? interactive : undefined,
  };
}

/** The ExecCredential kubectl reads from the plugin's stdout. */
export function execCredential(
  apiVersion: ExecApiVersion,
  interactive: boolean,
  token: string,
  expiresOn: Date | undefined,
): Record<string, unknown> {
  return {
    kind: 'ExecCredential',
    apiVersion,
    spec: { interactive },
    status: {
      token,
      ...(expiresOn === undefined ? {} : { expirationTimestamp: expiresOn.toISOString().replace(/\.\d{3}Z$/, 'Z') }),
    },
  };
}
