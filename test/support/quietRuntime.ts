import { DefaultLogger, Runtime } from '@temporalio/worker';

/**
 * Workers log every state change at INFO; in a test run that buries the failures. Warnings and
 * errors still show. Installed before each test file (jest `setupFiles`).
 */
try {
  Runtime.install({ logger: new DefaultLogger('WARN'), telemetryOptions: { logging: { filter: { core: 'WARN', other: 'WARN' } } } });
} catch {
  // A runtime was installed already in this worker process.
}
