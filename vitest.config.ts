import { defineConfig } from 'vitest/config';

// Unit tests sit beside the code; tests that cross parts live in tests/.
// End-to-end tests start real Chromium instances, so they run one file at a time.
export default defineConfig({
  test: {
    include: ['{protocol,server,extension,site,tests}/**/*.test.{ts,tsx}'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    fileParallelism: true,
    maxWorkers: 2,
    reporters: ['default', './tests/support/summary-reporter.ts'],
  },
});
