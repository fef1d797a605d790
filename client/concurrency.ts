/**
 * Workflow queries in flight at once when a listing asks every match for its state: enough to be
 * quick, few enough not to crowd the worker that answers them.
 */
export const QUERY_CONCURRENCY = 8;

/** `items.map(fn)` with at most `limit` calls running at a time; results keep the input order. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const run = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, run));
  return out;
}
