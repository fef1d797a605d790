/**
 * A tiny entity workflow for test/unit/entityPath.test.ts: one number, three updates through
 * workflows/shared/entity.ts (synchronous, awaiting, and awaiting with its failures kept). Bundled
 * on its own; not part of the worker's workflows.
 */
import { condition, defineQuery, defineSignal, defineUpdate, setHandler, sleep } from '@temporalio/workflow';
import { z } from 'zod';
import { decided } from '../../domain/decision';
import { refuse } from '../../domain/refusal';
import { FailureType } from '../../schemas/errors';
import { EntityPath } from '../../workflows/shared/entity';
import { Outbox } from '../../workflows/shared/outbox';
import { RequestLedger } from '../../workflows/shared/requestLedger';
import { Serial } from '../../workflows/shared/serial';

const Add = z.object({ requestId: z.string().min(3), n: z.number().int() });
type AddRaw = z.input<typeof Add>;

export const addUpdate = defineUpdate<number, [AddRaw]>('add');
export const slowAddUpdate = defineUpdate<number, [AddRaw]>('slowAdd');
export const flakyAddUpdate = defineUpdate<number, [AddRaw]>('flakyAdd');
export const probeQuery = defineQuery<{ total: number; decisions: number }>('probe');
export const stopSignal = defineSignal('stop');

const negative = (n: number) => (n < 0 ? refuse(FailureType.ValidationFailed, 'n: must not be negative', [{ field: 'n', rule: 'must not be negative' }]) : undefined);

export async function entityPathProbe(opts: { serial: boolean }): Promise<number> {
  let state = { total: 0 };
  /** How often a handler decided (validators do not count). */
  let decisions = 0;
  let stopped = false;
  const path = new EntityPath<{ total: number }>({
    state: () => state,
    set: (next) => (state = next),
    ledger: new RequestLedger(),
    outbox: new Outbox('probe'),
    ...(opts.serial ? { serial: new Serial() } : {}),
  });
  path.update(addUpdate, {
    schema: Add,
    kind: 'add',
    check: (_s, req) => negative(req.n),
    decide: (s, req) => {
      decisions += 1;
      return negative(req.n) ?? decided({ total: s.total + req.n }, s.total + req.n);
    },
  });
  path.update(slowAddUpdate, {
    schema: Add,
    kind: 'slowAdd',
    check: (_s, req) => negative(req.n),
    decide: async (_s, req) => {
      decisions += 1;
      await sleep(500);
      return decided({ total: state.total + req.n }, state.total + req.n);
    },
  });
  path.update(flakyAddUpdate, {
    schema: Add,
    kind: 'flakyAdd',
    keepsFailures: true,
    check: () => undefined,
    decide: async (_s, req) => {
      decisions += 1;
      await sleep(10);
      return negative(req.n) ?? decided({ total: state.total + req.n }, state.total + req.n);
    },
  });
  setHandler(probeQuery, () => ({ total: state.total, decisions }));
  setHandler(stopSignal, () => void (stopped = true));
  await condition(() => stopped);
  return state.total;
}
