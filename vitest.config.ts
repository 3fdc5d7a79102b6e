import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Runs after every other file, alone: it posts a quarter of feed to the live local stack against
 * the wall clock (sweeps at whole minutes), which would both slow the other end-to-end files
 * and be slowed by them.
 */
const aloneAtTheEnd = ['tests/backtest/live-agreement.test.ts'];

export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'suite',
          include: ['tests/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...aloneAtTheEnd],
          sequence: { groupOrder: 0 },
        },
      },
      { extends: true, test: { name: 'alone', include: aloneAtTheEnd, sequence: { groupOrder: 1 } } },
    ],
    testTimeout: 20_000,
    // Lambda runs Node.js 22; the SDK's notice about Node 20 is noise in test output.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    globalSetup: ['tests/support/global-setup.ts'],
    coverage: {
      provider: 'v8',
      include: ['lambdas/**/*.ts'],
      reporter: ['text-summary'],
      // The clinical decisions and the alert lifecycle must stay fully exercised, and so must the
      // workflows and adapters where a lost message or a double page would happen.
      thresholds: {
        'lambdas/workflows/**': { lines: 93 },
        'lambdas/adapters/**': { lines: 88 },
        'lambdas/rules/**': { lines: 95 },
        'lambdas/patient/**': { lines: 95 },
        'lambdas/alerts/**': { lines: 95 },
        'lambdas/hl7/**': { lines: 90 },
        'lambdas/units/**': { lines: 95 },
        'lambdas/messages/**': { lines: 95 },
      },
    },
  },
});
