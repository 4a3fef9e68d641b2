export { startServer, readBody, readForm, sendJson, sendText, type Handler, type TestServer } from './server.js';
export { eventually, fakeClock, manualClock, stuckClock, type FakeClock, type ManualClock } from './fake-clock.js';
export { assertNoSecretsIn, describeErrorFully } from './secrets.js';
export { createTestIssuer, type TestIssuer } from './issuer.js';
export { tempDir } from './temp-dir.js';
export { startProxy, type TestProxy } from './proxy.js';
export { launchChromium, CHROMIUM_ARGS, CHROMIUM_PATH, type TestBrowser } from './chromium.js';
export { freshPostgresDatabase, POSTGRES_MAINTENANCE_URL, type TestDatabase } from './postgres.js';
export { startTcpRelay, type TcpRelay } from './tcp-relay.js';
