/**
 * Documents people download, on the real stack through the HTTP API: a supervisor list exported
 * to .xlsx (the file parses, the rows are the list's, headers in Chinese, the file name Chinese),
 * and the weekly meeting's minutes (会议纪要) as .docx holding the decision just recorded, with
 * its owner department and due date. A namespace of its own, so the lists hold this file's projects only.
 */
import path from 'node:path';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { startApi, type RunningApi } from '../../api/start';
import { shanghaiDate } from '../../domain/calendar';
import { MONTHLY_COLUMNS } from '../../documents/monthlyReport';
import { readSheet } from '../../documents/workbook';
import { getProjectState, registerProject } from '../../client/projects';
import { addMonths, monthOf } from '../../domain/lifecycle/months';
import { startHarness, type E2EHarness } from '../support/e2e';
import { eventually } from '../support/eventually';
import { aProject } from '../support/fixtures';
import { startMeetingInSession } from '../support/meetingInSession';
import { isolatedNamespace } from '../support/namespace';
import { startStalledProject } from '../support/stalledProject';

jest.setTimeout(180_000);

const SUPERVISOR = 'keyflow-demo-supervisor';
const OFFICE = 'keyflow-demo-meeting-office';
const FGW = 'keyflow-demo-fgw-dept';

describe('documents to download', () => {
  let h: E2EHarness;
  let api: RunningApi;
  const stalled = aProject({ stage: 'preliminary', category: 'preliminary', leadDepartment: 'zjj', county: '411121', name: '舞阳盐化工循环经济产业园' });

  const get = async (url: string, token: string) => {
    const res = await fetch(`${api.url}${url}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, type: res.headers.get('content-type'), disposition: res.headers.get('content-disposition'), data: Buffer.from(await res.arrayBuffer()) };
  };
  const post = async (url: string, token: string, body: unknown) => {
    const res = await fetch(`${api.url}${url}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    h = await startHarness('documents', { namespace: await isolatedNamespace('documents') });
    api = await startApi({ ctx: h, tokens: path.join(__dirname, '..', '..', 'seeds', 'api-tokens.json'), port: 0, logger: { level: 'silent' } as never, strictResponses: true });
    await startStalledProject({ client: h.client, taskQueue: h.taskQueue }, stalled, { daysInStage: 400 });
  });
  afterAll(async () => {
    await api?.stop();
    await h?.stop();
  });

  it('exports the stalled list and the orders (the hand-opened one included) to .xlsx that parses', async () => {
    const opened = await post(`/projects/${stalled.code}/supervision-orders`, SUPERVISOR, { requestId: `doc-order-${stalled.code}`, reason: '用地预审久拖未办', dueInWorkingDays: 5 });
    expect(opened.status).toBe(201);
    const file = await eventually('the stalled project in the export', async () => {
      const f = await get('/supervision/exports/stalled', SUPERVISOR);
      return f.status === 200 && (await readSheet(f.data)).some((r) => r.cells.includes(stalled.name)) ? f : undefined;
    });
    expect(file.type).toMatch(/spreadsheetml/);
    expect(file.disposition).toContain(`filename*=UTF-8''${encodeURIComponent('停滞项目清单.xlsx')}`);
    const rows = await readSheet(file.data);
    expect(rows[0]!.cells[0]).toMatch(/^停滞项目清单（导出时间 \d{4}-\d{2}-\d{2} \d{2}:\d{2}，北京时间）$/);
    expect(rows[1]!.cells).toEqual(['项目代码', '项目名称', '县区', '阶段', '牵头部门', '分包市领导', '预警', '停滞原因', '停滞起始', '情况', '督办单', '督办截止日期']);
    expect(rows.find((r) => r.cells[0] === stalled.code)!.cells.slice(1, 5)).toEqual([stalled.name, '舞阳县', '前期', '住房和城乡建设局']);

    const orders = await readSheet((await get('/supervision/exports/orders', SUPERVISOR)).data);
    const manual = orders.find((r) => r.cells[0] === opened.body.id);
    expect(manual?.cells.slice(1, 6)).toEqual(['人工督办', stalled.code, stalled.name, '舞阳县', '用地预审久拖未办']);
    expect(orders.some((r) => r.cells[1] === '停滞自动督办' && r.cells[2] === stalled.code)).toBe(true);
    // Departments do not export the supervisors' lists; an unknown list is refused naming it.
    expect((await get('/supervision/exports/stalled', 'keyflow-demo-fgw-dept')).status).toBe(403);
    expect((await get('/supervision/exports/everything', SUPERVISOR)).status).toBe(400);
  });

  it('gives the minutes as .docx holding the decision, its owner and due date', async () => {
    await startMeetingInSession({ client: h.client, taskQueue: h.taskQueue }, 'documents-e2e');
    const week = await eventually('the meeting in session with the stalled project on its agenda', async () => {
      const res = await fetch(`${api.url}/meetings/current`, { headers: { authorization: `Bearer ${OFFICE}` } });
      const v = (await res.json()) as { status?: string; plan?: { week: string }; agenda?: Array<{ project: { code: string } }> };
      return v.status === 'inSession' && v.agenda?.some((i) => i.project.code === stalled.code) ? v.plan!.week : undefined;
    });
    const decided = await post(`/meetings/${week}/decisions`, OFFICE, {
      requestId: `doc-decisions-${week}`,
      decisions: [{ action: '住建局牵头协调用地预审，限期办结', ownerDepartment: '住建局', dueInWorkingDays: 10, projectCode: stalled.code }],
    });
    expect(decided.status).toBe(200);
    const dueDate = (decided.body as unknown as Array<{ dueDate: string }>)[0]!.dueDate;

    const minutes = await eventually('the minutes with the decision', async () => {
      const f = await get(`/meetings/${week}/documents/minutes`, OFFICE);
      const xml = f.status === 200 ? await (await JSZip.loadAsync(f.data)).file('word/document.xml')!.async('string') : '';
      return xml.includes('住建局牵头协调用地预审') ? { f, xml } : undefined;
    });
    expect(minutes.f.type).toMatch(/wordprocessingml/);
    expect(minutes.f.disposition).toContain(encodeURIComponent(`周例会会议纪要-${week}.docx`));
    const text = minutes.xml.replace(/<[^>]+>/g, '');
    expect(text).toContain('重点项目周例会会议纪要');
    expect(text).toContain('住房和城乡建设局');
    expect(text).toContain(dueDate);
    const agenda = await get(`/meetings/${week}/documents/agenda`, OFFICE);
    expect(agenda.status).toBe(200);
    expect((await (await JSZip.loadAsync(agenda.data)).file('word/document.xml')!.async('string')).replace(/<[^>]+>/g, '')).toContain(stalled.name);
  });

  it('takes a filled monthly-report template for two projects, reporting the good row and answering the bad one in Chinese', async () => {
    const a = aProject({ stage: 'underConstruction', category: 'continuing', leadDepartment: 'fgw', name: '临颍现代家居产业园二期' });
    const b = aProject({ stage: 'underConstruction', category: 'continuing', leadDepartment: 'fgw', name: '漯河食品机械智能制造基地' });
    for (const p of [a, b]) await registerProject(h, p, 'test:documents');
    const month = addMonths(monthOf(shanghaiDate(new Date())), -1);
    const template = await eventually('both projects in the template', async () => {
      const f = await get(`/reports/monthly/template?month=${month}`, FGW);
      const rows = f.status === 200 ? await readSheet(f.data) : [];
      return [a, b].every((p) => rows.some((r) => r.cells[0] === p.code)) ? f : undefined;
    });
    expect(template.disposition).toContain(encodeURIComponent(`重点项目月报-${month}.xlsx`));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(template.data as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    const col = (field: string) => MONTHLY_COLUMNS.findIndex((c) => c.field === field) + 1;
    let lineOfB = 0;
    ws.eachRow((row, line) => {
      const code = String(row.getCell(1).value);
      if (code === a.code) {
        row.getCell(col('investmentThisMonth')).value = 1200;
        row.getCell(col('investmentToDate')).value = 9600;
        row.getCell(col('physicalProgress')).value = 40;
        row.getCell(col('progressNote')).value = '厂房主体完工';
      } else if (code === b.code) {
        lineOfB = line;
        row.getCell(col('investmentThisMonth')).value = '一千二';
        row.getCell(col('investmentToDate')).value = 3000;
        row.getCell(col('physicalProgress')).value = 20;
      } else {
        return;
      }
      row.commit();
    });
    const res = await fetch(`${api.url}/reports/monthly/upload`, {
      method: 'POST',
      headers: { authorization: `Bearer ${FGW}`, 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
      body: Buffer.from(await wb.xlsx.writeBuffer()),
    });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { reported: Array<{ code: string }>; refused: Array<{ line: number; code: string; issues: Array<{ column: string; message: string }> }> };
    expect(answer.reported.map((r) => r.code)).toEqual([a.code]);
    expect(answer.refused).toEqual([
      { line: lineOfB, code: b.code, issues: [expect.objectContaining({ column: '本月完成投资（万元）', message: `第 ${lineOfB} 行「本月完成投资（万元）」：须为数字（万元），填写的是“一千二”` })] },
    ]);
    const state = await getProjectState(h, a.code);
    expect(state.reports).toEqual([expect.objectContaining({ month, investmentThisMonth: 1200, investmentToDate: 9600 })]);
    expect((await getProjectState(h, b.code)).reports).toEqual([]);
  });
});
