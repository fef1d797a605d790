import { patched } from '@temporalio/workflow';

/** Asks whether a change (a `patched()` id) is in effect for this run. */
export type HasChange = (patchId: string) => boolean;

/** A workflow type's version (版本): a marker name and every change the type had up to it. */
export interface Version {
  version: string;
  includes: readonly string[];
}

/**
 * One marker for every change a workflow type had up to a version (版本), instead of one per change:
 * the SDK writes a marker and a `TemporalChangeVersion` search attribute for each `patched()` a new
 * run takes, two history events per change in every new run. A run started on this code records
 * the newest version once and has every change in its `includes` without asking. A history
 * recorded on an older version has that version's marker and no newer one: it has the changes
 * that version lists, and asks the rest by their own patches. Histories recorded before any
 * version ask each change's own patch, as they did.
 *
 * `versions` newest first; each version lists every change of the one before it and its own.
 * Call it first, before any other `patched()` and any command. A change made after the newest
 * version is not in its `includes`: it is asked by its own patch, in every run, until a new
 * version lists it.
 */
export function changesUpTo(...versions: readonly Version[]): HasChange {
  // Stops at the first marker found: a new run writes only the newest one.
  const current = versions.find((v) => patched(v.version));
  return (patchId) => (current !== undefined && current.includes.includes(patchId)) || patched(patchId);
}
