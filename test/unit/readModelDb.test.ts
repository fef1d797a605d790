import { openReadModel, readModelLocation } from '../../projections/db';
import { READ_MODEL_BACKENDS, stopReadModelBackends } from '../support/readModels';

afterAll(stopReadModelBackends);

describe('where the read model lives', () => {
  it('is an SQLite file in the state folder unless KEYFLOW_DATABASE_URL names PostgreSQL', () => {
    expect(readModelLocation({}, '/state')).toEqual({ kind: 'sqlite', file: '/state/read-model.sqlite' });
    expect(readModelLocation({ KEYFLOW_DATABASE_URL: 'postgres://u:p@h:5432/k' }, '/state')).toEqual({ kind: 'postgres', url: 'postgres://u:p@h:5432/k' });
    expect(() => readModelLocation({ KEYFLOW_DATABASE_URL: 'mysql://u:secret@h/k' }, '/s')).toThrow(/KEYFLOW_DATABASE_URL: must be postgres/);
    expect(() => readModelLocation({ KEYFLOW_DATABASE_URL: 'mysql://u:secret@h/k' }, '/s')).not.toThrow(/secret/);
  });
});

describe.each(READ_MODEL_BACKENDS)('read model on $name', (backend) => {
  it('migrates a fresh database, and opening it again changes nothing', async () => {
    const location = await backend.freshLocation();
    const first = await openReadModel(location);
    await first.db
      .insertInto('consumer_offsets')
      .values({ topic: 'keyflow.projects', partition: 0, next_offset: '42', updated_at: '2026-10-12T01:00:00.000Z' })
      .execute();
    await first.close();
    const again = await openReadModel(location);
    try {
      expect(await again.db.selectFrom('consumer_offsets').selectAll().execute()).toEqual([
        { topic: 'keyflow.projects', partition: 0, next_offset: '42', updated_at: '2026-10-12T01:00:00.000Z' },
      ]);
      const row = { code: '2026-411122-13-03-000123', completion_rate: 0.125, closed: 0 };
      await again.db.insertInto('rm_projects').values(row).execute();
      // Doubles keep their precision on both databases (a checksum compares them).
      expect(await again.db.selectFrom('rm_projects').select(['code', 'completion_rate', 'closed', 'warning_level']).execute()).toEqual([{ ...row, warning_level: 'green' }]);
    } finally {
      await again.close();
    }
  });
});

it('creates the PostgreSQL database KEYFLOW_DATABASE_URL names when the server has none of that name', async () => {
  const pg = READ_MODEL_BACKENDS.find((b) => b.name === 'PostgreSQL')!;
  const some = await pg.freshLocation();
  if (some.kind !== 'postgres') throw new Error('expected PostgreSQL');
  const model = await openReadModel({ kind: 'postgres', url: some.url.replace(/\/[^/]*$/, `/never_created_${process.pid}`) });
  try {
    expect(await model.db.selectFrom('consumer_offsets').selectAll().execute()).toEqual([]);
  } finally {
    await model.close();
  }
});
