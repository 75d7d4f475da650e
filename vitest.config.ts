import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'out/**', 'results/**', '.stryker-tmp/**'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // every core: vitest's default leaves one idle (on CI's 2 cores it ran the files one at a time)
    maxWorkers: Math.max(1, availableParallelism()),
    reporters: ['default'],
  },
});
