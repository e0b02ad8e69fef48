import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['harness/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // 2-core CI machines: two workers keep end-to-end tests from starving each other.
    maxWorkers: 2,
  },
});
