import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { ReadModel } from './db';
import { MODEL_TABLES, PRIMARY_KEYS } from './schema';

/**
 * A checksum over the model's tables and the offsets it reached, the same on SQLite and
 * PostgreSQL for the same events: rows read in primary-key order, values normalised (numbers as
 * numbers, text as text), hashed per table. Two models with equal checksums hold the same rows.
 */
export async function modelChecksum(model: ReadModel): Promise<{ total: string; tables: Record<string, { rows: number; sha256: string }> }> {
  const tables: Record<string, { rows: number; sha256: string }> = {};
  const all = createHash('sha256');
  for (const table of [...MODEL_TABLES, 'consumer_offsets' as const]) {
    const keys = PRIMARY_KEYS[table];
    let q = model.db.selectFrom(table).selectAll();
    for (const k of keys) q = q.orderBy(sql.ref(k));
    const rows = await q.execute();
    const h = createHash('sha256');
    for (const row of rows as Array<Record<string, unknown>>) {
      // When the model consumed is part of the state, not when it wrote it.
      const { updated_at: _written, ...values } = row;
      h.update(JSON.stringify(Object.keys(values).sort().map((k) => [k, normalise(values[k])])));
      h.update('\n');
    }
    const sha256 = h.digest('hex');
    tables[table] = { rows: rows.length, sha256 };
    all.update(`${table}:${sha256}\n`);
  }
  return { total: all.digest('hex'), tables };
}

/** Integers PostgreSQL's driver might hand back as bigint compare equal to SQLite's numbers. */
function normalise(v: unknown): unknown {
  if (v === undefined) return null;
  return typeof v === 'bigint' ? Number(v) : v;
}
