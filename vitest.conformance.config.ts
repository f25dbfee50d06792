import { defineConfig } from 'vitest/config';

// Conformance pass over third-party samples (not part of the repo). Path from DRAWBRIDGE_REAL_DATA.
export default defineConfig({
  test: {
    include: ['conformance/**/*.conformance.ts'],
    testTimeout: 120_000,
  },
});
