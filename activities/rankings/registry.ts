import { Client, WorkflowNotFoundError } from '@temporalio/client';
import { hasData } from '../../domain/fourCompare';
import { StoredCheckRecord, type CheckRecord, type RegistrySettings, type TourRecord } from '../../schemas/rankings';
import {
  previousCheckQuery,
  RANKINGS_REGISTRY_ID,
  recordCheckSignal,
  recordTourSignal,
  type RankingsRegistryInput,
} from '../../workflows/rankings/messages';

/**
 * The check a check of `period` measures rank changes against, from the registry: the latest
 * earlier check with data; null when there is none. Read through StoredCheckRecord, so a record
 * kept from before the no-data flag counts as what it was.
 */
export async function previousCheck(client: Client, period: string): Promise<CheckRecord | null> {
  try {
    const found = await client.workflow.getHandle(RANKINGS_REGISTRY_ID).query(previousCheckQuery, period);
    if (found === null) return null;
    const record = StoredCheckRecord.parse(found);
    // A registry still running an older query may answer with a month without data.
    return hasData(record.result) ? record : null;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return null;
    throw err;
  }
}

/** Records a published check or tour in the registry, starting the registry if it is not running. Idempotent by id. */
export async function recordRanking(
  client: Client,
  taskQueue: string,
  req: { kind: 'check'; record: CheckRecord; settings: RegistrySettings } | { kind: 'tour'; record: TourRecord; settings: RegistrySettings },
): Promise<void> {
  const input: RankingsRegistryInput = { settings: req.settings };
  const common = { workflowId: RANKINGS_REGISTRY_ID, taskQueue, args: [input] as [RankingsRegistryInput] };
  if (req.kind === 'check') {
    await client.workflow.signalWithStart('rankingsRegistry', { ...common, signal: recordCheckSignal, signalArgs: [req.record] });
  } else {
    await client.workflow.signalWithStart('rankingsRegistry', { ...common, signal: recordTourSignal, signalArgs: [req.record] });
  }
}
