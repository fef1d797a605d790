import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openReadModel, type ReadModel, type ReadModelLocation } from '../../projections/db';
import { createDatabase, startLocalPostgres, type LocalPostgres } from '../../stack/postgres';

/**
 * Both databases the read model runs on, for `describe.each`: SQLite in a temporary file and a
 * real PostgreSQL (Debian's server in a temporary folder, started once per test file).
 */
export interface ReadModelBackend {
  name: 'SQLite' | 'PostgreSQL';
  /** A fresh, empty, migrated database. */
  fresh(): Promise<ReadModel>;
  /** Where a fresh database would be, unopened (for code that opens it itself). */
  freshLocation(): Promise<ReadModelLocation>;
}

let pg: LocalPostgres | undefined;
let seq = 0;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'keyflow-rm-'));

export const READ_MODEL_BACKENDS: ReadModelBackend[] = [
  {
    name: 'SQLite',
    freshLocation: () => Promise.resolve({ kind: 'sqlite', file: path.join(tmp, `model-${process.pid}-${++seq}.sqlite`) }),
    async fresh() {
      return openReadModel(await this.freshLocation());
    },
  },
  {
    name: 'PostgreSQL',
    async freshLocation() {
      pg ??= await startLocalPostgres();
      return { kind: 'postgres', url: await createDatabase(pg.url, `model_${process.pid}_${++seq}`) };
    },
    async fresh() {
      return openReadModel(await this.freshLocation());
    },
  },
];

/** Stops the PostgreSQL cluster a test file started (call in afterAll). */
export async function stopReadModelBackends(): Promise<void> {
  await pg?.stop();
  pg = undefined;
  fs.rmSync(tmp, { recursive: true, force: true });
}
