import type { Clock } from '@devicelogin/protocol';
import type { ServerConfig } from '../config/defaults.js';
import type { DeviceCodeEvents } from './device-code-events.js';
import { InProcessDeviceCodeEvents } from './in-process-events.js';

/**
 * The channel matching the configured store (store/open.ts's rule): PostgreSQL LISTEN/NOTIFY when
 * `databaseUrl` is set (several instances share the database), in-process events otherwise. The
 * PostgreSQL module loads only when used. Waits time out on `clock.sleep`.
 */
export async function openConfiguredEvents(
  config: Pick<ServerConfig, 'databaseUrl'>,
  clock: Pick<Clock, 'sleep'>,
  onError: (error: Error) => void,
): Promise<DeviceCodeEvents> {
  const sleep = (ms: number, signal: AbortSignal): Promise<void> => clock.sleep(ms, signal);
  if (config.databaseUrl === undefined) return new InProcessDeviceCodeEvents(sleep);
  const { openPostgresEvents } = await import('./postgres-events.js');
  return openPostgresEvents({ connectionString: config.databaseUrl, sleep, onError });
}
