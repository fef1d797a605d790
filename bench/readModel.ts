/**
 * `npm run bench:readmodel` — the read model (projections/) at size: Kafka of its own (fresh,
 * temporary folder), the events `--projects N` projects publish (test/support/eventScenario.ts:
 * registrations, stage changes, reports, warnings, stalls and supervision orders, review tasks —
 * synthesised in the catalogue's shapes, not run through workflows), then on SQLite and on
 * PostgreSQL (Debian's server in a temporary folder):
 *   - catch-up: the projector applies the whole log; CPU per event against a raw consumer that
 *     reads and parses the same events and applies nothing;
 *   - lag: events produced at `--rate` per second for `--seconds`, lag = commit time − the record's
 *     Kafka timestamp, p50/p95/p99;
 *   - the weekly agenda (project part) compiled from the model, 5 times;
 *   - one department's inbox (fgw, every tenth project holds an item there), 50 times, p95.
 * Writes bench/results/readmodel-<time>.md and .json.
 *
 *   npm run bench:readmodel -- --projects 10000 --rate 200 --seconds 20
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { loadProjectAgendaItemsFromModel } from '../activities/meeting/agendaSource';
import { inboxOf } from '../domain/jointReview/urgency';
import { openReadModel, type ReadModel, type ReadModelLocation } from '../projections/db';
import { awaitCaughtUp } from '../projections/freshness';
import { startProjector, PROJECTED_TOPICS } from '../projections/projector';
import { departmentItemsFromModel } from '../projections/queries';
import type { CloudEvent } from '../schemas/events/envelope';
import { loadCalendar } from '../seeds/holidays';
import { loadJointReviewConfig } from '../seeds/jointReview';
import { loadMeetingConfig } from '../seeds/meetingConfig';
import { startKafkaBroker } from '../stack/kafkaBroker';
import { createDatabase, startLocalPostgres } from '../stack/postgres';
import { projectScenario } from '../test/support/eventScenario';
import { percentiles, round, type Percentiles } from './stats';

const { values } = parseArgs({ options: { projects: { type: 'string', default: '10000' }, rate: { type: 'string', default: '200' }, seconds: { type: 'string', default: '20' }, out: { type: 'string' } } });
const PROJECTS = Number(values.projects);
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);
const OUT = values.out ?? path.join(__dirname, 'results');

const cpuNow = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

async function produce(producer: Producer, events: Array<{ topic: string; event: CloudEvent }>): Promise<void> {
  for (let i = 0; i < events.length; i += 500) {
    const byTopic = new Map<string, Array<{ key: string; value: string }>>();
    for (const { topic, event } of events.slice(i, i + 500)) byTopic.set(topic, [...(byTopic.get(topic) ?? []), { key: event.subject, value: JSON.stringify(event) }]);
    await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
  }
}

/** Reads every topic to its end, parsing each event and applying nothing: the floor a projector is measured against. */
async function rawConsume(brokers: string[], total: number): Promise<{ seconds: number; cpu: number }> {
  const consumer = new Kafka({ clientId: 'bench-raw', brokers, logLevel: logLevel.NOTHING }).consumer({ groupId: `bench-raw-${Date.now()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topics: [...PROJECTED_TOPICS], fromBeginning: true });
  const t0 = Date.now();
  const c0 = cpuNow();
  let seen = 0;
  await new Promise<void>((resolve) => {
    void consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) JSON.parse(m.value?.toString() ?? 'null');
        seen += batch.messages.length;
        if (seen >= total) resolve();
      },
    });
  });
  const out = { seconds: (Date.now() - t0) / 1000, cpu: cpuNow() - c0 };
  await consumer.disconnect();
  return out;
}

interface BackendResult {
  database: string;
  catchUp: { events: number; seconds: number; eventsPerSecond: number; cpuSeconds: number; cpuMicrosPerEvent: number };
  lag: { rate: number; events: number; ms: Percentiles };
  agenda: { items: number; seconds: Percentiles };
  inbox: { department: string; items: number; ms: Percentiles };
}

async function measure(name: string, location: ReadModelLocation, brokers: string[], producer: Producer, total: number, extra: () => Array<{ topic: string; event: CloudEvent }>): Promise<BackendResult> {
  const model: ReadModel = await openReadModel(location);
  const lags: number[] = [];
  let measuring = false;
  const c0 = cpuNow();
  const t0 = Date.now();
  const projector = await startProjector({
    brokers,
    model,
    groupId: `bench-${name}-${Date.now()}`,
    onCommitted: (_t, _p, _o, records) => {
      if (!measuring) return;
      const now = Date.now();
      for (const r of records) if (r.timestamp) lags.push(now - Number(r.timestamp));
    },
  });
  try {
    const caught = await awaitCaughtUp(model, brokers, { timeoutMs: 30 * 60_000, pollMs: 200 });
    if (!caught.caughtUp) throw new Error(`${name}: did not catch up`);
    const seconds = (Date.now() - t0) / 1000;
    const cpuSeconds = cpuNow() - c0;
    process.stderr.write(`[bench] ${name}: caught up with ${total} events in ${seconds.toFixed(1)} s\n`);

    // Lag at a steady rate: a batch of RATE/10 events every 100 ms.
    measuring = true;
    const more = extra();
    const perTick = Math.max(1, Math.round(RATE / 10));
    const started = Date.now();
    for (let i = 0; i < more.length; i += perTick) {
      await produce(producer, more.slice(i, i + perTick));
      const due = started + ((i + perTick) / perTick) * 100;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
    }
    await awaitCaughtUp(model, brokers, { timeoutMs: 120_000 });
    measuring = false;

    const names = loadMeetingConfig();
    const calendar = loadCalendar();
    const at = new Date().toISOString();
    const agendaTimes: number[] = [];
    let agendaItems = 0;
    for (let i = 0; i < 5; i++) {
      const a = Date.now();
      agendaItems = (await loadProjectAgendaItemsFromModel(model.db, at, names, calendar)).length;
      agendaTimes.push((Date.now() - a) / 1000);
    }
    const config = loadJointReviewConfig();
    const inboxTimes: number[] = [];
    let inboxItems = 0;
    for (let i = 0; i < 50; i++) {
      const a = performance.now();
      inboxItems = inboxOf(await departmentItemsFromModel(model.db, 'fgw', config), new Date(), calendar).length;
      inboxTimes.push(performance.now() - a);
    }
    return {
      database: name,
      catchUp: { events: total, seconds: round(seconds), eventsPerSecond: round(total / seconds, 0), cpuSeconds: round(cpuSeconds), cpuMicrosPerEvent: round((cpuSeconds * 1e6) / total, 0) },
      lag: { rate: RATE, events: more.length, ms: percentiles(lags) },
      agenda: { items: agendaItems, seconds: percentiles(agendaTimes) },
      inbox: { department: 'fgw', items: inboxItems, ms: percentiles(inboxTimes) },
    };
  } finally {
    await projector.stop();
    await model.close();
  }
}

async function main(): Promise<void> {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyflow-bench-readmodel-'));
  const kafka = await startKafkaBroker({ stateDir });
  const pg = await startLocalPostgres();
  try {
    const producer = new Kafka({ clientId: 'bench-readmodel', brokers: kafka.brokers, logLevel: logLevel.NOTHING }).producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    // One project in ten holds an item in fgw's inbox: 1,000 at 10,000 projects, the size the target names.
    const events = projectScenario(PROJECTS, { reviewEvery: 10 });
    const t0 = Date.now();
    await produce(producer, events);
    process.stderr.write(`[bench] ${events.length} events of ${PROJECTS} projects on Kafka in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    const raw = await rawConsume(kafka.brokers, events.length);
    const extraProjects = Math.max(1, Math.round((RATE * SECONDS) / 4));
    let total = events.length;
    const results: BackendResult[] = [];
    for (const [name, location] of [
      ['SQLite', { kind: 'sqlite', file: path.join(stateDir, 'model.sqlite') }],
      ['PostgreSQL', { kind: 'postgres', url: await createDatabase(pg.url, 'bench_model') }],
    ] as Array<[string, ReadModelLocation]>) {
      let extra: Array<{ topic: string; event: CloudEvent }> = [];
      results.push(
        await measure(name, location, kafka.brokers, producer, total, () => {
          extra = projectScenario(extraProjects, { reviewEvery: 10 }).slice(0, RATE * SECONDS);
          return extra;
        }),
      );
      total += extra.length;
    }
    await producer.disconnect();
    const report = {
      at: new Date().toISOString(),
      projects: PROJECTS,
      events: events.length,
      raw: { events: events.length, seconds: round(raw.seconds), cpuSeconds: round(raw.cpu), cpuMicrosPerEvent: round((raw.cpu * 1e6) / events.length, 0) },
      results,
      machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`,
    };
    fs.mkdirSync(OUT, { recursive: true });
    const stamp = report.at.replace(/[:.]/g, '-');
    fs.writeFileSync(path.join(OUT, `readmodel-${stamp}.json`), JSON.stringify(report, null, 2));
    const md = [
      `# Read model bench (${report.at})`,
      '',
      `${PROJECTS} projects, ${events.length} events on Kafka; ${report.machine}. Events synthesised in the catalogue's shapes (test/support/eventScenario.ts), not run through workflows.`,
      '',
      '| database | catch-up events/s | CPU µs/event (projector) | CPU µs/event (raw consumer) | ratio | lag p50 / p95 / p99 ms at ' + RATE + ' ev/s | agenda s (median / max) | agenda items | inbox p95 ms | inbox items |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
      ...results.map((r) =>
        `| ${r.database} | ${r.catchUp.eventsPerSecond} | ${r.catchUp.cpuMicrosPerEvent} | ${report.raw.cpuMicrosPerEvent} | ${round(r.catchUp.cpuMicrosPerEvent / Math.max(1, report.raw.cpuMicrosPerEvent), 1)} | ${round(r.lag.ms.p50, 0)} / ${round(r.lag.ms.p95, 0)} / ${round(r.lag.ms.p99, 0)} | ${round(r.agenda.seconds.p50, 3)} / ${round(Math.max(r.agenda.seconds.p99), 3)} | ${r.agenda.items} | ${round(r.inbox.ms.p95, 1)} | ${r.inbox.items} |`,
      ),
      '',
      'Targets (issue 17): agenda ≤ 5 s with 10,000 projects, inbox of 1,000 open tasks p95 ≤ 200 ms, lag p99 ≤ 1 s at the bench rate.',
      '',
    ].join('\n');
    fs.writeFileSync(path.join(OUT, `readmodel-${stamp}.md`), md);
    fs.writeFileSync(path.join(OUT, 'readmodel-latest.md'), md);
    process.stdout.write(md);
  } finally {
    await pg.stop();
    await kafka.stop();
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
