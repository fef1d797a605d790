/**
 * Modules the worker loads once into its shared V8 context (`bundlerOptions.preloadModules`)
 * instead of once per cached workflow: zod, the schemas and the pure rules. Only modules without
 * per-workflow state belong here: their module scope runs before any workflow exists, and the
 * SDK deep-freezes what they export afterwards. So workflows/ stays out (workflow APIs at load
 * time, per-workflow state), and workers/preloadWarm.ts, preloaded too, prepares the schemas for
 * the freeze (zod v3 writes to a schema while it parses; see there).
 * The replay tests (test/unit/replay.test.ts) and the workflow tests' bundle
 * (test/unit/jointReviewHarness.ts) run with this list.
 */
const MODULES = [
  './preloadWarm',
  '../domain/audit/chain',
  '../domain/calendar',
  '../domain/calendar/recordedYears',
  '../domain/checkPeriod',
  '../domain/decision',
  '../domain/fourCompare',
  '../domain/inspection',
  '../domain/jointReview/deadlines',
  '../domain/jointReview/recount',
  '../domain/refusal',
  '../domain/jointReview/refusal',
  '../domain/jointReview/schedule',
  '../domain/jointReview/tasks',
  '../domain/jointReview/urgency',
  '../domain/lifecycle',
  '../domain/meeting/agenda',
  '../domain/meeting/decisions',
  '../domain/meeting/followUps',
  '../domain/meeting/plan',
  '../domain/meeting/text',
  '../domain/meeting/tracker',
  '../domain/projects/backdated',
  '../domain/ranking',
  '../domain/requestFingerprint',
];

/** Absolute paths, so the bundle's preload and the workflows' imports name the same module. */
export function preloadModules(): string[] {
  return ['zod', ...MODULES.map((m) => require.resolve(m))];
}
