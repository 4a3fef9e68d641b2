import { afterEach, describe, expect, it } from 'vitest';
import { expectGoodPage } from './support/page-checks.js';
import { PAGE_STATES } from './support/page-states.js';
import { WeightRecorder } from './support/page-weight.js';
import { heading } from './support/pages.js';
import { useBrowserSuite } from './support/suite.js';

// Every page the flow can show (English; the French and MFA pages are checked in their own
// files), as served with its real CSP, reached over real HTTP: accessible (axe-core, no serious
// or critical violation), under 30 KB with everything it loads, no script; screenshots under
// artifacts/screenshots/ (phone size, and desktop size for the main pages).

const suite = useBrowserSuite();

// Some states use up a guessing budget of this machine's IP (127.0.0.1): every test starts in a
// fresh 15-minute window (the budgets' windows are aligned, so moving a whole window always
// reaches the next one).
afterEach(() => {
  suite.server.clock.advance(15 * 60_000);
});

describe('every verification page', () => {
  it.each(PAGE_STATES)('$name: accessible (axe), under 30 KB, no script', async (state) => {
    const page = await suite.newPage();
    const weights = new WeightRecorder(page);
    const response = await state.reach(page, suite.server);
    expect(response.status()).toBe(state.status);
    expect(await heading(page)).toMatch(state.heading);
    await expectGoodPage(page, state.name, weights, state.main ? 'both' : 'phone', state.status);
  });
});
