import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Integration suites each start their own local runtime on free ports; two cores run two files at once.
    maxWorkers: 2,
  },
});
