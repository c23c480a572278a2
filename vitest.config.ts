import { defineConfig } from 'vitest/config';

// Unit tests sit beside the code; tests that cross parts live in tests/. Three groups run one
// after the other: first everything without a browser, then the end-to-end files, which
// start real Chromium instances and should not compete with the integration suites for
// the two cores, then the benchmarks at tiny sizes.
export default defineConfig({
  test: {
    maxWorkers: 2,
    reporters: ['default', './tests/support/summary-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit+integration',
          include: ['{protocol,server,extension,site}/**/*.test.{ts,tsx}', 'tests/integration/**/*.test.ts', 'tests/devkit/**/*.test.ts', 'tests/faults/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          // Last and alone: the start benchmark rebuilds dist/, which the end-to-end files load.
          name: 'bench',
          include: ['tests/bench/**/*.test.ts'],
          testTimeout: 600_000,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
