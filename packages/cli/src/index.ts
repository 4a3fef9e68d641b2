export { main } from './main.js';
export { processContext, systemClock, loadClientModule } from './context.js';
export type { CliContext, CliClock, ClientModule } from './context.js';
export type { CliIO, OutputStream } from './io.js';
export { EXIT } from './exit-codes.js';
export type { ExitCode } from './exit-codes.js';
export { CliError, UsageError, SignInNeededError } from './errors.js';
export { describeFailure } from './boundary.js';
export type { Failure } from './boundary.js';
