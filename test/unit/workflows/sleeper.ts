import { sleep } from '@temporalio/workflow';

/** Test-only workflow: proves the time-skipping server moves a month in a blink. */
export async function sleeper(days: number): Promise<string> {
  await sleep(`${days} days`);
  return 'woke';
}
