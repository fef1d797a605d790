/**
 * Acceptance on the real stack (dev server + Kafka, real time): a project enters preliminary
 * work, its first stage is approved, the second (工程建设许可, 30 working days) starts with
 * deadlines that reach a year without a notice — counted provisionally and shown as such in the
 * API, the inbox and the CLI. A notice for that year (a TEST FIXTURE, not a real notice) is then
 * loaded with `keyflow calendar load` without restarting anything: the deadlines are recounted,
 * the change is in the task's audit and on Kafka, and the department's reminder names the new
 * deadline.
 *
 * It holds on any day: the fixture is the provisional derivation of the deadline's year plus a
 * day off on each provisional deadline the review counted, so every such deadline must move, and
 * every expectation is computed from the review's own acceptance date. (A year that has a real
 * notice on disk by then is loaded as an amended notice instead, and recounted the same way.)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hashToken, newToken } from '../../api/auth';
import { startApi, type RunningApi } from '../../api/start';
import { registerProject } from '../../client/projects';
import { actOnTask, getReviewState } from '../../client/reviews';
import { shanghaiDate } from '../../domain/calendar';
import type { ReviewState } from '../../schemas/jointReview';
import type { Reminder } from '../../schemas/meeting';
import { loadCalendar } from '../../seeds/holidays';
import { cliEnv, keyflow, ROOT } from '../support/cli';
import { testNoticeFixture } from '../support/calendars';
import { readEvents, startHarness, type E2EHarness } from '../support/e2e';
import { aProject } from '../support/fixtures';
import { isolatedNamespace } from '../support/namespace';

jest.setTimeout(180_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(300);
  }
}

describe('a holiday notice loaded live recounts provisional deadlines', () => {
  let h: E2EHarness;
  let api: RunningApi;
  let tmp: string;
  let env: NodeJS.ProcessEnv;
  const admin = newToken();
  const project = aProject({ stage: 'preliminary', category: 'preliminary', leadDepartment: 'fgw', name: '临颍县休闲食品产业园' });

  beforeAll(async () => {
    if (!fs.existsSync(path.join(ROOT, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is missing: run ./scripts/build.sh first');
    const namespace = await isolatedNamespace('calendar');
    h = await startHarness('calendar', { namespace, calendarRegistry: true });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'keyflow-calendar-e2e-'));
    const tokens = path.join(tmp, 'tokens.json');
    fs.writeFileSync(tokens, JSON.stringify({ tokens: [{ id: 'test-admin', role: 'admin', hash: hashToken(admin) }] }));
    api = await startApi({ ctx: { client: h.client, taskQueue: h.taskQueue }, tokens, port: 0, logger: { level: 'warn' }, strictResponses: true });
    env = cliEnv({ taskQueue: h.taskQueue, stateDir: path.join(tmp, 'state'), namespace });
  });
  afterAll(async () => {
    await api?.stop();
    await h?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  const get = async (url: string) => {
    const r = await fetch(`${api.url}${url}`, { headers: { authorization: `Bearer ${admin}` } });
    return { status: r.status, body: (await r.json()) as never };
  };

  it('marks, loads through the CLI without a restart, recounts, audits, publishes and reminds', async () => {
    const ctx = { client: h.client, taskQueue: h.taskQueue };
    await registerProject(ctx, project, 'e2e:admin');

    // Stage 1 (立项用地规划许可): every department approves.
    const stage1 = await until('the landUsePlanning review', () => getReviewState(ctx, project.code, 'landUsePlanning'));
    for (const t of stage1.tasks) {
      await actOnTask(ctx, project.code, 'landUsePlanning', { requestId: `e2e-approve-${t.department}-${project.code}`, department: t.department, actor: { by: `${t.department}:e2e`, department: t.department }, action: 'approve' });
    }

    // Stage 2 (工程建设许可) starts: 30 working days from acceptance.
    const before: ReviewState = await until('the engineeringPermit review', () => getReviewState(ctx, project.code, 'engineeringPermit'));
    const accepted = shanghaiDate(before.acceptedAt);
    const disk = loadCalendar();
    const zrzy = before.tasks.find((t) => t.department === 'zrzy')!;
    expect(zrzy.deadlineDate).toBe(disk.addWorkingDays(accepted, zrzy.limitWorkingDays));
    const year = Number(zrzy.deadlineDate.slice(0, 4));
    const yearArrangement = disk.arrangements.find((a) => a.year === year)!;
    const provisionalYear = yearArrangement.provisional !== undefined;
    const provisionalTasks = before.tasks.filter((t) => t.provisional);
    if (provisionalYear) {
      expect(zrzy.provisional).toMatchObject({ years: [year], basis: expect.stringContaining(`${year}年国务院节假日安排通知尚未发布`) });
      // The API answers the review (it used to be a 500) and the inbox, both marked.
      const review = await get(`/projects/${project.code}/reviews/engineeringPermit`);
      expect(review.status).toBe(200);
      expect((review.body as ReviewState).tasks.find((t) => t.department === 'zrzy')!.provisional).toMatchObject({ years: [year] });
      const inbox = await until('the zrzy inbox to show the review', async () => {
        const r = await get('/departments/zrzy/inbox');
        const items = (r.body as { items: Array<{ projectCode: string; stageId: string; provisional?: unknown; workingDaysLeft: number | null }> }).items;
        return items.find((i) => i.projectCode === project.code && i.stageId === 'engineeringPermit');
      });
      expect(inbox).toMatchObject({ provisional: { years: [year] } });
      expect(inbox.workingDaysLeft).not.toBeNull();
      const cli = await until('the CLI inbox', async () => {
        const r = await keyflow(['inbox', 'zrzy'], env);
        return r.code === 0 && r.stdout.includes(project.code) ? r : undefined;
      });
      expect(cli.stdout).toContain(`${zrzy.deadlineDate}（暂定）`);
      expect(cli.stdout).toContain(`（暂定）${year}年国务院节假日安排通知尚未发布`);
    }
    await until('KeyflowDeadlineYears to name the year', async () => {
      const d = await h.client.workflow.getHandle(`review-${project.code}-engineeringPermit`).describe();
      return JSON.stringify(d.searchAttributes.KeyflowDeadlineYears ?? []).includes(String(year)) || undefined;
    });

    // The notice for that year — a TEST FIXTURE — differs exactly on the deadlines counted on it.
    const moving = before.tasks.filter((t) => t.deadlineDate.startsWith(`${year}-`));
    const notice = testNoticeFixture(yearArrangement, moving.map((t) => t.deadlineDate));
    const file = path.join(tmp, `${year}.json`);
    fs.writeFileSync(file, JSON.stringify(notice, null, 2));
    const loaded = await keyflow(['calendar', 'load', file, '--json', '--as', 'e2e:admin'], env);
    expect(loaded.stderr).toBe('');
    expect(loaded.code).toBe(0);
    expect(JSON.parse(loaded.stdout)).toMatchObject({ year, documentNumber: `TEST-FIXTURE-${year}`, version: 1, replaced: provisionalYear ? 'provisional' : 'notice' });
    // The same file again is the same load.
    expect(JSON.parse((await keyflow(['calendar', 'load', file, '--json'], env)).stdout)).toMatchObject({ version: 1 });
    // A broken file is refused locally, naming the field and the rule.
    fs.writeFileSync(path.join(tmp, 'bad.json'), JSON.stringify({ ...notice, makeupWorkdays: [`${year}-01-06x`] }));
    const bad = await keyflow(['calendar', 'load', path.join(tmp, 'bad.json')], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/makeupWorkdays.*YYYY-MM-DD/);

    const recounted = loadCalendar(undefined, [notice]);
    const after: ReviewState = await until('the recount', async () => {
      const s = await getReviewState(ctx, project.code, 'engineeringPermit');
      return moving.every((m) => s.tasks.find((t) => t.department === m.department)!.audit.some((a) => a.action === 'deadlineRecounted')) ? s : undefined;
    });
    for (const m of moving) {
      const t = after.tasks.find((x) => x.department === m.department)!;
      expect(t.deadlineDate).toBe(recounted.addWorkingDays(accepted, t.limitWorkingDays));
      expect(t.deadlineDate > m.deadlineDate).toBe(true);
      expect(t.provisional).toBeUndefined();
      expect(t.audit.at(-1)).toMatchObject({ action: 'deadlineRecounted', deadlineAtThatMoment: m.deadline, deadlineAfter: t.deadline });
      expect(t.audit.at(-1)!.reason).toContain(`TEST-FIXTURE-${year}重算期限：${m.deadlineDate} → ${t.deadlineDate}`);
    }
    const calendarView = await get('/calendar');
    expect(calendarView.body).toMatchObject({ version: 1, loaded: [{ year, documentNumber: `TEST-FIXTURE-${year}` }] });
    expect((calendarView.body as { provisionalYears: number[] }).provisionalYears).not.toContain(year);

    const newZrzy = after.tasks.find((t) => t.department === 'zrzy')!;
    const onKafka = await readEvents('keyflow.reviews', (es) => es.length >= moving.length, {
      filter: (e) => e.subject === project.code && e.type === 'cn.keyflow.review.deadlineRecounted',
    });
    expect(onKafka.map((e) => e.data)).toContainEqual(
      expect.objectContaining({ department: 'zrzy', stageId: 'engineeringPermit', previousDeadlineDate: zrzy.deadlineDate, deadlineDate: newZrzy.deadlineDate, documentNumber: `TEST-FIXTURE-${year}`, calendarVersion: 1 }),
    );
    const reminders = await readEvents('keyflow.reminders', (es) => es.length >= 1, {
      filter: (e) => e.type === 'cn.keyflow.reminder.deadlineRecounted' && (e.data as Reminder).markdown.includes(project.code) && (e.data as Reminder).recipient.id === 'zrzy',
    });
    expect((reminders[0]!.data as Reminder).markdown).toContain(`新期限：${newZrzy.deadlineDate}`);
    expect(provisionalTasks.length).toBe(provisionalYear ? moving.length : 0);
  });
});
