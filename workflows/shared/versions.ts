import { patched } from '@temporalio/workflow';

/** Asks whether a change (a `patched()` id) is in effect for this run. */
export type HasChange = (patchId: string) => boolean;

/**
 * One marker for every change a workflow type had up to a version (版本), instead of one per change:
 * the SDK writes a marker and a `TemporalChangeVersion` search attribute for each `patched()` a new
 * run takes, two history events per change in every new run. A run started on this code records
 * `version` once and has every change in `includes` without asking. Histories recorded before it
 * have no such marker and ask each change's own patch, as they did.
 *
 * Call it first, before any other `patched()` and any command. A change made after the version is
 * not in `includes`: it is asked by its own patch, in every run.
 */
export function changesUpTo(version: string, includes: readonly string[]): HasChange {
  const current = patched(version);
  return (patchId) => (current && includes.includes(patchId)) || patched(patchId);
}
