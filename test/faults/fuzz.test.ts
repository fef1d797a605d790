/**
 * Generated bad inputs against the real stack: the lifecycle updates (transition,
 * reportProgress, setAnnualPlan) and a department's review action through keyflow's client, and the same
 * through the HTTP API (a real socket). Every one is refused — a KeyflowError of a refusal type from the client,
 * a 4xx from the API — and nothing changes: the workflows' state (their queries) and the
 * events on Kafka are as before.
 *
 * Bad inputs are a valid request with one to three fields broken in ways the rules forbid
 * (wrong type, out of range, malformed, a stage move that is not allowed, another department's
 * task), or arbitrary JSON. No breakage supplies a missing reason, so no combination can turn
 * valid again.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { hashToken, newToken, tokenStore } from '../../api/auth';
import { buildServer } from '../../api/server';
import { openUserStore } from '../../api/users';
import { KeyflowError } from '../../client/errors';
import { getProjectState, registerProject, reportProgress, setAnnualPlan, transitionProject, type ClientContext } from '../../client/projects';
import { actOnTask, getReviewState, startReviewStage } from '../../client/reviews';
import { ActOnTaskInput } from '../../schemas/jointReview';
import { ProgressReport, SetAnnualPlan, TransitionRequest } from '../../schemas/lifecycle';
import { Stage } from '../../schemas/project';
import { TOPICS } from '../../schemas/topics';
import { validate } from '../../schemas/validation';
import { BENCH_DEPARTMENTS, BENCH_STAGE, benchCode, benchReview, reviewAnswers } from '../../bench/fixtures';
import { highWatermarks, printCounts, sleep, spawnWorker, startFaultStack, type FaultStack, type WorkerProcess } from './harness';

const TASK_QUEUE = 'faults-fuzz';
const RUNS = 40;
const REFUSALS = ['ValidationFailed', 'IllegalTransition', 'ApprovalsIncomplete', 'ProjectClosed', 'NotTaskOwner', 'TaskClosed', 'TaskNotFound', 'RequestIdReused'];
const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;
const STAGES: readonly string[] = Stage.options;

// ---- breakage ---------------------------------------------------------------------------------

type Json = unknown;
/** One broken field: `path` (dot-separated, `$` for the whole input) set to `value`, or removed. */
type Break = { path: string; value?: Json; remove?: true };

const set = (path: string, value: fc.Arbitrary<Json>): fc.Arbitrary<Break> => value.map((v) => ({ path, value: v }));
const remove = (path: string): fc.Arbitrary<Break> => fc.constant({ path, remove: true as const });

const notString = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string({ maxLength: 3 }), { maxLength: 2 }), fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 }));
const notNumber = fc.oneof(fc.string({ maxLength: 6 }), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 2 }));
const notObject = fc.oneof(fc.string({ maxLength: 6 }), fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 2 }));
const blank = fc.constantFrom('', ' ', '\t', '   \n');
const tooLong = (max: number) => fc.string({ minLength: max + 1, maxLength: max + 40 }).filter((s) => s.trim().length > max);
const badRequestId = fc.oneof(notString, fc.string({ maxLength: 7 }), tooLong(128), blank.map((b) => `${b}abc${b}`));
const badSlug = fc.oneof(notString, fc.string({ maxLength: 8 }).filter((s) => !SLUG.test(s)), fc.constantFrom('FGW', '-fgw', 'fg w', "fgw' OR 1=1"));
const negative = fc.double({ min: -1e9, max: -0.01, noNaN: true });
const badActor = fc.oneof(
  notObject,
  fc.constant({}),
  blank.map((by) => ({ by })),
  tooLong(120).map((by) => ({ by })),
  badSlug.map((department) => ({ by: 'fuzz', department })),
);
const badReason = fc.oneof(notString, fc.string({ maxLength: 1 }), blank, tooLong(2000));
const wholeInput = set('$', notObject);

/** Over HTTP the API sets the actor from the caller, so leaving `actor` out breaks nothing there. */
const brokenOverHttp = (breaks: Break[]) => breaks.some((b) => b.path !== 'actor') || !breaks.filter((b) => b.path === 'actor').at(-1)?.remove;

/** A valid base with its fresh request id, then the breaks applied. */
function broken(base: () => Record<string, Json>, breaks: fc.Arbitrary<Break>[], most = 3): fc.Arbitrary<{ input: Json; breaks: Break[] }> {
  return fc.array(fc.oneof(...breaks), { minLength: 1, maxLength: most }).map((bs) => {
    let input: Json = structuredClone(base());
    for (const b of bs) {
      if (b.path === '$') {
        input = b.value;
        continue;
      }
      if (input === null || typeof input !== 'object' || Array.isArray(input)) continue;
      const keys = b.path.split('.');
      let at = input as Record<string, Json>;
      for (const k of keys.slice(0, -1)) {
        if (at[k] === null || typeof at[k] !== 'object' || Array.isArray(at[k])) at[k] = {};
        at = at[k] as Record<string, Json>;
      }
      if (b.remove) delete at[keys[keys.length - 1]!];
      else at[keys[keys.length - 1]!] = b.value;
    }
    return { input, breaks: bs };
  });
}

let serial = 0;
const requestId = () => `fuzz-${process.pid}-${++serial}-request`;
const currentMonth = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7);

// Breaks the schema lets through and the workflow's rules refuse (one at a time in the `rule*`
// arbitraries, so the rule and not the schema is what refuses).

// The project is in stage started (新开工): it reports monthly and may move on to underConstruction.
const transitionBase = () => ({ requestId: requestId(), to: 'underConstruction', actor: { by: 'fgw:fuzz' } });
const transitionRules = [
  // Not allowed from started at all, or only with a reason (and no breakage gives one).
  set('to', fc.constantFrom('started', 'completed', 'inProduction', 'conceived', 'reserve', 'preliminary', 'withdrawn')),
];
const badTransition = broken(transitionBase, [
  set('requestId', badRequestId),
  remove('requestId'),
  set('to', fc.oneof(notString, fc.string({ maxLength: 12 }).filter((s) => !STAGES.includes(s)))),
  remove('to'),
  set('actor', badActor),
  remove('actor'),
  set('reason', badReason),
  wholeInput,
  ...transitionRules,
]);
const ruleTransition = broken(transitionBase, transitionRules, 1);

const reportBase = () => ({
  requestId: requestId(),
  month: currentMonth(),
  investmentThisMonth: 100,
  investmentToDate: 100,
  physicalProgress: 10,
  actor: { by: 'fgw:fuzz' },
});
const reportRules = [
  set('month', fc.constantFrom('2099-01', '2030-12')), // not begun yet
  set('investmentThisMonth', fc.integer({ min: 101, max: 1_000_000 })), // more than the year to date
  set('resolvedProblemIds', fc.constant(['P2026-11-999'])), // no such open problem
  set('correctionReason', fc.constantFrom('补报更正', '数据有误')), // nothing to correct
];
const badReport = broken(reportBase, [
  set('requestId', badRequestId),
  set('month', fc.oneof(notString, fc.string({ maxLength: 8 }).filter((s) => !/^\d{4}-(0[1-9]|1[0-2])$/.test(s)), fc.constantFrom('2026-13', '2026-00', '26-11', '2026-1'))),
  remove('month'),
  set('investmentThisMonth', fc.oneof(notNumber, negative, fc.double({ min: 100.01, max: 1e9, noNaN: true }))),
  set('investmentToDate', fc.oneof(notNumber, negative)),
  set('physicalProgress', fc.oneof(notNumber, fc.double({ min: 100.001, max: 1e9, noNaN: true }), negative)),
  set('problems', fc.oneof(notObject.filter((x) => !Array.isArray(x)), fc.constant([{ text: 'a' }]), fc.constant([{ text: '  ' }]), fc.constant(Array.from({ length: 21 }, () => ({ text: '征地拆迁未完成' }))))),
  set('resolvedProblemIds', notObject.filter((x) => !Array.isArray(x))),
  set('progressNote', fc.oneof(tooLong(2000), fc.integer(), fc.boolean())),
  set('actor', badActor),
  remove('actor'),
  wholeInput,
  ...reportRules,
]);
const ruleReport = broken(reportBase, reportRules, 1);

// The fuzzed project's total investment is 50000 万元.
const currentYear = () => Number(currentMonth().slice(0, 4));
const planBase = () => ({ requestId: requestId(), year: currentYear(), annualPlannedInvestment: 100, actor: { by: 'fgw:fuzz' } });
const planRules = [
  set('year', fc.integer({ min: 2000, max: 2100 }).filter((y) => y !== currentYear())), // a plan is set in the year it covers
  set('annualPlannedInvestment', fc.integer({ min: 50_001, max: 1e9 })), // above the total investment
];
const badPlan = broken(planBase, [
  set('requestId', badRequestId),
  set('year', fc.oneof(notNumber, fc.double({ min: 2000.1, max: 2099.9, noNaN: true }).filter((y) => !Number.isInteger(y)), fc.integer({ min: -1e6, max: 1999 }), fc.integer({ min: 2101, max: 1e6 }))),
  remove('year'),
  set('annualPlannedInvestment', fc.oneof(notNumber, negative, fc.constantFrom(100.001, 1.234))),
  remove('annualPlannedInvestment'),
  set('reason', badReason),
  set('actor', badActor),
  remove('actor'),
  wholeInput,
  ...planRules,
]);
const rulePlan = broken(planBase, planRules, 1);

const actBase = () => ({ requestId: requestId(), department: 'fgw', actor: { by: 'fgw:fuzz', department: 'fgw' }, action: 'approve' });
const otherParticipant = fc.constantFrom(...BENCH_DEPARTMENTS.filter((d) => d !== 'fgw'));
const actRules = [
  set('department', fc.constantFrom('xf', 'rf', 'dcs', 'scjg', 'nosuch')), // no task of this stage
  set('actor', otherParticipant.map((department) => ({ by: `${department}:fuzz`, department }))), // not the task owner
  set('actor.department', otherParticipant),
];
const badAct = broken(actBase, [
  set('requestId', badRequestId),
  set('department', badSlug),
  set('actor', badActor),
  remove('actor.department'),
  set('action', fc.oneof(notString, fc.constantFrom('APPROVE', 'approved', 'accept', ''))),
  set('action', fc.constantFrom('reject', 'returnForSupplement', 'approveWithMissing')), // each needs a reason
  set('missingMaterials', fc.oneof(fc.constant(['施工合同']), notObject)),
  set('followUpWorkingDays', fc.oneof(fc.integer({ min: 1, max: 30 }), fc.integer({ max: 0 }), notNumber)),
  set('reason', badReason),
  wholeInput,
  ...actRules,
]);
const ruleAct = broken(actBase, actRules, 1);

const anyJson = fc.jsonValue({ maxDepth: 3 });

// ---- the test ---------------------------------------------------------------------------------

describe('generated bad inputs are refused and change nothing', () => {
  let stack: FaultStack;
  let worker: WorkerProcess | undefined;
  let ctx: ClientContext;
  let code: string;
  let reviewCode: string;
  let app: FastifyInstance | undefined;
  let snapshot: () => Promise<string>;
  let kafkaCounts: () => Promise<string>;
  const counts = { client: 0, http: 0 };
  const byType = new Map<string, number>();
  const note = (key: string) => byType.set(key, (byType.get(key) ?? 0) + 1);

  beforeAll(async () => {
    stack = await startFaultStack('fuzz');
    ctx = { client: stack.client, taskQueue: TASK_QUEUE };
    worker = await spawnWorker(stack, TASK_QUEUE, 'worker');
    code = benchCode(730_000);
    reviewCode = benchCode(730_001);
    await registerProject(
      ctx,
      {
        code,
        name: '漯河食品产业园冷链物流项目',
        owner: '漯河冷链物流有限公司',
        county: '411122',
        industry: 'food-beverage',
        category: 'new',
        totalInvestment: 50000,
        annualPlannedInvestment: 20000,
        plannedStart: '2026-03-01',
        plannedCompletion: '2027-12-31',
        responsibleLeader: '副市长 王某',
        leadDepartment: 'fgw',
        stage: 'started',
      },
      'fuzz',
    );
    await startReviewStage(ctx, benchReview(reviewCode));
    await reviewAnswers(ctx, reviewCode);
    // Settled: the registration and the five assignments are on Kafka.
    const total = async (topic: string) => [...(await highWatermarks(stack.brokers, topic)).values()].reduce((s, x) => s + x, 0);
    for (let i = 0; (await total(TOPICS.projects)) < 1 || (await total(TOPICS.reviews)) < BENCH_DEPARTMENTS.length; i++) {
      if (i > 600) throw new Error('setup events did not reach Kafka');
      await sleep(100);
    }
    snapshot = async () => JSON.stringify([await getProjectState(ctx, code), await getReviewState(ctx, reviewCode, BENCH_STAGE)]);
    kafkaCounts = async () => JSON.stringify([[...(await highWatermarks(stack.brokers, TOPICS.projects))], [...(await highWatermarks(stack.brokers, TOPICS.reviews))]]);
  }, 360_000);
  afterAll(async () => {
    await app?.close();
    await worker?.stop();
    await stack?.stop();
  });

  it('the valid bases the breakage starts from are valid', () => {
    expect(() => validate(TransitionRequest, transitionBase())).not.toThrow();
    expect(() => validate(ProgressReport, reportBase())).not.toThrow();
    expect(() => validate(SetAnnualPlan, planBase())).not.toThrow();
    expect(() => validate(ActOnTaskInput, actBase())).not.toThrow();
  });

  /** Sends, expects a refusal of a known type, and the state unchanged. */
  async function refusedByClient(call: () => Promise<unknown>, before: string): Promise<void> {
    const err = await call().then(
      (answer) => new Error(`accepted: ${JSON.stringify(answer)}`),
      (e: unknown) => e,
    );
    if (!(err instanceof KeyflowError)) throw new Error(`not refused with a KeyflowError: ${String(err)}`);
    if (!REFUSALS.includes(err.type)) throw new Error(`refused with ${err.type}: ${err.message}`);
    expect(await snapshot()).toBe(before);
    counts.client += 1;
    note(err.type);
  }

  it('through the client: transition, reportProgress, setAnnualPlan and actOnTask refuse every bad input', async () => {
    const before = await snapshot();
    const kafkaBefore = await kafkaCounts();
    await fc.assert(fc.asyncProperty(badTransition, async ({ input }) => refusedByClient(() => transitionProject(ctx, code, input as never), before)), { numRuns: RUNS });
    await fc.assert(fc.asyncProperty(badReport, async ({ input }) => refusedByClient(() => reportProgress(ctx, code, input as never), before)), { numRuns: RUNS });
    await fc.assert(fc.asyncProperty(badAct, async ({ input }) => refusedByClient(() => actOnTask(ctx, reviewCode, BENCH_STAGE, input as never), before)), { numRuns: RUNS });
    await fc.assert(fc.asyncProperty(ruleTransition, async ({ input }) => refusedByClient(() => transitionProject(ctx, code, input as never), before)), { numRuns: RUNS / 4 });
    await fc.assert(fc.asyncProperty(ruleReport, async ({ input }) => refusedByClient(() => reportProgress(ctx, code, input as never), before)), { numRuns: RUNS / 4 });
    await fc.assert(fc.asyncProperty(ruleAct, async ({ input }) => refusedByClient(() => actOnTask(ctx, reviewCode, BENCH_STAGE, input as never), before)), { numRuns: RUNS / 4 });
    await fc.assert(fc.asyncProperty(badPlan, async ({ input }) => refusedByClient(() => setAnnualPlan(ctx, code, input as never), before)), { numRuns: RUNS });
    await fc.assert(fc.asyncProperty(rulePlan, async ({ input }) => refusedByClient(() => setAnnualPlan(ctx, code, input as never), before)), { numRuns: RUNS / 4 });
    await fc.assert(
      fc.asyncProperty(anyJson, async (input) => {
        await refusedByClient(() => setAnnualPlan(ctx, code, input as never), before);
        await refusedByClient(() => transitionProject(ctx, code, input as never), before);
        await refusedByClient(() => reportProgress(ctx, code, input as never), before);
        await refusedByClient(() => actOnTask(ctx, reviewCode, BENCH_STAGE, input as never), before);
      }),
      { numRuns: RUNS / 2 },
    );
    expect(await kafkaCounts()).toBe(kafkaBefore);
  }, 300_000);

  it('through the HTTP API: every bad request gets a 4xx', async () => {
    const token = newToken();
    // A task's decision is its department's own (an administrator is no department): fgw's token acts on fgw's task.
    const fgwToken = newToken();
    app = buildServer({
      ctx,
      tokens: tokenStore({ tokens: [{ id: 'fuzz-admin', role: 'admin', hash: hashToken(token) }, { id: 'fuzz-fgw', role: 'department', department: 'fgw', hash: hashToken(fgwToken) }] }),
      logger: false,
    });
    // Over a real socket (light-my-request's inject needs an ES module jest cannot load).
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    const before = await snapshot();
    const kafkaBefore = await kafkaCounts();
    const post = async (url: string, payload: Json | string, raw = false) => {
      const res = await fetch(`${base}${url}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${/\/tasks\/[^/]+\/actions$/.test(url) ? fgwToken : token}`, 'content-type': 'application/json' },
        body: raw ? (payload as string) : JSON.stringify(payload),
      });
      const body = await res.text();
      if (res.status < 400 || res.status >= 500) throw new Error(`${url} answered ${res.status}: ${body.slice(0, 500)}`);
      expect(await snapshot()).toBe(before);
      counts.http += 1;
      note(`HTTP ${res.status}`);
    };
    const transitions = `/projects/${code}/transitions`;
    const reports = `/projects/${code}/reports`;
    const plans = `/projects/${code}/annual-plan`;
    const actions = `/projects/${reviewCode}/reviews/${BENCH_STAGE}/tasks/fgw/actions`;
    await fc.assert(fc.asyncProperty(badTransition, ({ input, breaks }) => (fc.pre(brokenOverHttp(breaks)), post(transitions, input))), { numRuns: RUNS });
    await fc.assert(fc.asyncProperty(badReport, ({ input, breaks }) => (fc.pre(brokenOverHttp(breaks)), post(reports, input))), { numRuns: RUNS });
    await fc.assert(fc.asyncProperty(badAct, ({ input, breaks }) => (fc.pre(brokenOverHttp(breaks)), post(actions, input))), { numRuns: RUNS });
    await fc.assert(fc.asyncProperty(ruleTransition, ({ input }) => post(transitions, input)), { numRuns: RUNS / 4 });
    await fc.assert(fc.asyncProperty(ruleReport, ({ input }) => post(reports, input)), { numRuns: RUNS / 4 });
    await fc.assert(fc.asyncProperty(ruleAct, ({ input }) => post(actions, input)), { numRuns: RUNS / 4 });
    await fc.assert(fc.asyncProperty(badPlan, ({ input, breaks }) => (fc.pre(brokenOverHttp(breaks)), post(plans, input))), { numRuns: RUNS });
    await fc.assert(fc.asyncProperty(rulePlan, ({ input }) => post(plans, input)), { numRuns: RUNS / 4 });
    await fc.assert(
      fc.asyncProperty(anyJson, async (input) => {
        await post(plans, input);
        await post(transitions, input);
        await post(reports, input);
        await post(actions, input);
      }),
      { numRuns: RUNS / 2 },
    );
    // Bad paths with a valid body, and bodies that are not JSON at all.
    const segment = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('..', '%', 'landUsePlanning2', 'FGW', "' OR 1=1"));
    await fc.assert(
      fc.asyncProperty(fc.record({ c: segment, s: segment, d: segment }), async ({ c, s, d }) => {
        fc.pre(c !== reviewCode || s !== BENCH_STAGE || !BENCH_DEPARTMENTS.includes(d as never));
        const url = `/projects/${encodeURIComponent(c)}/reviews/${encodeURIComponent(s)}/tasks/${encodeURIComponent(d)}/actions`;
        await post(url, { requestId: requestId(), actor: { by: 'admin:fuzz', department: d }, action: 'approve' });
      }),
      { numRuns: RUNS },
    );
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 20 }).filter((s) => (() => { try { JSON.parse(s); return false; } catch { return true; } })()), (text) => post(transitions, text, true)),
      { numRuns: RUNS / 2 },
    );
    expect(await kafkaCounts()).toBe(kafkaBefore);
    printCounts(`[faults] fuzz: ${counts.client} bad inputs through the client and ${counts.http} bad requests through the HTTP API refused (${[...byType].map(([k, n]) => `${k} ${n}`).join(', ')}); state and Kafka unchanged`);
  }, 300_000);

  /**
   * The contract's rules, generated: a different request under a used request id, registrations
   * whose references do not hold, four-compare periods that are not closed months within the data,
   * and writes to a closed project. Each is refused with its own 4xx and changes nothing.
   */
  it('through the HTTP API: reused ids, bad references, periods and closed projects are refused', async () => {
    const token = newToken();
    const contractApp = buildServer({ ctx, tokens: tokenStore({ tokens: [{ id: 'fuzz-admin-2', role: 'admin', hash: hashToken(token) }] }), logger: false });
    const base = await contractApp.listen({ port: 0, host: '127.0.0.1' });
    const seen = new Map<string, number>();
    const send = async (method: 'POST', url: string, payload: Json): Promise<{ status: number; error: string }> => {
      // The API records the caller as the actor; a body naming anyone is a 403 this property is not about.
      const sent = payload !== null && typeof payload === 'object' && !Array.isArray(payload) ? { ...payload, actor: undefined } : payload;
      const res = await fetch(`${base}${url}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(sent) });
      const body = (await res.json()) as { error: string };
      if (res.status >= 400) seen.set(`${res.status} ${body.error}`, (seen.get(`${res.status} ${body.error}`) ?? 0) + 1);
      return { status: res.status, error: body.error };
    };
    try {
      // A used id: the first report is taken; every different request under the same id is refused.
      const usedId = `fuzz-used-${process.pid}-request`;
      const offsetsAtStart = await kafkaCounts();
      expect((await send('POST', `/projects/${code}/reports`, { ...reportBase(), requestId: usedId, investmentToDate: 150, investmentThisMonth: 50 })).status).toBe(200);
      // The report's events (and a warning change it may cause) leave the outbox after the answer: wait until they are on Kafka.
      let kafkaBefore = await kafkaCounts();
      for (let i = 0, still = 0; still < 3; i++) {
        if (i > 300) throw new Error('the report\'s events did not settle on Kafka');
        await sleep(200);
        const now = await kafkaCounts();
        still = now === kafkaBefore && now !== offsetsAtStart ? still + 1 : 0;
        kafkaBefore = now;
      }
      const before = await snapshot();
      const other = fc.oneof(
        fc.record({ url: fc.constant(`/projects/${code}/transitions`), body: fc.constantFrom('underConstruction', 'withdrawn').map((to) => ({ ...transitionBase(), to, reason: '调整' })) }),
        fc.record({ url: fc.constant(`/projects/${code}/annual-plan`), body: fc.integer({ min: 1, max: 40000 }).map((n) => ({ ...planBase(), annualPlannedInvestment: n })) }),
        fc.record({ url: fc.constant(`/projects/${code}/reports`), body: fc.integer({ min: 151, max: 19000 }).map((n) => ({ ...reportBase(), investmentToDate: n, investmentThisMonth: 50 })) }),
      );
      await fc.assert(
        fc.asyncProperty(other, async ({ url, body }) => {
          expect(await send('POST', url, { ...body, requestId: usedId })).toEqual({ status: 409, error: 'RequestIdReused' });
        }),
        { numRuns: RUNS },
      );
      expect(await snapshot()).toBe(before);
      expect(await kafkaCounts()).toBe(kafkaBefore);

      // References: a registration is refused unless county, department, industry, year and division all hold.
      const project = (n: number) => ({
        code: benchCode(731_000 + n), name: '漯河食品产业园冷链物流项目', owner: '漯河冷链物流有限公司', county: '411122', industry: 'food-beverage', category: 'new',
        totalInvestment: 50000, annualPlannedInvestment: 20000, plannedStart: '2026-03-01', plannedCompletion: '2027-12-31', responsibleLeader: '副市长 王某', leadDepartment: 'fgw', stage: 'started',
      });
      let n = 0;
      const badReference = fc.oneof(
        fc.constantFrom('nowhere', '000000', 'pxvv', '411100', '999999').map((county) => ({ county })),
        fc.constantFrom('nodept', 'fgw2', 'city').map((leadDepartment) => ({ leadDepartment })),
        fc.constantFrom('mining', 'beverages', 'x').map((industry) => ({ industry })),
        fc.integer({ min: 1900, max: 2014 }).map((y) => ({ year: y })),
        fc.integer({ min: new Date().getUTCFullYear() + 2, max: 2099 }).map((y) => ({ year: y })),
        fc.integer({ min: 100000, max: 999999 }).filter((d) => d !== 411122).map((d) => ({ division: String(d) })),
      );
      await fc.assert(
        fc.asyncProperty(badReference, async (change) => {
          const p: Record<string, unknown> = { ...project(++n) };
          const parts = String(p.code).split('-');
          if ('year' in change) parts[0] = String(change.year);
          if ('division' in change) parts[1] = change.division;
          p.code = parts.join('-');
          const { year: _y, division: _d, ...fields } = change as Record<string, unknown>;
          void _y;
          void _d;
          const r = await send('POST', '/projects', { ...p, ...fields });
          expect(r).toEqual({ status: 400, error: 'ValidationFailed' });
          await expect(stack.client.workflow.getHandle(`project-${p.code}`).describe()).rejects.toThrow();
        }),
        { numRuns: RUNS },
      );

      // Periods: only a closed month from 2020-01 on may be checked.
      const thisMonth = currentMonth();
      const badPeriod = fc.oneof(
        fc.tuple(fc.integer({ min: 0, max: 2019 }), fc.integer({ min: 1, max: 12 })),
        fc.tuple(fc.integer({ min: Number(thisMonth.slice(0, 4)) + 1, max: 9999 }), fc.integer({ min: 1, max: 12 })),
      ).map(([y, m]) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}`);
      await fc.assert(
        fc.asyncProperty(fc.oneof(badPeriod, fc.constant(thisMonth), fc.constantFrom('2026-13', '26-01', 'x')), async (period) => {
          const r = await send('POST', '/rankings/four-compare', { period });
          expect([400, 409]).toContain(r.status);
          expect(['ValidationFailed', 'MonthNotClosed']).toContain(r.error);
        }),
        { numRuns: RUNS },
      );

      // A closed project refuses every write with 409 ProjectClosed, also after its workflow has closed.
      const closedCode = benchCode(732_000);
      await registerProject(ctx, { ...project(0), code: closedCode, stage: 'completed', category: 'continuing' }, 'fuzz');
      await transitionProject(ctx, closedCode, { requestId: `fuzz-close-${closedCode}`, to: 'inProduction', actor: { by: 'fgw:fuzz' } });
      for (let i = 0; (await stack.client.workflow.getHandle(`project-${closedCode}`).describe()).status.name === 'RUNNING'; i++) {
        if (i > 300) throw new Error('the closed project did not finish');
        await sleep(100);
      }
      const closedBefore = JSON.stringify(await getProjectState(ctx, closedCode));
      const write = fc.oneof(
        fc.constant({ url: `/projects/${closedCode}/reports`, body: reportBase() }),
        fc.constant({ url: `/projects/${closedCode}/annual-plan`, body: planBase() }),
        fc.constantFrom('completed', 'withdrawn', 'conceived').map((to) => ({ url: `/projects/${closedCode}/transitions`, body: { ...transitionBase(), to, reason: '补充' } })),
      );
      await fc.assert(
        fc.asyncProperty(write, async ({ url, body }) => {
          expect(await send('POST', url, body)).toEqual({ status: 409, error: 'ProjectClosed' });
        }),
        { numRuns: RUNS / 2 },
      );
      expect(JSON.stringify(await getProjectState(ctx, closedCode))).toBe(closedBefore);
      printCounts(`[faults] fuzz (contract rules): ${[...seen].map(([k, v]) => `${k} ×${v}`).join(', ')}; state and Kafka unchanged`);
    } finally {
      await contractApp.close();
    }
  }, 300_000);
  /**
   * Sign-in and the user routes (issue 14), generated: broken sign-in bodies, wrong passwords past
   * the limit, broken users and passwords, unknown users and tokens. Each is a 4xx (400, 401, 403,
   * 404, 409, 429) and the user store is byte for byte as before: nothing is stored, no session opens.
   */
  it('through the HTTP API: sign-in and user routes refuse every bad request and store nothing', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyflow-fuzz-users-'));
    const users = openUserStore(path.join(dir, 'users.json'), { scrypt: { logN: 4, r: 1, p: 1 } });
    await users.add({ id: 'fuzz.clerk', name: '模糊测试', department: 'fgw', roles: ['departmentClerk'], password: 'fuzz-password-1' }, new Date('2026-03-02T01:00:00Z'));
    const token = newToken();
    const peopleApp = buildServer({ ctx, tokens: tokenStore({ tokens: [{ id: 'fuzz-admin-3', role: 'admin', hash: hashToken(token) }] }), users, loginLimits: { perLogin: 5, perAddress: 1000, windowSeconds: 600 }, logger: false });
    const base = await peopleApp.listen({ port: 0, host: '127.0.0.1' });
    const stored = () => fs.readFileSync(users.file, 'utf8');
    const before = stored();
    const send = async (method: 'POST' | 'DELETE' | 'GET', url: string, payload?: Json, auth = true) => {
      const res = await fetch(`${base}${url}`, {
        method,
        headers: { ...(auth ? { authorization: `Bearer ${token}` } : {}), ...(payload !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: payload === undefined ? undefined : JSON.stringify(payload),
      });
      const body = await res.text();
      if (res.status < 400 || res.status >= 500) throw new Error(`${method} ${url} answered ${res.status}: ${body.slice(0, 500)}`);
      expect(res.headers.get('set-cookie') ?? '').not.toMatch(/keyflow_session=[^;]/);
      expect(stored()).toBe(before);
      counts.http += 1;
      note(`people HTTP ${res.status}`);
    };
    const signIn = { login: 'fuzz.clerk', password: 'wrong-password' };
    const badSignIn = fc.oneof(
      fc.constant(signIn),
      fc.record({ login: fc.oneof(notString, fc.constant(''), tooLong(40)), password: fc.string({ maxLength: 20 }) }),
      fc.record({ login: fc.string({ maxLength: 12 }), password: fc.oneof(notString, fc.constant(''), tooLong(200)) }),
      fc.record({ login: fc.constant('fuzz.clerk'), password: fc.string({ maxLength: 30 }).filter((p) => p !== 'fuzz-password-1') }),
    );
    const user = { id: 'new.user', name: '新用户', department: 'fgw', roles: ['departmentClerk'], password: 'new-password-1' };
    const badUser = fc.oneof(
      set('id', fc.oneof(notString, badSlug, fc.constant('fuzz.clerk'))),
      set('name', fc.oneof(notString, blank, tooLong(40))),
      set('roles', fc.oneof(notObject, fc.constant([]), fc.constant(['departmentClerk', 'admin']), fc.constant(['boss']), fc.constant(['enterprise']))),
      set('department', fc.oneof(badSlug, fc.constant('nosuch'))),
      set('password', fc.oneof(notString, fc.string({ maxLength: 9 }), tooLong(200))),
      remove('roles'),
    ).map((b) => {
      const input: Record<string, Json> = { ...user };
      if (b.remove) delete input[b.path];
      else input[b.path] = b.value;
      return input;
    });
    await fc.assert(fc.asyncProperty(badSignIn, (input) => send('POST', '/session', input, false)), { numRuns: RUNS });
    await fc.assert(fc.asyncProperty(anyJson, (input) => send('POST', '/session', input, false)), { numRuns: RUNS / 2 });
    // Past the limit even the right password is refused (429): nothing opens.
    await send('POST', '/session', { login: 'fuzz.clerk', password: 'fuzz-password-1' }, false);
    await fc.assert(fc.asyncProperty(badUser, (input) => send('POST', '/users', input)), { numRuns: RUNS });
    await fc.assert(fc.asyncProperty(anyJson, (input) => send('POST', '/users', input)), { numRuns: RUNS / 2 });
    const anyId = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('nobody', 'FUZZ', '..', "' OR 1=1"));
    await fc.assert(
      fc.asyncProperty(anyId, anyId, anyJson, async (id, tokenId, body) => {
        fc.pre(id !== 'fuzz.clerk');
        const u = encodeURIComponent(id);
        await send('POST', `/users/${u}/password`, { password: 'another-password-1' });
        await send('POST', `/users/${u}/disable`, { reason: '模糊测试' });
        await send('POST', `/users/${u}/tokens`, {});
        await send('DELETE', `/users/${u}/tokens/${encodeURIComponent(tokenId)}`);
        await send('POST', '/users/fuzz.clerk/password', body);
        await send('DELETE', `/users/fuzz.clerk/tokens/${encodeURIComponent(tokenId)}`);
      }),
      { numRuns: RUNS / 2 },
    );
    await peopleApp.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }, 300_000);
});
