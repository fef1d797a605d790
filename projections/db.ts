import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import { Client, Pool } from 'pg';
import { migrationProvider } from './migrations';
import type { ReadModelTables } from './schema';

export type ReadModelDb = Kysely<ReadModelTables>;

/** Where the read model lives: an SQLite file (default) or a PostgreSQL database. */
export type ReadModelLocation = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

export interface ReadModel {
  db: ReadModelDb;
  location: ReadModelLocation;
  close(): Promise<void>;
}

/**
 * PostgreSQL when KEYFLOW_DATABASE_URL names one (postgres:// or postgresql://), else the SQLite
 * file `read-model.sqlite` in the state folder. Any other URL is refused rather than guessed at.
 */
export function readModelLocation(env: { KEYFLOW_DATABASE_URL?: string }, stateDir: string): ReadModelLocation {
  const url = env.KEYFLOW_DATABASE_URL?.trim();
  if (!url) return { kind: 'sqlite', file: path.join(stateDir, 'read-model.sqlite') };
  if (/^postgres(ql)?:\/\//.test(url)) return { kind: 'postgres', url };
  if (url.startsWith('sqlite:')) return { kind: 'sqlite', file: url.slice('sqlite:'.length) };
  throw new Error(`KEYFLOW_DATABASE_URL: must be postgres://… or sqlite:<file>, got "${url.replace(/\/\/[^@]*@/, '//…@')}"`);
}

/** Opens the read model and brings its tables to the latest migration. */
export async function openReadModel(location: ReadModelLocation): Promise<ReadModel> {
  let db: ReadModelDb;
  if (location.kind === 'sqlite') {
    fs.mkdirSync(path.dirname(location.file), { recursive: true });
    const sqlite = new Database(location.file);
    // WAL lets the API read while the projector writes; NORMAL sync is durable at each commit in WAL.
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('busy_timeout = 5000');
    db = new Kysely<ReadModelTables>({ dialect: new SqliteDialect({ database: sqlite }) });
  } else {
    await ensurePostgresDatabase(location.url);
    db = new Kysely<ReadModelTables>({ dialect: new PostgresDialect({ pool: new Pool({ connectionString: location.url, max: 4 }) }) });
  }
  try {
    const { error, results } = await new Migrator({ db, provider: migrationProvider }).migrateToLatest();
    if (error) {
      const failed = results?.find((r) => r.status === 'Error')?.migrationName;
      throw new Error(`read model: migration ${failed ?? '?'} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return { db, location, close: () => db.destroy() };
}

/** A readable name for logs: the file, or the database without its password. */
export function describeLocation(location: ReadModelLocation): string {
  return location.kind === 'sqlite' ? `SQLite ${location.file}` : `PostgreSQL ${location.url.replace(/\/\/([^:@/]*):[^@]*@/, '//$1:…@')}`;
}

/** Creates the URL's database when the server has none of that name (first start of a container). */
async function ensurePostgresDatabase(url: string): Promise<void> {
  const probe = new Client({ connectionString: url });
  try {
    await probe.connect();
    return;
  } catch (err) {
    // 3D000 invalid_catalog_name: the server answers, the database is missing.
    if ((err as { code?: string }).code !== '3D000') throw err;
  } finally {
    await probe.end().catch(() => undefined);
  }
  const parsed = new URL(url);
  const name = decodeURIComponent(parsed.pathname.slice(1));
  parsed.pathname = '/postgres';
  const admin = new Client({ connectionString: parsed.toString() });
  await admin.connect();
  try {
    await admin.query(`create database "${name.replace(/"/g, '""')}"`);
  } catch (err) {
    if ((err as { code?: string }).code !== '42P04') throw err; // created meanwhile by another process
  } finally {
    await admin.end();
  }
}
