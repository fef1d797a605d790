/**
 * Three projects: `unit` runs pure modules and Temporal's time-skipping server;
 * `e2e` needs the real local stack (Temporal dev server + Kafka broker), which
 * its global setup starts once for the whole run and stops afterwards.
 */
const transform = { '^.+\\.tsx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] };
const setupFiles = ['<rootDir>/test/support/quietRuntime.ts'];
/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 120_000,
  projects: [
    { displayName: 'unit', testEnvironment: 'node', transform, setupFiles, testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      transform,
      setupFiles,
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/globalSetup.ts',
      globalTeardown: '<rootDir>/test/support/globalTeardown.ts',
    },
    // Fault injection: each file starts (and kills, stops, restarts) a stack of its own.
    { displayName: 'faults', testEnvironment: 'node', transform, setupFiles, testMatch: ['<rootDir>/test/faults/**/*.test.ts'] },
  ],
};
