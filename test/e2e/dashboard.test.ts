/**
 * The supervisors' dashboard in a real browser: Debian's chromium, headless, driven by
 * playwright-core (no browser download), against the API on the seeded stack — the demo
 * projects registered, one of them stalled, a four-compare check and the demo inspection tour
 * published. The page must show the stalled project (linking to its history) and the rankings
 * as charts, refresh itself, and fit a phone. Screenshots go to test-output/.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { hashToken, newToken } from '../../api/auth';
import { startApi, type RunningApi } from '../../api/start';
import { KeyflowError } from '../../client/errors';
import { registerProject, type ClientContext } from '../../client/projects';
import { listStalledProjects } from '../../client/supervision';
import { runFourCompareNow } from '../../client/rankings';
import { shanghaiDate } from '../../domain/calendar';
import { addMonths, monthOf } from '../../domain/lifecycle/months';
import { loadDemoProjects } from '../../seeds';
import { runDemoTour } from '../../seeds/demoTour';
import { e2eEndpoints, startHarness, type E2EHarness } from '../support/e2e';
import { openReadModel, type ReadModelLocation } from '../../projections/db';
import { isolatedNamespace } from '../support/namespace';
import { aProject } from '../support/fixtures';
import { startMeetingInSession } from '../support/meetingInSession';
import { startStalledProject } from '../support/stalledProject';
import { readSheet } from '../../documents/workbook';
import JSZip from 'jszip';
import ExcelJS from 'exceljs';
import { openUserStore } from '../../api/users';
import { DEMO_PASSWORD, ensureDemoUsers } from '../../seeds/demoUsers';
import { MONTHLY_COLUMNS } from '../../documents/monthlyReport';
import { currentMeeting, recordDecisions } from '../../client/meetings';

jest.setTimeout(180_000);

const CHROMIUM = process.env.KEYFLOW_CHROMIUM ?? '/usr/bin/chromium';
const OUTPUT = path.join(__dirname, '..', '..', 'test-output');
const STALLED_FIRST = '2026-411104-13-03-000077'; // 果蔬冻干及预制菜加工项目, in the reserve pool
const STALLED_LATER = '2026-411121-26-02-000034'; // 盐化工循环经济产业园配套项目, conceived

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * What ECharts drew in a ranking figure: the bars it was given, its category labels, and every
 * piece of text it drew that does not lie wholly inside the chart's box (a label cut off).
 */
async function rankingDrawn(page: Page, figure: 'ranking-four-compare' | 'ranking-tour'): Promise<{ bars: number; labels: string[]; cutOff: string[]; texts: string }> {
  // A string, evaluated in the page: the test compiles without the DOM's types.
  return page.evaluate(`(() => {
    const node = document.querySelector('[data-testid=${figure}] [data-testid=ranking-chart]');
    const option = window.echarts.getInstanceByDom(node).getOption();
    const box = node.querySelector('svg').getBoundingClientRect();
    const texts = [...node.querySelectorAll('svg text')].filter((t) => t.textContent.trim() !== '');
    const cutOff = texts.filter((t) => {
      const r = t.getBoundingClientRect();
      return r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5;
    });
    return {
      bars: option.series[0].data.length,
      labels: option.yAxis[0].data,
      cutOff: cutOff.map((t) => t.textContent),
      // A long label is wrapped onto lines of its own: their text, in order, without the breaks.
      texts: texts.map((t) => t.textContent).join(''),
    };
  })()`);
}

/** Every ranking label drawn in full and inside the chart: none cut off, on any screen. */
async function expectRankingsInFull(page: Page): Promise<void> {
  for (const figure of ['ranking-four-compare', 'ranking-tour'] as const) {
    const drawn = await rankingDrawn(page, figure);
    expect({ figure, cutOff: drawn.cutOff }).toEqual({ figure, cutOff: [] });
    for (const label of drawn.labels) expect(drawn.texts).toContain(label);
  }
}

/**
 * On any screen: every time a person reads is on Shanghai's clock, written as the offices write it
 * (no ISO instant, which is UTC, on the page), and no table hides columns behind a sideways scroll.
 */
async function expectReadable(page: Page, what: string): Promise<void> {
  const text = await page.locator('body').innerText();
  expect({ what, instants: text.match(/\d{4}-\d\d-\d\dT\d\d:\d\d[^\s]*/g) ?? [] }).toEqual({ what, instants: [] });
  const scrolled = await page.locator('.table-wrap').evaluateAll((wraps) => wraps.filter((w) => w.getClientRects().length > 0 && w.scrollWidth > w.clientWidth + 1).map((w) => (w.textContent ?? '').slice(0, 40)));
  expect({ what, scrolled }).toEqual({ what, scrolled: [] });
}

describe('the supervisors’ dashboard in headless Chromium', () => {
  let h: E2EHarness;
  let ctx: ClientContext;
  let api: RunningApi;
  let browser: Browser;
  let tokenDir: string;
  const supervisorToken = newToken();
  const clerkToken = newToken();
  const windowToken = newToken();
  const officeToken = newToken();
  const demo = loadDemoProjects();

  beforeAll(async () => {
    if (!fs.existsSync(CHROMIUM)) throw new Error(`no chromium at ${CHROMIUM}: run scripts/ensure-chromium.sh (scripts/test.sh does)`);
    const namespace = await isolatedNamespace('dashboard');
    h = await startHarness('dashboard', { namespace });
    ctx = { client: h.client, taskQueue: h.taskQueue };

    // The seeded stack: every demo project, one of them standing in the reserve pool for 400 days.
    for (const p of demo) {
      if (p.code === STALLED_FIRST || p.code === STALLED_LATER) continue;
      await registerProject(ctx, p, 'seed').catch((err: unknown) => {
        if (!(err instanceof KeyflowError && err.type === 'ProjectAlreadyRegistered')) throw err;
      });
    }
    await startStalledProject(ctx, demo.find((p) => p.code === STALLED_FIRST)!, { daysInStage: 400 });
    await until('the stalled project', async () => ((await listStalledProjects(ctx)).length === 1 ? true : undefined));
    // Rankings: last month's four-compare check of the counties (a month must have ended to be
    // checked; the stalled project, registered 400 days ago, is in it), and the demo inspection tour.
    const now = new Date();
    await runFourCompareNow(ctx, addMonths(monthOf(shanghaiDate(now)), -1), { now });
    await runDemoTour(ctx);

    tokenDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyflow-dashboard-'));
    const file = path.join(tokenDir, 'tokens.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        tokens: [
          { id: 'dashboard-supervisor', role: 'supervisor', hash: hashToken(supervisorToken) },
          { id: 'fgw-clerk', role: 'department', department: 'fgw', hash: hashToken(clerkToken) },
          { id: 'xzsp-window', role: 'department', department: 'xzsp', hash: hashToken(windowToken) },
          { id: 'meeting-office', role: 'meetingOffice', hash: hashToken(officeToken) },
        ],
      }),
    );
    // The demo users of the run command, each signing in with login and password.
    const users = openUserStore(path.join(tokenDir, 'users.json'), { scrypt: { logN: 10, r: 8, p: 1 } });
    await ensureDemoUsers(users, new Date());
    api = await startApi({ ctx, tokens: file, users, port: 0, logger: false, strictResponses: true });
    fs.mkdirSync(OUTPUT, { recursive: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await api?.stop();
    await h?.stop();
    if (tokenDir) fs.rmSync(tokenDir, { recursive: true, force: true });
  });

  /** Opens the page and signs in with a demo user's login and password. */
  async function signInAs(page: Page, login: string, baseUrl = api.url): Promise<void> {
    await page.goto(`${baseUrl}/dashboard`);
    await page.locator('#login-name').fill(login);
    await page.locator('#password').fill(DEMO_PASSWORD);
    await page.locator('#login-form button[type=submit]').click();
    await page.locator('#status:not([hidden])').waitFor();
  }

  /** Opens the dashboard and signs in as the demo supervisor, as a person would. */
  async function signIn(page: Page): Promise<void> {
    const external: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(api.url)) external.push(r.url());
    });
    await signInAs(page, 'dcs.liu');
    await page.locator(`tr[data-code="${STALLED_FIRST}"]`).waitFor();
    // ECharts, served by the API itself, has drawn both rankings.
    await page.locator('[data-testid=ranking-four-compare] [data-testid=ranking-chart] svg').waitFor();
    await page.locator('[data-testid=ranking-tour] [data-testid=ranking-chart] svg').waitFor();
    expect(external).toEqual([]); // no CDN, no font service, nothing from elsewhere
  }

  it('shows the stalled project and the rankings as charts, links to the history and refreshes itself', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => {
      // No meeting is prepared in this namespace: the meeting card's 404 is an answer, not a fault.
      // The wrong password below is answered 401 on purpose.
      const expected = (m.text().includes('status of 404') && m.location().url.endsWith('/meetings/current')) || (m.text().includes('status of 401') && m.location().url.endsWith('/session'));
      if (m.type() === 'error' && !expected) errors.push(`${m.text()} ${m.location().url}`);
    });
    await page.clock.install();
    // A wrong password: back at the form, told so in Chinese.
    await page.goto(`${api.url}/dashboard`);
    await page.locator('#login-name').fill('dcs.liu');
    await page.locator('#password').fill('wrong-password');
    await page.locator('#login-form button[type=submit]').click();
    await until('the refusal', async () => ((await page.locator('#login-error').textContent()) ? true : undefined));
    expect(await page.locator('#login-error').textContent()).toBe('登录名或密码不正确，或账号已停用。');
    await page.screenshot({ path: path.join(OUTPUT, 'workspace-sign-in.png'), fullPage: true });
    await signIn(page);
    expect(await page.locator('#who').textContent()).toBe('刘督查 · 督查');

    const row = page.locator(`tr[data-code="${STALLED_FIRST}"]`);
    await expect(row.textContent()).resolves.toContain('果蔬冻干及预制菜加工项目');
    await expect(row.textContent()).resolves.toContain(`督办-${STALLED_FIRST}-1`);
    expect(await page.locator('#stalled-count').textContent()).toBe('1');
    expect(await page.locator('#warnings [data-county]').count()).toBe(8);
    expect(await page.locator('#warnings [data-county="411104"] .n-red').textContent()).toBe('红 1');
    // Every county has a bar in the four-compare chart; every toured project in the tour's; no label cut off.
    const fourCompare = await rankingDrawn(page, 'ranking-four-compare');
    expect(fourCompare.bars).toBe(8);
    expect(fourCompare.labels[0]).toMatch(/^1\. /);
    expect((await rankingDrawn(page, 'ranking-tour')).bars).toBe(12);
    expect(await page.locator('[data-testid=ranking-four-compare] svg').isVisible()).toBe(true);
    await expectRankingsInFull(page);
    // The tooltip is drawn inside the SVG (no HTML from data, nothing the CSP refuses).
    await page.evaluate("window.echarts.getInstanceByDom(document.querySelector('[data-testid=ranking-tour] [data-testid=ranking-chart]')).dispatchAction({ type: 'showTip', seriesIndex: 0, dataIndex: 0 })");
    await page.locator('[data-testid=ranking-tour] svg text', { hasText: /^1\. .+：\d/ }).waitFor();
    await page.evaluate("window.echarts.getInstanceByDom(document.querySelector('[data-testid=ranking-tour] [data-testid=ranking-chart]')).dispatchAction({ type: 'hideTip' })");
    await expectReadable(page, 'supervisor board');
    await page.screenshot({ path: path.join(OUTPUT, 'dashboard.png'), fullPage: true });

    // The row links to the project's history.
    await row.locator('a.project-link').click();
    await page.waitForURL(`**/dashboard#/projects/${STALLED_FIRST}`);
    const history = page.locator('[data-testid=project-history]');
    await history.locator('h1').waitFor();
    expect(await history.locator('h1').textContent()).toBe('果蔬冻干及预制菜加工项目');
    expect(await history.textContent()).toContain('阶段无进展');
    expect(await history.textContent()).toContain('在储备阶段已400天无进展');
    await expectReadable(page, 'project page');
    await page.screenshot({ path: path.join(OUTPUT, 'dashboard-project.png'), fullPage: true });
    await page.locator('a.back').click();
    await row.waitFor();

    // A second project stalls; a minute later the page shows it without anyone reloading.
    await startStalledProject(ctx, demo.find((p) => p.code === STALLED_LATER)!, { daysInStage: 400 });
    await until('the second stalled project in the API', async () => ((await listStalledProjects(ctx)).length === 2 ? true : undefined));
    expect(await page.locator(`tr[data-code="${STALLED_LATER}"]`).count()).toBe(0);
    await page.clock.fastForward('01:01');
    await page.locator(`tr[data-code="${STALLED_LATER}"]`).waitFor();
    expect(await page.locator('#stalled-count').textContent()).toBe('2');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('lets a supervisor open an order by hand, find it in the order list and on the project page, drill into a county and export the stalled list to .xlsx', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await signIn(page);
    const target = demo.find((p) => p.code !== STALLED_FIRST && p.code !== STALLED_LATER && p.stage !== 'inProduction')!;

    // On the project page: the order form, a reason, five working days.
    await page.goto(`${api.url}/dashboard#/projects/${target.code}`);
    const history = page.locator('[data-testid=project-history]');
    await history.locator('h1').waitFor();
    expect(await history.textContent()).toContain('没有人工督办单');
    await history.locator('[data-testid=open-order] textarea').fill('施工许可久拖未办，影响开工');
    await history.locator('[data-testid=open-order] button[type=submit]').click();
    const orderRow = history.locator(`tr[data-order="督办-${target.code}-M1"]`);
    await orderRow.waitFor();
    expect(await orderRow.textContent()).toContain('施工许可久拖未办，影响开工');
    await page.screenshot({ path: path.join(OUTPUT, 'workspace-supervisor-order.png'), fullPage: true });

    // In the order list on the board, beside the stalls' automatic orders.
    await page.locator('a.back').click();
    const listed = page.locator(`[data-testid=orders] tr[data-order="督办-${target.code}-M1"]`);
    await listed.waitFor();
    expect(await listed.textContent()).toContain('人工督办');
    expect(await listed.getAttribute('data-state')).toBe('open');
    expect(await page.locator(`[data-testid=orders] tr[data-order="督办-${STALLED_FIRST}-1"]`).textContent()).toContain('停滞自动督办');

    // The stalled list as a spreadsheet, saved under its Chinese name, and it parses.
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('button[data-export=stalled]').click()]);
    expect(download.suggestedFilename()).toBe('停滞项目清单.xlsx');
    const file = path.join(OUTPUT, 'stalled-export.xlsx');
    await download.saveAs(file);
    const rows = await readSheet(fs.readFileSync(file));
    expect(rows[1]!.cells.slice(0, 2)).toEqual(['项目代码', '项目名称']);
    expect(rows.find((r) => r.cells[0] === STALLED_FIRST)?.cells[1]).toBe('果蔬冻干及预制菜加工项目');

    // From the county grid to the projects behind its lights.
    await page.locator('#warnings a[data-county="411104"]').click();
    const county = page.locator('[data-testid=county-projects]');
    await county.locator(`tr[data-code="${STALLED_FIRST}"]`).waitFor();
    expect(await county.locator(`tr[data-code="${STALLED_FIRST}"]`).getAttribute('data-light')).toBe('red');
    expect(await county.locator('h1').textContent()).toContain('召陵区');
    await expectReadable(page, 'county page');
    await page.screenshot({ path: path.join(OUTPUT, 'workspace-county.png'), fullPage: true });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('groups the overdue approvals by department and by county on the supervisor’s board', async () => {
    // Two projects in their preliminary work, in two counties: their land-use planning reviews start
    // at once, each department's task due in ten working days. The API below answers as of 40
    // days later (its clock, not the browser's), reading the e2e setup's read model, so every one
    // of those tasks is past its deadline there.
    const projects = [
      aProject({ stage: 'preliminary', category: 'preliminary', leadDepartment: 'fgw', county: '411122', name: '临颍县食品产业园配套道路项目' }),
      aProject({ stage: 'preliminary', category: 'preliminary', leadDepartment: 'fgw', county: '411102', name: '源汇区老旧厂区更新改造项目' }),
    ];
    for (const p of projects) await registerProject(ctx, p, 'test:overdue');
    const shared = JSON.parse(process.env.KEYFLOW_E2E_READ_MODEL ?? 'null') as ReadModelLocation | null;
    if (!shared) throw new Error('the e2e setup started no read model');
    const model = await openReadModel(shared);
    const later = new Date(Date.now() + 40 * 86_400_000);
    const lateApi = await startApi({ ctx: { ...ctx, readModel: { model, brokers: e2eEndpoints().kafkaBrokers } }, tokens: path.join(tokenDir, 'tokens.json'), port: 0, logger: false, strictResponses: true, now: () => later });
    try {
      type Item = { projectCode: string; department: string; county: string };
      const codes = new Set(projects.map((p) => p.code));
      const overdue = await until('both projects’ tasks overdue in the model', async () => {
        // The shared model holds every e2e file's reviews: page through them all, as the page does.
        const items: Item[] = [];
        for (let cursor: string | null = ''; cursor !== null; ) {
          const res = await fetch(`${lateApi.url}/supervision/overdue-approvals?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { headers: { authorization: `Bearer ${supervisorToken}` } });
          expect(res.status).toBe(200);
          const body = (await res.json()) as { items: Item[]; nextCursor: string | null };
          items.push(...body.items);
          cursor = body.nextCursor;
        }
        const ours = items.filter((i) => codes.has(i.projectCode));
        return projects.every((p) => ours.some((i) => i.projectCode === p.code)) ? items : undefined;
      }, 60_000);
      const ours = overdue.filter((i) => codes.has(i.projectCode));
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(`${lateApi.url}/dashboard`);
      await page.locator('#token-login summary').click();
      await page.locator('#token').fill(supervisorToken);
      await page.locator('#token-form button[type=submit]').click();
      const byDepartment = page.locator('[data-testid=overdue-by-department]');
      const byCounty = page.locator('[data-testid=overdue-by-county]');
      await byDepartment.waitFor();
      await page.locator(`#overdue tr[data-code="${projects[1]!.code}"]`).first().waitFor();

      const counts = (where: typeof byDepartment) => where.locator('tr[data-group]').evaluateAll((rows) => rows.map((r) => [r.getAttribute('data-group'), Number(r.getAttribute('data-count'))] as [string, number]));
      const departments = new Map(await counts(byDepartment));
      const counties = new Map(await counts(byCounty));
      // Other e2e files share the model: the page's own count is the total it groups (at least ours).
      const total = Number(await page.locator('#overdue-count').textContent());
      expect(total).toBeGreaterThanOrEqual(ours.length);
      // Each grouping accounts for every overdue approval once, and the detail lists them all.
      expect([...departments.values()].reduce((a, b) => a + b, 0)).toBe(total);
      expect([...counties.values()].reduce((a, b) => a + b, 0)).toBe(total);
      expect(await page.locator('#overdue tr[data-department]').count()).toBe(total);
      // Our two projects' tasks are counted under their departments and their counties, named in Chinese.
      for (const d of new Set(ours.map((i) => i.department))) expect(departments.get(d)).toBeGreaterThanOrEqual(ours.filter((i) => i.department === d).length);
      for (const p of projects) expect(counties.get(p.county)).toBeGreaterThanOrEqual(ours.filter((i) => i.projectCode === p.code).length);
      expect(await byCounty.locator('tr[data-group="411122"]').textContent()).toContain('临颍县');
      expect(await byDepartment.locator('tr[data-group="fgw"]').textContent()).toContain('发展和改革委员会');
      // The busiest group first.
      expect([...departments.values()]).toEqual([...departments.values()].sort((a, b) => b - a));
      // Across the board's width, every column of the groups and of the detail in view (no sideways scroll inside the card).
      expect(await page.locator('#overdue-card').evaluate((card) => card.classList.contains('wide'))).toBe(true);
      expect(await page.locator('#overdue .table-wrap').evaluateAll((wraps) => wraps.filter((w) => w.scrollWidth > w.clientWidth + 1).length)).toBe(0);
      await page.locator('#overdue-card').screenshot({ path: path.join(OUTPUT, 'workspace-overdue-grouped.png') });
      expect(errors).toEqual([]);
      await context.close();
    } finally {
      await lateApi.stop();
      await model.close();
    }
  });

  it('lets a clerk find a task, return it naming one missing material, and approve it once the single window resubmits', async () => {
    const project = aProject({ stage: 'preliminary', category: 'preliminary', leadDepartment: 'fgw', name: '临颍县智慧冷链物流园' });
    await registerProject(ctx, project, 'test:clerk');
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await signInAs(page, 'fgw.clerk');
    expect(await page.locator('#who').textContent()).toBe('发展和改革委员会经办人 · 发展和改革委员会 · 部门经办人');
    const row = page.locator(`[data-testid=inbox] tr[data-code="${project.code}"][data-stage=landUsePlanning]`);
    await until('the task in the clerk’s inbox', async () => {
      if ((await row.count()) > 0) return true;
      await page.locator('#refresh').click();
      await new Promise((r) => setTimeout(r, 500));
      return undefined;
    }, 60_000).catch(async (err: unknown) => {
      throw new Error(`${String(err)}; the page shows: ${await page.locator('body').innerText()}; errors: ${errors.join(' | ')}`);
    });
    expect(await row.textContent()).toContain('临颍县智慧冷链物流园');
    expect(await row.getAttribute('data-status')).toBe('open');
    await expectReadable(page, 'clerk inbox');
    await page.screenshot({ path: path.join(OUTPUT, 'workspace-clerk-inbox.png'), fullPage: true });

    // Return for supplement, naming one missing material, with a reason.
    const form = row.locator('[data-testid=task-action]');
    await form.locator('select[name=action]').selectOption('returnForSupplement');
    const material = form.locator('input[name=missing]').first();
    const missing = await material.getAttribute('value');
    await material.check();
    await form.locator('textarea[name=reason]').fill('可行性研究报告缺少投资估算章节');
    await form.locator('button[type=submit]').click();
    // A refused or failed action stays on the form with its message: say it, rather than only that the row never changed.
    await page.locator(`[data-testid=inbox] tr[data-code="${project.code}"][data-status=returned]`).waitFor().catch(async (err: unknown) => {
      throw new Error(`${String(err)}; the form says: ${await form.locator('.error').textContent().catch(() => '(gone)')}`);
    });
    expect(await page.locator(`[data-testid=inbox] tr[data-code="${project.code}"]`).textContent()).toContain(`缺：${missing}`);
    await page.screenshot({ path: path.join(OUTPUT, 'workspace-clerk-returned.png'), fullPage: true });

    // The single window hands the supplement in; the clock runs again and the clerk approves.
    const resubmitted = await fetch(`${api.url}/projects/${project.code}/reviews/landUsePlanning/tasks/fgw/resubmission`, {
      method: 'POST',
      headers: { authorization: `Bearer ${windowToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ requestId: `resubmit-${project.code}`, materials: [missing], note: '已补正' }),
    });
    expect(resubmitted.status).toBe(200);
    await page.locator('#refresh').click();
    const reopened = page.locator(`[data-testid=inbox] tr[data-code="${project.code}"][data-status=open]`);
    await reopened.waitFor();
    await reopened.locator('[data-testid=task-action] button[type=submit]').click();
    await until('the approved task out of the inbox', async () => ((await page.locator(`[data-testid=inbox] tr[data-code="${project.code}"]`).count()) === 0 ? true : undefined));

    // Signing out ends the session on the server: the cookie no longer opens anything.
    await page.locator('#logout').click();
    await page.locator('#login:not([hidden])').waitFor();
    await until('the session closed', async () => ((await page.evaluate<number>("fetch('/session', { credentials: 'same-origin' }).then((r) => r.status)")) === 401 ? true : undefined));
    expect(errors).toEqual([]);
    await context.close();
  });

  it('lets an enterprise see only its own projects, report a month by the form and upload the .xlsx template for two projects, one row refused in Chinese', async () => {
    const own = ['2026-411100-27-03-000155', '2025-411100-35-03-000142'];
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await signInAs(page, 'jingkai');
    expect(await page.locator('#who').textContent()).toBe('经开区投资集团项目联络员 · 漯河经开区投资发展集团有限公司 · 项目单位');
    const mine = page.locator('[data-testid=my-projects]');
    await mine.locator(`tr[data-code="${own[0]}"]`).waitFor();
    expect(await mine.locator('tr[data-code]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-code')).sort())).toEqual([...own].sort());

    // The template, filled as the office would: the first project right, the second with a word for a number.
    const [template] = await Promise.all([page.waitForEvent('download'), page.locator('#template-download').click()]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(fs.readFileSync(await template.path()) as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    const col = (field: string) => MONTHLY_COLUMNS.findIndex((c) => c.field === field) + 1;
    const lineOf = (code: string) => { let n = 0; ws.eachRow((row, i) => { if (row.getCell(1).value === code) n = i; }); return n; };
    const good = ws.getRow(lineOf(own[0]!));
    good.getCell(col('investmentThisMonth')).value = 320;
    good.getCell(col('investmentToDate')).value = 2600;
    good.getCell(col('physicalProgress')).value = '35%';
    good.commit();
    const badLine = lineOf(own[1]!);
    const bad = ws.getRow(badLine);
    bad.getCell(col('investmentThisMonth')).value = '约五百';
    bad.getCell(col('investmentToDate')).value = 300;
    bad.getCell(col('physicalProgress')).value = 20;
    bad.commit();
    const filled = path.join(OUTPUT, 'monthly-upload.xlsx');
    fs.writeFileSync(filled, Buffer.from(await wb.xlsx.writeBuffer()));
    await page.locator('#template-upload').setInputFiles(filled);
    const result = page.locator('[data-testid=upload-result]');
    await result.locator('[data-testid=upload-summary]').waitFor();
    expect(await result.textContent()).toContain('共 2 行：已报送 1 行，未通过 1 行。');
    expect(await result.locator(`tr[data-line="${badLine}"]`).textContent()).toContain(`第 ${badLine} 行「本月完成投资（万元）」：须为数字（万元），填写的是“约五百”`);
    await page.screenshot({ path: path.join(OUTPUT, 'workspace-enterprise-upload.png'), fullPage: true });

    // The same month by the form again is a correction: refused without a reason, recorded with one.
    const form = page.locator('[data-testid=report-form]');
    const month = await form.locator('input[name=month]').inputValue();
    await form.locator('select[name=project]').selectOption(own[0]!);
    await form.locator('input[name=investmentThisMonth]').fill('330');
    await form.locator('input[name=investmentToDate]').fill('2610');
    await form.locator('input[name=physicalProgress]').fill('36');
    await form.locator('button[type=submit]').click();
    await until('the refusal of a correction without reason', async () => ((await form.locator('.error').textContent()) ? true : undefined));
    const refusal = await form.locator('.error').textContent();
    await form.locator('textarea[name=correctionReason]').fill('本月投资统计口径有误，更正');
    await form.locator('button[type=submit]').click();
    await until('the correction recorded', async () => ((await form.locator('[data-testid=report-result]').textContent())?.startsWith('已更正') ? true : undefined));
    const state = await (await fetch(`${api.url}/projects/${own[0]}`, { headers: { authorization: `Bearer ${supervisorToken}` } })).json() as { reports: Array<{ month: string; investmentThisMonth: number; corrections: unknown[] }> };
    expect(state.reports.find((r) => r.month === month)).toMatchObject({ investmentThisMonth: 330, corrections: [expect.anything()] });
    await expectReadable(page, 'enterprise');
    await page.screenshot({ path: path.join(OUTPUT, 'workspace-enterprise-report.png'), fullPage: true });
    expect(refusal).toMatch(/更正|理由/);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('says 无数据 for a month without data, and draws no ranking for it', async () => {
    // A namespace of its own with no project at all: last month is published as no data.
    const emptyHarness = await startHarness('dashboard-empty', { namespace: await isolatedNamespace('dashboard-empty') });
    const emptyCtx = { client: emptyHarness.client, taskQueue: emptyHarness.taskQueue };
    const now = new Date();
    const period = addMonths(monthOf(shanghaiDate(now)), -1);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyflow-dashboard-empty-'));
    const file = path.join(dir, 'tokens.json');
    fs.writeFileSync(file, JSON.stringify({ tokens: [{ id: 'dashboard-supervisor', role: 'supervisor', hash: hashToken(supervisorToken) }] }));
    const emptyApi = await startApi({ ctx: emptyCtx, tokens: file, port: 0, logger: false, strictResponses: true });
    try {
      expect((await runFourCompareNow(emptyCtx, period, { now })).result).toMatchObject({ noData: true, counties: [] });
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      // A machine's token, under the small 使用 API 令牌 link.
      await page.goto(`${emptyApi.url}/dashboard`);
      await page.locator('#token-login summary').click();
      await page.locator('#token').fill(supervisorToken);
      await page.locator('#token-form button[type=submit]').click();
      const noData = page.locator('[data-testid=ranking-four-compare] [data-testid=ranking-no-data]');
      await noData.waitFor();
      expect(await noData.textContent()).toContain(`无数据：${period}`);
      expect(await page.locator('[data-testid=ranking-four-compare] figcaption').textContent()).toContain(`四比四看 ${period} 无数据`);
      expect(await page.locator('[data-testid=ranking-four-compare] [data-testid=ranking-chart]').count()).toBe(0);
      await page.screenshot({ path: path.join(OUTPUT, 'dashboard-no-data.png'), fullPage: true });
      await context.close();
    } finally {
      await emptyApi.stop();
      await emptyHarness.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  /**
   * On a phone: what sticks out sideways. The page must not scroll sideways, no element may reach
   * past the screen's right edge, and no box may hide its content behind a sideways scroll.
   */
  async function sideways(page: Page): Promise<{ overflow: number; outside: string[]; scrolling: string[] }> {
    return page.evaluate(`(() => {
      const width = document.documentElement.clientWidth;
      const name = (e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (typeof e.className === 'string' && e.className ? '.' + e.className.split(' ').join('.') : '') + ' «' + (e.textContent || '').trim().slice(0, 30) + '»';
      const shown = [...document.querySelectorAll('body *')].filter((e) => e.getClientRects().length > 0 && !e.closest('.visually-hidden'));
      return {
        overflow: document.documentElement.scrollWidth - width,
        outside: shown.filter((e) => e.getBoundingClientRect().right > width + 0.5).map(name),
        scrolling: shown.filter((e) => e.scrollWidth > e.clientWidth + 1 && ['auto', 'scroll'].includes(getComputedStyle(e).overflowX)).map(name),
      };
    })()`);
  }

  async function expectFitsPhone(page: Page, what: string): Promise<void> {
    expect({ what, ...(await sideways(page)) }).toEqual({ what, overflow: 0, outside: [], scrolling: [] });
    await expectReadable(page, what);
  }

  it('fits a phone-sized screen for every role: the supervisor’s board, a project, a county, the clerk’s and the head’s inbox, the enterprise’s projects (the meeting office: below, with its meeting)', async () => {
    const phone = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
    const loaded = (page: Page) => page.locator('body[data-loaded]').waitFor();

    const context = await browser.newContext(phone);
    const page = await context.newPage();
    await signIn(page);
    await loaded(page);
    await expectFitsPhone(page, 'supervisor board');
    await expectRankingsInFull(page);
    const box = await page.locator(`tr[data-code="${STALLED_FIRST}"]`).boundingBox();
    expect(box!.width).toBeLessThanOrEqual(390);
    await page.screenshot({ path: path.join(OUTPUT, 'dashboard-phone.png'), fullPage: true });
    await page.goto(`${api.url}/dashboard#/projects/${STALLED_FIRST}`);
    await page.locator('[data-testid=project-history] h1').waitFor();
    await expectFitsPhone(page, 'project page');
    await page.screenshot({ path: path.join(OUTPUT, 'phone-supervisor-project.png'), fullPage: true });
    await page.goto(`${api.url}/dashboard#/counties/411104`);
    await page.locator(`[data-testid=county-projects] tr[data-code="${STALLED_FIRST}"]`).waitFor();
    await expectFitsPhone(page, 'county page');
    await page.screenshot({ path: path.join(OUTPUT, 'phone-supervisor-county.png'), fullPage: true });
    await context.close();

    for (const [login, shot, shows] of [
      ['fgw.clerk', 'phone-clerk-inbox.png', '[data-testid=inbox]'],
      ['fgw.li', 'phone-head-inbox.png', '[data-testid=inbox]'],
      ['jingkai', 'phone-enterprise.png', '[data-testid=my-projects] tr[data-code]'],
    ] as const) {
      const ctx2 = await browser.newContext(phone);
      const p = await ctx2.newPage();
      await signInAs(p, login);
      await p.locator(shows).first().waitFor();
      await loaded(p);
      await expectFitsPhone(p, login);
      await p.screenshot({ path: path.join(OUTPUT, shot), fullPage: true });
      await ctx2.close();
    }
  });

  it('shows the meeting office its meeting and agenda, and the minutes download holding the decision', async () => {
    await startMeetingInSession({ client: h.client, taskQueue: h.taskQueue }, 'dashboard-e2e');
    const view = await until('the meeting in session', async () => {
      const v = await currentMeeting(ctx).catch(() => null);
      return v?.status === 'inSession' && v.agenda.length > 0 ? v : undefined;
    }, 60_000);
    const subject = view.agenda[0]!;
    await recordDecisions(ctx, view.plan.week, {
      requestId: `dashboard-decisions-${view.plan.week}`,
      actor: { by: 'hyb:li' },
      decisions: [{ action: '牵头部门一周内上门协调，限期解决', ownerDepartment: 'fgw', dueInWorkingDays: 5, projectCode: subject.project.code }],
    });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    await signInAs(page, 'hyb.chen');
    expect(await page.locator('#who').textContent()).toBe('陈秘书 · 周例会办公室');
    expect(await page.locator('#stalled-card').isVisible()).toBe(false);
    const when = page.locator('[data-testid=meeting-when]');
    await when.waitFor();
    expect(await when.textContent()).toContain(view.plan.meetingDate);
    expect(await page.locator('[data-testid=meeting]').textContent()).toContain(subject.project.name);
    // Who was reminded: this meeting was prepared after its reminder times, and the page says so rather than showing nothing.
    expect(await page.locator('[data-testid=meeting-reminders]').textContent()).toMatch(/提醒/);
    // A decision recorded from the page, in session: owner department and working days; it becomes a follow-up item.
    const decision = page.locator('[data-testid=decision-form]');
    await decision.locator('select[name=project]').selectOption(subject.project.code);
    await decision.locator('textarea[name=action]').fill('自然资源和规划局十个工作日内完成用地预审');
    await decision.locator('select[name=ownerDepartment]').selectOption('zrzy');
    await decision.locator('input[name=days]').fill('10');
    await decision.locator('button[type=submit]').click();
    const follow = page.locator('[data-testid=follow-ups] tr[data-status=open]', { hasText: '自然资源和规划局十个工作日内完成用地预审' });
    await follow.waitFor();
    expect(await follow.textContent()).toContain(subject.project.name);
    await page.screenshot({ path: path.join(OUTPUT, 'workspace-meeting-office.png'), fullPage: true });
    // The same on a phone: the agenda, the decision form and the follow-ups within the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    await expectFitsPhone(page, 'meeting office');
    await page.screenshot({ path: path.join(OUTPUT, 'phone-meeting-office.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
    // Closed (销号) from the page with a note saying what was done.
    await follow.locator('[data-testid=close-follow-up] input[name=note]').fill('用地预审意见已出具');
    const id = await follow.getAttribute('data-follow-up');
    await follow.locator('[data-testid=close-follow-up] button[type=submit]').click();
    const closed = page.locator(`[data-testid=follow-ups] tr[data-follow-up="${id}"][data-status=closed]`);
    await closed.waitFor();
    expect(await closed.textContent()).toContain('用地预审意见已出具');
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('button[data-document=minutes]').click()]);
    expect(download.suggestedFilename()).toBe(`周例会会议纪要-${view.plan.week}.docx`);
    const file = path.join(OUTPUT, 'minutes.docx');
    await download.saveAs(file);
    const xml = await (await JSZip.loadAsync(fs.readFileSync(file))).file('word/document.xml')!.async('string');
    expect(xml.replace(/<[^>]+>/g, '')).toContain('牵头部门一周内上门协调，限期解决');
    await context.close();
  });
});
