/** Severity of a log line. */
export type LogLevel = 'debug' | 'info' | 'warn';

/**
 * Receives the client's diagnostic lines (MSAL's `loggerCallback`). Lines name endpoints,
 * outcomes and delays; they never contain a token, a code or a secret (a test proves it).
 */
export type Logger = (level: LogLevel, message: string) => void;

/** The default logger: drops everything. */
export const silentLogger: Logger = () => undefined;
