import { allHandlersFinished, condition, continueAsNew, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { hasData } from '../../domain/fourCompare';
import type { CheckRecord, TourRecord } from '../../schemas/rankings';
import { RegistrySettings } from '../../schemas/rankings';
import { SA } from '../../schemas/searchAttributes';
import {
  latestChecksQuery,
  latestToursQuery,
  previousCheckQuery,
  recordCheckSignal,
  recordTourSignal,
  type RankingsRegistryInput,
} from './messages';

const byPeriodDesc = (a: CheckRecord, b: CheckRecord) => (a.period < b.period ? 1 : a.period > b.period ? -1 : 0);
const byClosedDesc = (a: TourRecord, b: TourRecord) =>
  Date.parse(b.closedAt) - Date.parse(a.closedAt) || (a.tourId < b.tourId ? -1 : a.tourId > b.tourId ? 1 : 0);

/**
 * The rankings registry (`keyflow-rankings`): the latest 四比四看 checks — one per period, the
 * latest run of it — and the latest 观摩 tours, `settings.keep` of each, for queries and for the
 * next check to measure rank changes against. Every record is also on Kafka for good; this is the
 * queryable window. Started by the first record (signal-with-start); continues as new, carrying
 * what it keeps, when its history grows.
 */
export async function rankingsRegistry(input: RankingsRegistryInput): Promise<void> {
  const settings = RegistrySettings.parse(input.settings ?? {});
  let checks: CheckRecord[] = [...(input.carried?.checks ?? [])];
  let tours: TourRecord[] = [...(input.carried?.tours ?? [])];

  upsertSearchAttributes([{ key: SA.kind, value: 'rankings-registry' }]);

  setHandler(recordCheckSignal, (record) => {
    const same = checks.find((c) => c.period === record.period);
    // A slower, older run of the period must not replace a newer one that recorded first.
    if (same && Date.parse(same.completedAt) > Date.parse(record.completedAt)) return;
    checks = [...checks.filter((c) => c.period !== record.period), record].sort(byPeriodDesc).slice(0, settings.keep);
  });
  setHandler(recordTourSignal, (record) => {
    tours = [...tours.filter((t) => t.tourId !== record.tourId), record].sort(byClosedDesc).slice(0, settings.keep);
  });

  setHandler(latestChecksQuery, (n) => checks.slice(0, n ?? checks.length));
  setHandler(latestToursQuery, (n) => tours.slice(0, n ?? tours.length));
  // A month without data is no basis for rank changes: the next check compares with the latest one that had data.
  setHandler(previousCheckQuery, (period) => checks.find((c) => c.period < period && hasData(c.result)) ?? null);

  await condition(() => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= settings.continueAsNewAfterEvents);
  // Signals are handled synchronously; a signal arriving while the run closes makes the server
  // refuse the close, so the next task handles it before trying again — none is lost.
  await condition(allHandlersFinished);
  await continueAsNew<typeof rankingsRegistry>({ settings, carried: { checks, tours } });
}
