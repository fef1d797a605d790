/**
 * Modules the worker loads once into its shared V8 context (`bundlerOptions.preloadModules`)
 * instead of once per cached workflow: zod and the pure rules that hold no schema. Only modules
 * without per-workflow state belong here: their module scope runs before any workflow exists,
 * and the SDK deep-freezes what they export afterwards. That rules out:
 * - workflows/ (workflow APIs at load time, per-workflow state);
 * - schemas/ and every module that imports one at run time (domain/jointReview/tasks, refusal,
 *   urgency, fourCompare…): a zod schema writes to itself while it parses (a regex's lastIndex,
 *   ZodEnum's lazy _cache), which throws once frozen — tried, and the replay tests failed so.
 * zod itself is safe: its module scope holds classes and non-global regexes only.
 * The replay tests (test/unit/replay.test.ts) run every recorded history with this list.
 */
const MODULES = [
  '../domain/calendar',
  '../domain/lifecycle/months',
  '../domain/lifecycle/reports',
  '../domain/lifecycle/stages',
  '../domain/lifecycle/warning',
  '../domain/meeting/agenda',
  '../domain/meeting/followUps',
  '../domain/meeting/plan',
  '../domain/meeting/text',
  '../domain/jointReview/deadlines',
  '../domain/jointReview/schedule',
  '../domain/jointReview/recount',
  '../domain/requestFingerprint',
  '../domain/checkPeriod',
];

/** Absolute paths, so the bundle's preload and the workflows' imports name the same module. */
export function preloadModules(): string[] {
  return ['zod', ...MODULES.map((m) => require.resolve(m))];
}
