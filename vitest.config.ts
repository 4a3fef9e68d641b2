import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test-utils/test/**/*.test.ts', 'docs/test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    // Two workers on the 2-core machines: much of the suite waits on child processes, Chromium,
    // PostgreSQL and sockets rather than on the CPU (measured: the whole run 7.0 → 4.9 minutes).
    maxWorkers: 2,
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});
