import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { VERSIONS } from '../stack/versions';
import { WORKER_DEFAULTS } from '../workers/worker';
import type { EmissionResult } from './emission';
import type { LatencyResult } from './latency';
import type { ScaleResult, ScaleStep } from './scale';
import { ratio } from './stats';
import type { ThroughputResult } from './throughput';

export interface Machine {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
  loadAverageAtStart: number[];
  loadAverageAtEnd?: number[];
}

export function machine(): Machine {
  let cpuModel = os.cpus()[0]?.model ?? 'unknown';
  try {
    cpuModel = /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpuModel;
  } catch {
    // not Linux: os.cpus() is good enough
  }
  return {
    cpuModel,
    cores: os.cpus().length,
    memoryGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverageAtStart: os.loadavg().map((x) => Number(x.toFixed(2))),
  };
}

export interface BenchReport {
  startedAt: string;
  finishedAt: string;
  command: string;
  options: Record<string, unknown>;
  machine: Machine;
  engines: { temporalCli: string; kafka: string };
  workerSettings: typeof WORKER_DEFAULTS;
  throughput?: ThroughputResult;
  latency?: LatencyResult;
  emission?: EmissionResult;
  scale?: ScaleResult;
  ratios: Record<string, number>;
}

/** Why each worker setting has its value (workers/worker.ts WORKER_DEFAULTS), in words for the report. */
export const WORKER_SETTINGS_WHY: Record<keyof typeof WORKER_DEFAULTS, string> = {
  maxCachedWorkflows:
    'workflows kept in memory between their tasks, so a task or query does not replay the history first; sized from the memory the worker is given (workers/worker.ts cacheRule: (memory − base) ÷ KiB per cached workflow, memory = KEYFLOW_WORKER_MEMORY_MIB or the V8 heap limit). An evicted workflow is replayed on its next task or query (slower, never lost).',
  maxConcurrentActivityTaskExecutions:
    'activities are short Kafka sends (and a few visibility reads); 50 at once keeps the broker busy without flooding it when the backlog drains after an outage (the SDK default is 100).',
  maxConcurrentWorkflowTaskExecutions: 'the SDK default, kept: workflow tasks are short JavaScript runs on the worker\'s one workflow thread.',
};

export function ratios(r: Pick<BenchReport, 'throughput' | 'latency' | 'emission'>): Record<string, number> {
  const out: Record<string, number> = {};
  if (r.throughput) {
    out.throughput = ratio(r.throughput.keyflow.projectsPerSecond, r.throughput.baseline.projectsPerSecond);
    out.throughputCpu = ratio(r.throughput.keyflow.cpuSecondsPerProject, r.throughput.baseline.cpuSecondsPerProject);
  }
  if (r.latency) {
    out.latencyP50 = ratio(r.latency.keyflowToKafka.p50, r.latency.baselineUpdate.p50);
    out.latencyP95 = ratio(r.latency.keyflowToKafka.p95, r.latency.baselineUpdate.p95);
    out.latencyP99 = ratio(r.latency.keyflowToKafka.p99, r.latency.baselineUpdate.p99);
  }
  if (r.emission) {
    out.emission = ratio(r.emission.keyflow.eventsPerSecond, r.emission.producerPerformance.recordsPerSecond);
    out.emissionCpu = ratio(r.emission.keyflow.cpuMillisPerEvent, r.emission.producerPerformance.cpuMillisPerEvent);
  }
  return out;
}

const f = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : '–');
const r2 = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(x < 0.1 ? 3 : 2));
const mib = (b: number) => (b / 2 ** 20).toFixed(0);
const kib = (b: number) => (b / 2 ** 10).toFixed(0);

/** The results table alone (also copied into docs/benchmarks.md). */
export function ratiosTable(r: BenchReport): string {
  const lines = ['| Measure | keyflow | baseline | ratio keyflow/baseline |', '|---|---:|---:|---:|'];
  const t = r.throughput;
  if (t) {
    lines.push(
      `| Throughput: projects through a joint review (1 stage, 5 approvals, 11 events) per second vs bare workflow with 5 updates | ${f(t.keyflow.projectsPerSecond, 2)} | ${f(t.baseline.projectsPerSecond, 2)} | ${r2(r.ratios.throughput)} |`,
      `| Throughput, CPU seconds per project (client + worker + Temporal + Kafka processes) | ${f(t.keyflow.cpuSecondsPerProject, 3)} | ${f(t.baseline.cpuSecondsPerProject, 3)} | ${r2(r.ratios.throughputCpu)} |`,
    );
  }
  const l = r.latency;
  if (l) {
    for (const p of ['p50', 'p95', 'p99'] as const) {
      const key = `latency${p.toUpperCase()}`;
      lines.push(`| Latency ${p} (ms): approval → its event readable from Kafka vs bare update round-trip | ${f(l.keyflowToKafka[p])} | ${f(l.baselineUpdate[p])} | ${r2(r.ratios[key])} |`);
    }
  }
  const e = r.emission;
  if (e) {
    lines.push(
      `| Emission (events/s, ${e.recordBytes}-byte events, acks=all, idempotent): keyflow emitEvent + publisher vs Kafka ProducerPerformance | ${f(e.keyflow.eventsPerSecond, 0)} | ${f(e.producerPerformance.recordsPerSecond, 0)} | ${r2(r.ratios.emission)} |`,
      `| Emission, CPU milliseconds per event (sender + broker) | ${f(e.keyflow.cpuMillisPerEvent, 2)} | ${f(e.producerPerformance.cpuMillisPerEvent, 2)} | ${r2(r.ratios.emissionCpu)} |`,
    );
  }
  return lines.join('\n');
}

/**
 * Issue 16's targets, each against this run's own figure: a target the run did not measure says
 * so instead of a guess.
 */
export function targetsTable(r: BenchReport): string {
  const lines = ['| Target (issue 16) | this run | target | met |', '|---|---:|---:|---|'];
  const row = (what: string, value: number | undefined, target: string, ok: ((v: number) => boolean) | undefined, digits = 2) =>
    lines.push(`| ${what} | ${value === undefined || !Number.isFinite(value) ? 'not measured' : f(value, digits)} | ${target} | ${value === undefined || !ok ? '–' : ok(value) ? 'yes' : 'no'} |`);
  row('Throughput through the joint review ÷ bare workflow', r.ratios.throughput, '≥ 0.8', (v) => v >= 0.8);
  row('CPU per project ÷ bare workflow', r.ratios.throughputCpu, '≤ 2', (v) => v <= 2);
  row('Emission ÷ Kafka ProducerPerformance', r.ratios.emission, '≥ 0.5', (v) => v >= 0.5);
  row('Approval → event on Kafka p99 ÷ bare update round-trip p99', r.ratios.latencyP99, '≤ 2', (v) => v <= 2);
  const steps = r.scale?.steps ?? [];
  const full = steps[steps.length - 1];
  const bare = r.scale?.bare;
  row(`Worker RSS per cached workflow, KiB${bare ? ` (the bare workflow's in this run: ${kib(bare.rssPerWorkflow)})` : ''}`, full ? full.bytesPerCachedWorkflow / 1024 : undefined, '≤ 200', (v) => v <= 200, 0);
  row(
    `Worker JS heap kept per cached workflow, KiB${bare ? ` (the bare workflow's: ${kib(bare.heapPerWorkflow)})` : ''}`,
    full?.heapBytesPerCachedWorkflow !== undefined ? full.heapBytesPerCachedWorkflow / 1024 : undefined,
    '≤ 200',
    (v) => v <= 200,
    0,
  );
  const tenK = steps.find((st) => st.projects >= 10_000);
  row('10,000 projects settled (registrations and assignments on Kafka, reviews in the inbox), minutes after the last registration', tenK ? tenK.settleSeconds / 60 : undefined, '≤ 30, settled', tenK ? () => tenK.settled !== false && tenK.settleSeconds <= 30 * 60 : undefined, 1);
  return lines.join('\n');
}

/** An agenda or inbox figure: seconds (count), or that it failed, and after how long. */
function compiledText(c: { seconds: number; error?: string }, count: string): string {
  return c.error ? `failed after ${f(c.seconds)} s` : `${f(c.seconds)} (${count})`;
}

const agendaCount = (a: { projectsQueried: number; unread?: number }): string => (a.unread ? `${a.projectsQueried}, ${a.unread} from the index` : String(a.projectsQueried));

/** Seconds to settle, or (reports from before the limit existed have no `settled`) how far it got. */
function settledText(st: ScaleStep): string {
  if (st.settled !== false) return f(st.settleSeconds, 0);
  return `not within ${f(st.settleSeconds, 0)}`;
}

/** What an unsettled step had done when it was measured. */
function unsettledNote(st: ScaleStep): string | undefined {
  if (st.settled !== false) return undefined;
  const c = st.settleCounts;
  const part = (r: { seen: number; target: number; stalledAfterSeconds?: number }) => `${r.seen} of ${r.target}${r.stalledAfterSeconds !== undefined ? ` (stuck there for ${r.stalledAfterSeconds} s)` : ''}`;
  return `At ${st.projects} projects the stack did not settle within the limit (${f(st.settleSeconds / 60, 0)} min after the last registration): ${part(c.registeredEvents)} registration events and ${part(c.assignmentEvents)} review assignments were on Kafka, ${part(c.reviewsVisible)} reviews visible to the inbox query. Agenda and inbox were compiled as things stood: the agenda covers every running project (${st.warm.agenda.projectsQueried}); the inbox only the reviews that had started. Nothing is lost in such a backlog (the registrations are in Temporal, the events in the workflows' outboxes); it is the rate this one dev server and one worker can sustain.`;
}

export function scaleTable(s: ScaleResult): string {
  const lines = [
    '| Live projects | Live workflows | Registrations/s | Settled after, s | CPU s per project added | Worker RSS idle → live (MiB) | Cached workflows | RSS per cached workflow (KiB) | RSS per live workflow (KiB) | JS heap per cached workflow (KiB) | Weekly agenda, s (projects) | Inbox of fgw, s (items) | Worker RSS after (MiB) |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const st of s.steps) {
    lines.push(
      `| ${st.projects} | ${st.liveWorkflows} | ${f(st.registrationsPerSecond, 0)} | ${settledText(st)} | ${f(st.cpuSecondsPerProject, 2)} | ${mib(st.rssIdleBytes)} → ${mib(st.rssLiveBytes)} | ${st.cachedWorkflows} | ${kib(st.bytesPerCachedWorkflow)} | ${kib(st.bytesPerLiveWorkflow)} | ${st.heapBytesPerCachedWorkflow !== undefined ? kib(st.heapBytesPerCachedWorkflow) : '–'} | ${compiledText(st.warm.agenda, agendaCount(st.warm.agenda))} | ${compiledText(st.warm.inbox, String(st.warm.inbox.items))} | ${mib(st.warm.rssAfterBytes)} |`,
    );
  }
  const c = s.cold;
  if (c) {
    lines.push(
      `| ${c.projects}, cold: worker restarted, cache empty | ${2 * c.projects} | – | – | – | ${mib(c.rssIdleBytes)} (restarted) | 0 at start | – | – | – | ${compiledText(c.agenda, agendaCount(c.agenda))} | ${compiledText(c.inbox, String(c.inbox.items))} | ${mib(c.rssAfterBytes)} |`,
    );
  }
  const b = s.bare;
  if (b) {
    lines.push(
      '',
      `The bare workflow (bench/workflows, no keyflow code) on its own worker process with the same settings, ${b.workflows} workflows held in its cache: ${kib(b.rssPerWorkflow)} KiB of RSS and ${kib(b.heapPerWorkflow)} KiB of JS heap per cached workflow (${mib(b.idle.rss)} → ${mib(b.live.rss)} MiB RSS). That is the SDK's own share (its core's per-workflow state outside the JS heap, the V8 context's per-workflow globals); keyflow's share is the difference. Memory is read after a full garbage collection in the worker (--expose-gc; --no-flush-bytecode, so the bundler's code dropped later does not hide what the workflows add).`,
    );
  }
  return lines.join('\n');
}

export function markdown(r: BenchReport): string {
  const m = r.machine;
  const out: string[] = [];
  out.push(`# keyflow benchmark, ${r.startedAt}`, '');
  out.push(
    `Machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.platform}, Node ${m.node}. Load average at start ${m.loadAverageAtStart.join(' / ')}${m.loadAverageAtEnd ? `, at end ${m.loadAverageAtEnd.join(' / ')}` : ''} (1/5/15 min; anything above 0 is other work on the machine).`,
  );
  out.push(`Engines: Temporal dev server (${r.engines.temporalCli}, SQLite file) and Apache Kafka ${r.engines.kafka} (KRaft, one broker), started fresh by the bench on free ports in a temporary folder.`);
  out.push(`Command: \`${r.command}\`. Options: \`${JSON.stringify(r.options)}\`.`, '');
  out.push('## Ratios (keyflow ÷ baseline, measured in the same run on the same server)', '');
  out.push(ratiosTable(r), '');
  out.push(targetsTable(r), '');
  out.push(
    'Reading: for throughput and emission a ratio below 1 means keyflow does that fraction of the baseline per second; for latency and CPU a ratio above 1 means keyflow takes that many times as long, or as much CPU. Wall-clock figures depend on what else runs on the machine (see the load average); CPU seconds, read from /proc for each process, much less.',
    '',
  );
  if (r.throughput) {
    const t = r.throughput;
    out.push(
      `Throughput: ${t.projects} projects each, ${t.concurrency} in flight, after a warm-up. keyflow ${f(t.keyflow.seconds)} s, baseline ${f(t.baseline.seconds)} s; keyflow's end-to-end event rate meanwhile ${f(t.keyflow.eventsPerSecond, 0)} events/s into Kafka.`,
    );
  }
  if (r.latency) {
    const l = r.latency;
    out.push(
      `Latency: ${l.samples} approvals one at a time. The approval's own update round-trip (answer to the client) was p50 ${f(l.keyflowUpdate.p50)} / p95 ${f(l.keyflowUpdate.p95)} / p99 ${f(l.keyflowUpdate.p99)} ms; the rest of "approval → Kafka" is the outbox's publishEvents activity (schedule, send with acks=all, consumer fetch).`,
    );
  }
  if (r.emission) {
    const e = r.emission;
    out.push(
      `Emission: ${e.records} events each. keyflow: emitEvent (catalog, data validation, CloudEvent envelope, event id) through the worker's kafkajs publisher (idempotent, acks=all, one request in flight, concurrent sends coalesced into it: group commit), ${e.lanes} projects at once, each project's events one after another as its outbox sends them. Baseline: \`${e.command}\` → "${e.producerPerformance.line}".`,
    );
  }
  out.push('');
  if (r.scale) {
    out.push('## Scale (one dev server, one worker process)', '');
    out.push(scaleTable(r.scale), '');
    out.push(
      `Each project is registered in preliminary work, so its lifecycle workflow starts the first review stage (${r.scale.reviewDepartments} departments) as a child: two live workflows per project. Steps are cumulative. RSS is the worker process's VmRSS (/proc), the median of five readings after a full garbage collection in the worker, idle = after start-up before any project; "per cached workflow" divides the growth by the workflows the cache can hold (min(live, maxCachedWorkflows)), "per live workflow" by all live workflows. The weekly agenda is the meeting's agenda source (activities/meeting/agendaSource.ts loadProjectAgendaItems: a visibility listing, then a getProjectState query per running project, 8 at a time, within the agenda activity's budget of 90 s: a project that does not answer, or is not reached in time, is listed from its indexed facts and counted as "from the index"); the inbox is client/reviews.ts departmentInbox (a visibility listing, then a departmentItems query per review, 8 at a time). Workflows beyond the cache are replayed from history to answer those queries; the "cold" row shows that case for every workflow: the worker was restarted before compiling.`,
      '',
    );
    for (const st of r.scale.steps) {
      const note = unsettledNote(st);
      if (note) out.push(note, '');
      for (const [what, c] of [['agenda', st.warm.agenda], ['inbox', st.warm.inbox]] as const) {
        if (c.error) out.push(`At ${st.projects} projects the ${what} failed after ${f(c.seconds)} s: ${c.error}.`, '');
      }
    }
    const last = r.scale.steps[r.scale.steps.length - 1];
    const c = r.scale.cold;
    if (last && c) {
      const queried = c.agenda.projectsQueried + c.inbox.items;
      out.push(
        `CPU while compiling agenda + inbox: warm ${f(last.warm.cpu.total!, 1)} s, cold ${f(c.cpu.total!, 1)} s for ${queried} workflow queries (${f((c.cpu.total! * 1000) / Math.max(1, queried), 0)} ms per query cold, ${f((last.warm.cpu.total! * 1000) / Math.max(1, queried), 0)} ms warm), all processes.`,
        '',
      );
    }
    if (last && last.projects < 10_000) {
      const cpu = last.cpuSecondsPerProject * 10_000;
      const coldMs = c ? (c.cpu.total! * 1000) / Math.max(1, c.agenda.projectsQueried + c.inbox.items) : NaN;
      out.push(
        `Not measured in this run: 10,000 projects (\`--scale 1000,10000\`). An estimate from this run's own figures, not a measurement: registering and settling 10,000 would take about ${f(cpu / 60, 0)} CPU minutes (≈ ${f(cpu / 60 / r.machine.cores, 0)} min on ${r.machine.cores} otherwise idle cores); with 20,000 live workflows and a cache of ${r.workerSettings.maxCachedWorkflows}, nearly every agenda and inbox query is a cold one, so both together would take about ${f((coldMs * 20_000) / 1000 / 60, 1)} CPU minutes; worker RSS is bounded by the cache: about ${mib(last.rssIdleBytes + last.bytesPerCachedWorkflow * r.workerSettings.maxCachedWorkflows)} MiB.`,
        '',
      );
    }
  }
  out.push('## Worker settings', '');
  for (const [k, v] of Object.entries(r.workerSettings)) out.push(`- \`${k}\` = ${v}: ${WORKER_SETTINGS_WHY[k as keyof typeof WORKER_DEFAULTS]}`);
  const full = r.scale?.steps.find((st) => st.cachedWorkflows >= r.workerSettings.maxCachedWorkflows) ?? r.scale?.steps[r.scale.steps.length - 1];
  if (full) {
    out.push(
      `- Measured here: ${kib(full.bytesPerCachedWorkflow)} KiB of worker RSS per cached workflow, so a full cache of ${r.workerSettings.maxCachedWorkflows} is about ${mib(full.rssIdleBytes + full.bytesPerCachedWorkflow * r.workerSettings.maxCachedWorkflows)} MiB of worker RSS. The worker needs that much memory (and a V8 heap limit above it) before its cache fills; a smaller host needs a smaller cache.`,
    );
  }
  out.push('', 'Both workers (keyflow and baseline) run in their own process with these settings; the baseline worker has no activities.', '');
  return out.join('\n');
}

/** Writes `<time>.md` and `.json`, and `latest.md` / `latest.json` unless a newer run is there. */
export function writeReport(r: BenchReport, dir: string): { markdownFile: string; jsonFile: string } {
  fs.mkdirSync(dir, { recursive: true });
  const stamp = r.startedAt.replace(/[:.]/g, '-');
  const md = markdown(r);
  const markdownFile = path.join(dir, `${stamp}.md`);
  const jsonFile = path.join(dir, `${stamp}.json`);
  const json = `${JSON.stringify(r, null, 2)}\n`;
  fs.writeFileSync(markdownFile, md);
  fs.writeFileSync(jsonFile, json);
  let latest: string | undefined;
  try {
    latest = (JSON.parse(fs.readFileSync(path.join(dir, 'latest.json'), 'utf8')) as BenchReport).startedAt;
  } catch {
    // no earlier run
  }
  if (latest === undefined || latest <= r.startedAt) {
    fs.writeFileSync(path.join(dir, 'latest.md'), md);
    fs.writeFileSync(path.join(dir, 'latest.json'), json);
  }
  return { markdownFile, jsonFile };
}

export const engines = () => ({ temporalCli: `${VERSIONS.temporalCli.pypi} ${VERSIONS.temporalCli.version}`, kafka: VERSIONS.kafka.version });
