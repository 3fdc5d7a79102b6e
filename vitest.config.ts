import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
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
