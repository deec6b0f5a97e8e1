import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // PGlite+PostGIS instances are heavy: keep parallelism modest on 2-core machines.
    maxWorkers: 2,
  },
});
