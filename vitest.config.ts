import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration tests start real servers on loopback; keep parallelism modest on small machines.
    maxWorkers: 2,
    globalSetup: ['test/setup/required-servers.ts'],
  },
});
