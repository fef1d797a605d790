import { PAGE_LIMIT_DEFAULT } from '../schemas/api';
import { ValidationError } from '../schemas/validation';
import { invalid } from './errors';

/**
 * Cursor pagination over a list the workflows give whole (a listing, an inbox, a tracker's
 * items). The cursor names the last item served (its key) and its position; the next page
 * starts after that item where it still is, else at the position — so an item that closes
 * between two pages shifts nothing already served onto the next page twice.
 */
interface Cursor {
  /** Key of the last item served. */
  k: string;
  /** Index after it, when it was served. */
  o: number;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c), 'utf8').toString('base64url');
}

export function decodeCursor(s: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as Cursor;
    if (typeof c?.k === 'string' && Number.isInteger(c.o) && c.o >= 0) return c;
  } catch {
    // fall through to the refusal
  }
  throw invalid(new ValidationError([{ field: 'cursor', rule: 'must be the nextCursor of a previous page' }]), 'query');
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** One page of `all` (in its final order); `keyOf` must be unique per item. */
export function paginate<T>(all: readonly T[], query: { limit?: number; cursor?: string }, keyOf: (t: T) => string): Page<T> {
  const limit = query.limit ?? PAGE_LIMIT_DEFAULT;
  let start = 0;
  if (query.cursor !== undefined) {
    const c = decodeCursor(query.cursor);
    const at = all.findIndex((t) => keyOf(t) === c.k);
    start = at >= 0 ? at + 1 : Math.min(c.o, all.length);
  }
  const items = all.slice(start, start + limit);
  const end = start + items.length;
  const last = items[items.length - 1];
  return { items, nextCursor: end < all.length && last !== undefined ? encodeCursor({ k: keyOf(last), o: end }) : null };
}
