/**
 * The one handler path of entity workflows (workflows/shared/entity.ts) on a tiny workflow
 * (test/support/entityPathProbe.ts): what the review, meeting, follow-ups and tour rely on —
 * a repeated request id answered once, a reused one refused, a refusal changing nothing, the
 * serial section deciding in arrival order, a repeat while the first awaits, failures kept.
 */
import { WorkflowUpdateStage } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { addUpdate, flakyAddUpdate, probeQuery, slowAddUpdate, stopSignal } from '../support/entityPathProbe';
import { createTimeSkippingEnv } from '../support/timeSkipping';

jest.setTimeout(120_000);

let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;
const taskQueue = 'entity-path';

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath: require.resolve('../support/entityPathProbe') });
  running = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
});

const start = (id: string, serial: boolean) => env.client.workflow.start('entityPathProbe', { taskQueue, workflowId: id, args: [{ serial }] });
const failureOf = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a refusal'); }, (e: { cause?: { type?: string; message?: string } }) => ({ type: e.cause?.type, message: e.cause?.message }));

it('answers a repeated request id with the first answer, refuses a reused one, and a refusal changes nothing', async () => {
  const h = await start('entity-sync', false);
  expect(await h.executeUpdate(addUpdate, { args: [{ requestId: 'r-1', n: 5 }] })).toBe(5);
  expect(await h.executeUpdate(addUpdate, { args: [{ requestId: 'r-1', n: 5 }] })).toBe(5);
  expect(await failureOf(h.executeUpdate(addUpdate, { args: [{ requestId: 'r-1', n: 6 }] }))).toMatchObject({ type: 'RequestIdReused' });
  expect(await failureOf(h.executeUpdate(addUpdate, { args: [{ requestId: 'r-2', n: -1 }] }))).toEqual({ type: 'ValidationFailed', message: 'n: must not be negative' });
  expect(await failureOf(h.executeUpdate(addUpdate, { args: [{ requestId: 'x', n: 1 }] as never }))).toMatchObject({ type: 'ValidationFailed' });
  expect(await h.query(probeQuery)).toEqual({ total: 5, decisions: 1 });
  await h.signal(stopSignal);
  expect(await h.result()).toBe(5);
});

it('in a serial section decides one request after another, on the state the previous one left; a repeat waits for the first answer', async () => {
  const h = await start('entity-serial', true);
  const first = await h.startUpdate(slowAddUpdate, { args: [{ requestId: 's-1', n: 1 }], waitForStage: WorkflowUpdateStage.ACCEPTED });
  const again = await h.startUpdate(slowAddUpdate, { args: [{ requestId: 's-1', n: 1 }], waitForStage: WorkflowUpdateStage.ACCEPTED });
  const second = await h.startUpdate(slowAddUpdate, { args: [{ requestId: 's-2', n: 2 }], waitForStage: WorkflowUpdateStage.ACCEPTED });
  expect(await Promise.all([first.result(), again.result(), second.result()])).toEqual([1, 1, 3]);
  expect(await h.query(probeQuery)).toEqual({ total: 3, decisions: 2 });
  await h.signal(stopSignal);
});

it('without a serial section answers a repeat that comes while the first awaits with the same answer, deciding once', async () => {
  const h = await start('entity-flying', false);
  const first = await h.startUpdate(slowAddUpdate, { args: [{ requestId: 'f-1', n: 4 }], waitForStage: WorkflowUpdateStage.ACCEPTED });
  const again = await h.startUpdate(slowAddUpdate, { args: [{ requestId: 'f-1', n: 4 }], waitForStage: WorkflowUpdateStage.ACCEPTED });
  expect(await Promise.all([first.result(), again.result()])).toEqual([4, 4]);
  expect(await h.query(probeQuery)).toEqual({ total: 4, decisions: 1 });
  await h.signal(stopSignal);
});

it('keeps a first attempt that failed: the repeat gets the same failure without deciding again', async () => {
  const h = await start('entity-failures', false);
  const refused = { type: 'ValidationFailed', message: 'n: must not be negative' };
  expect(await failureOf(h.executeUpdate(flakyAddUpdate, { args: [{ requestId: 'k-1', n: -2 }] }))).toEqual(refused);
  expect(await failureOf(h.executeUpdate(flakyAddUpdate, { args: [{ requestId: 'k-1', n: -2 }] }))).toEqual(refused);
  expect(await h.query(probeQuery)).toEqual({ total: 0, decisions: 1 });
  await h.signal(stopSignal);
});
