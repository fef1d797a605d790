import type { ReadModel } from '../../projections/db';
import { modelChecksum } from '../../projections/checksum';
import { applyRecords, type RawRecord } from '../../projections/projector';
import { departmentItemsFromModel } from '../../projections/queries';
import { dataschemaOf } from '../../schemas/events/catalog';
import type { JointReviewConfig } from '../../schemas/jointReview';
import { projectScenario, SCENARIO_MATERIALS } from '../support/eventScenario';
import { READ_MODEL_BACKENDS, stopReadModelBackends } from '../support/readModels';

afterAll(stopReadModelBackends);

/** When the projector writes (pinned: the checksum leaves it out, the rows keep it). */
const clock = { now: () => new Date('2026-10-20T02:00:00.000Z') };
const scenario = projectScenario(30);

/** The scenario as one partition per topic would hold it. */
function asLog(events = scenario): Map<string, RawRecord[]> {
  const log = new Map<string, RawRecord[]>();
  for (const { topic, event } of events) {
    const records = log.get(topic) ?? [];
    records.push({ offset: String(records.length), value: Buffer.from(JSON.stringify(event)) });
    log.set(topic, records);
  }
  return log;
}

async function feed(model: ReadModel, log: Map<string, RawRecord[]>, opts: { chunk?: number; topicOrder?: string[] } = {}): Promise<void> {
  const topics = opts.topicOrder ?? [...log.keys()];
  for (const topic of topics) {
    const records = log.get(topic) ?? [];
    const chunk = opts.chunk ?? records.length;
    for (let i = 0; i < records.length; i += chunk) await applyRecords(model, topic, 0, records.slice(i, i + chunk), clock.now);
  }
}

const checksums: Record<string, string> = {};

describe.each(READ_MODEL_BACKENDS)('the projector applies events on $name', (backend) => {
  let live: ReadModel;
  beforeAll(async () => {
    live = await backend.fresh();
    await feed(live, asLog());
  });
  afterAll(() => live.close());

  it('projects the projects, stalls, supervision orders, problems and review tasks', async () => {
    const db = live.db;
    expect(await db.selectFrom('rm_projects').select('code').execute()).toHaveLength(30);
    const stalled = await db.selectFrom('rm_projects').select('code').where('stall_order_id', 'is not', null).execute();
    expect(stalled).toHaveLength(5); // i % 3 === 0 (10), less the 5 cleared (i % 6 === 0)
    const red = await db.selectFrom('rm_projects').select(['warning_level', 'red_since', 'expected_rate']).where('warning_level', '=', 'red').execute();
    expect(red).toHaveLength(8);
    // Rates as the lifecycle recomputes them: the pro-rata plan of September in an investment stage.
    expect(red[0]).toEqual({ warning_level: 'red', red_since: '2026-10-14T01:00:00.000Z', expected_rate: 0.75 });
    const orders = await db.selectFrom('rm_supervision_orders').select(['closed_at']).execute();
    expect(orders).toHaveLength(10);
    expect(orders.filter((o) => o.closed_at !== null)).toHaveLength(5);
    const tasks = await db.selectFrom('rm_review_tasks').select(['status']).orderBy('project_code').execute();
    expect(tasks.map((t) => t.status).sort()).toEqual(['decided', 'decided', 'open', 'open', 'returned', 'returned']);
    expect(await db.selectFrom('rm_review_follow_ups').select(['status', 'missing_materials']).execute()).toEqual([
      { status: 'open', missing_materials: '["水土保持方案"]' },
      { status: 'open', missing_materials: '["水土保持方案"]' },
    ]);
    expect(await db.selectFrom('rm_open_problems').select('problem_id').execute()).toHaveLength(8);
    checksums[backend.name] = (await modelChecksum(live)).total;
  });

  it('applies each event once: records delivered again by offset or by id change nothing', async () => {
    const before = await modelChecksum(live);
    await feed(live, asLog()); // a restart that re-reads from an older offset
    expect(await modelChecksum(live)).toEqual(before);
    // The same events at new offsets (a producer's retried send written twice): skipped by id.
    const again = asLog();
    for (const [topic, records] of again) {
      const shifted = records.map((r, i) => ({ ...r, offset: String(records.length + i) }));
      await applyRecords(live, topic, 0, shifted, clock.now);
    }
    const after = await modelChecksum(live);
    expect(after.tables.rm_projects).toEqual(before.tables.rm_projects);
    expect(after.tables.rm_review_tasks).toEqual(before.tables.rm_review_tasks);
    expect((await live.db.selectFrom('applied_events').select('event_id').execute()).length).toBe(scenario.length);
  });

  it('ends with the same tables whatever the batch size and the order the topics come in', async () => {
    const other = await backend.fresh();
    try {
      const log = asLog();
      // Supervision and reviews first: an order closed, and tasks, before their project is registered.
      await feed(other, log, { chunk: 7, topicOrder: ['keyflow.supervision', 'keyflow.reviews', 'keyflow.projects'] });
      const a = await modelChecksum(other);
      const fresh = await backend.fresh();
      await feed(fresh, log);
      expect(a).toEqual(await modelChecksum(fresh));
      await fresh.close();
    } finally {
      await other.close();
    }
  });

  it('lists the materials a task was assigned with (taskAssigned v2), the configuration\'s for a task assigned before', async () => {
    // fgw's materials as the configuration has them now: what an old event's task falls back to.
    const config = { stages: [{ id: 'landUsePlanning', participants: [{ department: 'fgw', materials: ['配置中的材料清单'] }] }] } as unknown as JointReviewConfig;
    const items = await departmentItemsFromModel(live.db, 'fgw', config);
    const v2Codes = new Set(scenario.filter((e) => e.event.dataschema !== undefined).map((e) => e.event.subject));
    expect(v2Codes.size).toBeGreaterThan(0);
    expect(items.length).toBeGreaterThan(v2Codes.size);
    for (const item of items) {
      expect({ code: item.projectCode, kind: item.kind, materials: item.materials }).toEqual({
        code: item.projectCode,
        kind: item.kind,
        materials: v2Codes.has(item.projectCode) ? SCENARIO_MATERIALS : ['配置中的材料清单'],
      });
    }
  });

  it('refuses an event of a data version the catalogue does not know, naming the dataschema', async () => {
    const model = await backend.fresh();
    try {
      const [first] = scenario;
      const event = { ...first!.event, dataschema: dataschemaOf(first!.event.type, 9) };
      const out = await applyRecords(model, first!.topic, 0, [{ offset: '0', value: Buffer.from(JSON.stringify(event)) }], clock.now);
      expect(out).toEqual({ applied: 0, duplicates: 0, rejected: 1, nextOffset: '1' });
      const [row] = await model.db.selectFrom('rejected_events').selectAll().execute();
      expect(row?.reason).toContain(':v9');
    } finally {
      await model.close();
    }
  });

  it('keeps a record the catalogue refuses, names why, and moves past it', async () => {
    const model = await backend.fresh();
    try {
      const out = await applyRecords(model, 'keyflow.projects', 1, [{ offset: '0', value: Buffer.from('{"specversion":"1.0","type":"cn.keyflow.project.nope"}') }], clock.now);
      expect(out).toEqual({ applied: 0, duplicates: 0, rejected: 1, nextOffset: '1' });
      const [row] = await model.db.selectFrom('rejected_events').selectAll().execute();
      expect(row?.reason).toMatch(/id/);
      expect(row?.raw).toContain('cn.keyflow.project.nope');
    } finally {
      await model.close();
    }
  });
});

it('SQLite and PostgreSQL hold the same model for the same events (one checksum)', () => {
  expect(Object.keys(checksums).sort()).toEqual(['PostgreSQL', 'SQLite']);
  expect(checksums.SQLite).toBe(checksums.PostgreSQL);
});
