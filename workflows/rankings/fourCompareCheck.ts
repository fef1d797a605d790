import {
  ParentClosePolicy,
  patched,
  proxyActivities,
  startChild,
  upsertSearchAttributes,
  WorkflowIdReusePolicy,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { KeyflowActivities } from '../../activities';
import { checkPeriodRefusal } from '../../domain/checkPeriod';
import { runFourCompare } from '../../domain/fourCompare';
import { FailureType } from '../../schemas/errors';
import { CheckRecord, FourCompareCheckInput, FourCompareMonthlyInput, type FourCompareCheckInputRaw, type FourCompareMonthlyInputRaw } from '../../schemas/rankings';
import { SA } from '../../schemas/searchAttributes';
import { Outbox } from '../shared/outbox';
import { checkWorkflowId, periodToCheck } from './messages';
import { parseOrRefuse, refuse } from '../shared/refusal';

const acts = proxyActivities<KeyflowActivities>({
  startToCloseTimeout: '5 minutes',
  // Reading live state may fail while the server or a worker restarts: keep trying, gently.
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/** How many runs of one period a monthly trigger tries before giving up (each is a separate check). */
const MAX_RUNS_PER_PERIOD = 50;

/**
 * One 四比四看 check (workflow id = check id, see checkWorkflowId) of a month that has ended
 * (domain/checkPeriod.ts; else refused as MonthNotClosed or ValidationFailed, naming `period`):
 * reads the live project facts of the period, compares with the registry's latest earlier check
 * with data, ranks the counties — or publishes the month as no data (无数据) (pure,
 * domain/fourCompare.ts), writes the report, publishes `cn.keyflow.ranking.checkPublished` and
 * records the check in the registry. Everything it computed from — facts, counties, previous
 * check, configuration — is in its history, so the check can be reproduced from it.
 */
export async function fourCompareCheck(raw: FourCompareCheckInputRaw): Promise<CheckRecord> {
  const input = parseOrRefuse(FourCompareCheckInput, raw, 'input');
  const { period, config } = input;
  const checkId = workflowInfo().workflowId;
  // The workflow has the last word on the period, on its own clock: a month still in progress
  // (or before keyflow's data) is refused here even when a caller skipped the check at the edge.
  if (patched('four-compare-closed-month')) {
    const refusal = checkPeriodRefusal(period, new Date(Date.now()));
    if (refusal) refuse(refusal.type, `check ${checkId}: ${refusal.field}: ${refusal.rule}`, [{ field: refusal.field, rule: refusal.rule }]);
  }
  upsertSearchAttributes([{ key: SA.kind, value: 'check' }]);

  const gathered = await acts.gatherProjectFacts({ period });
  const previous = await acts.previousCheck({ period });
  let result;
  try {
    result = runFourCompare(config, gathered.counties, gathered.facts, period, previous?.result);
  } catch (err) {
    // A domain refusal (unknown county, duplicate facts) will not heal by retrying the task.
    refuse(FailureType.ValidationFailed, `check ${checkId} cannot rank ${period}: ${(err as Error).message}`, { name: (err as Error).name });
  }
  // Since this patch the check records the read model's lag its facts were read with (读模型滞后) in
  // its report, event and record: null when they came from the workflows' own state. Checks
  // published before it stay as they were.
  const lagged = patched('four-compare-read-model-lag');
  const readModel = gathered.readModel ?? null;
  const reports = await acts.writeRankingReport({ kind: 'check', id: checkId, result, counties: gathered.counties, ...(lagged ? { readModel } : {}) });

  const outbox = new Outbox(`check-${period}`);
  if (lagged) outbox.add('cn.keyflow.ranking.checkPublished', checkId, { ...result, checkId, reports, readModel }, 2);
  else outbox.add('cn.keyflow.ranking.checkPublished', checkId, { ...result, checkId, reports });
  await outbox.flushed();

  const record: CheckRecord = { checkId, period, completedAt: new Date(Date.now()).toISOString(), result, reports, ...(lagged ? { readModel } : {}) };
  await acts.recordRanking({ kind: 'check', record, settings: input.registry });
  return record;
}

/**
 * What the monthly Temporal Schedule starts: checks the previous month (Asia/Shanghai) as a
 * child `fourCompareCheck` under the period's check id — `four-compare-<period>`, or the next free
 * `four-compare-<period>-<n>` when the period was already checked (on demand, or a repeated
 * firing) — and returns that check.
 */
export async function fourCompareMonthly(raw: FourCompareMonthlyInputRaw): Promise<CheckRecord> {
  const input = parseOrRefuse(FourCompareMonthlyInput, raw, 'input');
  const period = periodToCheck(new Date(Date.now()));
  const args: FourCompareCheckInputRaw = { period, config: input.config, registry: input.registry };
  for (let run = 1; run <= MAX_RUNS_PER_PERIOD; run++) {
    try {
      const child = await startChild(fourCompareCheck, {
        workflowId: checkWorkflowId(period, run),
        args: [args],
        // A check id belongs to one run for good: its reports and event carry that id.
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        // The check finishes even if this trigger is cancelled or terminated.
        parentClosePolicy: ParentClosePolicy.ABANDON,
        typedSearchAttributes: [{ key: SA.kind, value: 'check' }],
      });
      return await child.result();
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  }
  return refuse(FailureType.ValidationFailed, `period ${period} has been checked ${MAX_RUNS_PER_PERIOD} times already; start a check of it on demand instead`);
}
