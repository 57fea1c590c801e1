import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    // Handlers under test log through Powertools; the expected errors would only clutter the output.
    env: { POWERTOOLS_LOG_LEVEL: 'SILENT' },
    // Integration and browser suites run whole local stacks on two cores; a busy run needs the room.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration suites each start their own local runtime on free ports; two cores run two files at once.
    maxWorkers: 2,
  },
});
