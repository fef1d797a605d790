/**
 * The one ranking rule shared by 四比四看 checks and inspection tours (观摩排序).
 *
 * - Scores are compared after rounding to 2 decimals (half away from zero), the precision that
 *   is published; 80.004 and 80.001 are both 80.00 and therefore tied.
 * - Standard competition ranking ("1224"): an entry's rank is 1 + the number of entries with a
 *   strictly higher rounded score. Tied entries share the rank and the next rank is skipped.
 * - Tied entries are listed by id ascending, compared by UTF-16 code units (not locale
 *   collation, which differs between runtimes). The listing order never changes a rank.
 */
export const TIE_RULE =
  'Competition ranking (1, 2, 2, 4): scores equal when rounded to 2 decimals share a rank and the next rank is skipped; tied entries are listed by id ascending. ' +
  '竞赛排名：保留两位小数后得分相同者并列同一名次，其后名次顺延；并列者按编号升序排列。';

export class DuplicateRankingId extends Error {
  override readonly name = 'DuplicateRankingId';
  constructor(readonly id: string) {
    super(`id ${id} appears twice in one ranking; each county or project may be ranked once`);
  }
}

export class InvalidScore extends Error {
  override readonly name = 'InvalidScore';
  constructor(readonly id: string, readonly score: number) {
    super(`score of ${id} is ${score}; a score must be a finite number`);
  }
}

/** Rounds to 2 decimals, half away from zero (1.005 → 1.01, 21.875 → 21.88); never returns -0. */
export function round2(x: number): number {
  const r = Math.round(Math.abs(x) * 100 * (1 + Number.EPSILON)) / 100;
  return x < 0 && r !== 0 ? -r : r;
}

export interface Ranked<T> {
  item: T;
  /** 1-based competition rank. */
  rank: number;
}

/** Orders ids by UTF-16 code units — deterministic on every runtime. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Ranks items by score, descending, under TIE_RULE. Returns every item once, in listing order
 * (rank ascending, ties by id ascending). Throws DuplicateRankingId or InvalidScore.
 */
export function rankByScore<T>(
  items: readonly T[],
  id: (item: T) => string,
  score: (item: T) => number,
): Ranked<T>[] {
  const seen = new Set<string>();
  const keyed = items.map((item) => {
    const k = id(item);
    const s = score(item);
    if (seen.has(k)) throw new DuplicateRankingId(k);
    if (!Number.isFinite(s)) throw new InvalidScore(k, s);
    seen.add(k);
    return { item, id: k, rounded: round2(s) };
  });
  keyed.sort((a, b) => b.rounded - a.rounded || compareIds(a.id, b.id));
  const out: Ranked<T>[] = [];
  keyed.forEach((k, i) => {
    const prev = keyed[i - 1];
    const prevRanked = out[i - 1];
    const rank = prev !== undefined && prevRanked !== undefined && prev.rounded === k.rounded ? prevRanked.rank : i + 1;
    out.push({ item: k.item, rank });
  });
  return out;
}

/**
 * Ranks items within groups (peer groups, counties) under the same rule.
 * Returns the rank of each item by id.
 */
export function rankWithinGroups<T>(
  items: readonly T[],
  group: (item: T) => string,
  id: (item: T) => string,
  score: (item: T) => number,
): Map<string, number> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const g = group(item);
    const list = groups.get(g);
    if (list) list.push(item);
    else groups.set(g, [item]);
  }
  const ranks = new Map<string, number>();
  for (const list of groups.values()) {
    for (const r of rankByScore(list, id, score)) ranks.set(id(r.item), r.rank);
  }
  return ranks;
}
