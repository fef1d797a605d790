import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { KeyflowError } from '../../client/errors';
import { decodeSpreadsheetText } from '../../client/import/decode';
import { importProjects, parseProjectSheet } from '../../client/importProjects';
import type { ClientContext } from '../../client/projects';
import { ImportReport } from '../../schemas/importProjects';
import { loadReferenceData } from '../../seeds';

const ref = loadReferenceData();
const utf8 = (s: string) => Buffer.from(s, 'utf8');

/** The key-project list as the 临颍 office keeps it: a title row, Chinese headers, Excel's CR LF. */
const CHINESE_HEADER =
  '序号,项目代码,项目名称,项目单位,县区,行业,类别,"总投资\r\n（万元）",年度计划投资（万元）,计划开工,计划竣工,分包市领导,牵头部门,联系人,联系电话,阶段,备注';

function row(n: number, overrides: Partial<Record<'code' | 'name' | 'county' | 'industry' | 'category' | 'total' | 'annual' | 'start' | 'end' | 'dept' | 'phone' | 'stage', string>> = {}): string {
  const v = {
    code: `2026-411122-13-03-0009${String(n).padStart(2, '0')}`,
    name: `临颍食品产业园项目${n}`,
    county: '临颍县',
    industry: '饮料',
    category: '新开工',
    total: '"120,000"',
    annual: '60000',
    start: '2026/1/15',
    end: '2027-06-30',
    dept: '发展和改革委员会',
    phone: '13903950001',
    stage: '新开工',
    ...overrides,
  };
  return [n, v.code, v.name, '漯河某某食品有限公司', v.county, v.industry, v.category, v.total, v.annual, v.start, v.end, '副市长 王某', v.dept, '李某', v.phone, v.stage, ''].join(',');
}

const sheet = (...rows: string[]) => ['2026年临颍县重点项目计划表,,,', CHINESE_HEADER, ...rows].join('\r\n') + '\r\n';

/** A GB18030 encoder for the test's own text: Node decodes GB18030 but does not encode it. */
function gb18030(text: string): Buffer {
  const table = new Map<string, number[]>();
  const decoder = new TextDecoder('gb18030');
  for (let hi = 0x81; hi <= 0xfe; hi++) {
    for (let lo = 0x40; lo <= 0xfe; lo++) {
      if (lo === 0x7f) continue;
      const ch = decoder.decode(new Uint8Array([hi, lo]));
      if (ch.length === 1 && !table.has(ch)) table.set(ch, [hi, lo]);
    }
  }
  const bytes: number[] = [];
  for (const ch of text) {
    if (ch.charCodeAt(0) < 0x80) bytes.push(ch.charCodeAt(0));
    else if (table.has(ch)) bytes.push(...table.get(ch)!);
    else throw new Error(`test encoder: no GB18030 two-byte code for ${ch}`);
  }
  return Buffer.from(bytes);
}

describe('reading an office spreadsheet', () => {
  it('maps the Chinese headers, skips the title and total rows, and reads every good row', () => {
    const parsed = parseProjectSheet(utf8('\ufeff' + sheet(row(1), row(2, { county: '411122', industry: 'food-beverage', dept: 'fgw' }), '合计,,,,,,,"240,000"')), ref);
    expect(parsed.encoding).toBe('utf-8');
    expect(parsed.headerLine).toBe(2);
    expect(parsed.refused).toEqual([]);
    expect(parsed.rows).toBe(2);
    // The header's quoted cell spans lines 2–3, so the rows start on lines 4 and 5.
    expect(parsed.good.map((g) => g.line)).toEqual([4, 5]);
    expect(parsed.good[0]!.project).toEqual({
      code: '2026-411122-13-03-000901',
      name: '临颍食品产业园项目1',
      owner: '漯河某某食品有限公司',
      county: '411122',
      industry: 'food-beverage',
      category: 'new',
      totalInvestment: 120000,
      annualPlannedInvestment: 60000,
      plannedStart: '2026-01-15',
      plannedCompletion: '2027-06-30',
      responsibleLeader: '副市长 王某',
      leadDepartment: 'fgw',
      contacts: [{ name: '李某', role: '联系人', phone: '13903950001' }],
      stage: 'started',
    });
    expect(parsed.good[1]!.project).toEqual(parsed.good[0]!.project && { ...parsed.good[0]!.project, code: '2026-411122-13-03-000902', name: '临颍食品产业园项目2' });
    expect(parsed.notes).toEqual([{ line: 6, message: 'a total row (合计), skipped' }]);
  });

  it('reads English field names as headers, amounts in 亿元, month-only dates with a note', () => {
    const csv = [
      'code,name,owner,county,industry,category,totalInvestment(亿元),annualPlannedInvestment,plannedStart,plannedCompletion,responsibleLeader,leadDepartment,stage,extra',
      '2026-411100-13-03-000950,经开区液压产业园项目,利通液压科技有限公司,etdz,hydraulics,continuing,1.2345,3000,2025-03,2026年12月,副市长 王某,zjj,underConstruction,x',
    ].join('\n');
    const parsed = parseProjectSheet(utf8(csv), ref);
    expect(parsed.refused).toEqual([]);
    expect(parsed.good[0]!.project).toMatchObject({
      county: 'etdz',
      totalInvestment: 12345,
      plannedStart: '2025-03-01',
      plannedCompletion: '2026-12-31',
      leadDepartment: 'zjj',
      stage: 'underConstruction',
      contacts: [],
    });
    expect(parsed.notes).toEqual([
      { line: 1, message: 'column "extra" is not used' },
      { line: 2, message: 'plannedStart: names a month only: taken as its first day' },
      { line: 2, message: 'plannedCompletion: names a month only: taken as its last day' },
    ]);
  });

  it('says once, with the lines, what it took a month-only date for', () => {
    const parsed = parseProjectSheet(utf8(sheet(row(1, { end: '2027年6月' }), row(2, { end: '2027.6' }), row(3), row(4, { end: '2027-06' }))), ref);
    expect(parsed.good.map((g) => g.project.plannedCompletion)).toEqual(['2027-06-30', '2027-06-30', '2027-06-30', '2027-06-30']);
    expect(parsed.notes).toEqual([{ message: '计划竣工: names a month only: taken as its last day (lines 4–5, 7)' }]);
  });

  it('decodes a GB18030 (GBK) file as Excel on Chinese Windows saves it', () => {
    const bytes = gb18030(sheet(row(1), row(2, { county: '郾城区' })));
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
    expect(decodeSpreadsheetText(bytes).encoding).toBe('gb18030');
    const parsed = parseProjectSheet(bytes, ref);
    expect(parsed.encoding).toBe('gb18030');
    expect(parsed.good).toHaveLength(1);
    expect(parsed.good[0]!.project).toMatchObject({ name: '临颍食品产业园项目1', county: '411122', leadDepartment: 'fgw', category: 'new' });
    // 郾城区 is not the county of a 411122 code.
    expect(parsed.refused).toEqual([
      { line: 5, code: '2026-411122-13-03-000902', issues: [{ field: 'code', column: '项目代码', rule: expect.stringContaining('does not match the county 411103 (expected 411103)') }] },
    ]);
  });

  it('decodes Excel\'s "Unicode text" export: UTF-16LE, tab-separated', () => {
    const text = sheet(row(1)).replace(/"120,000"/, '120000').split('\r\n').map((l) => l.replace(/,/g, '\t')).join('\r\n');
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const parsed = parseProjectSheet(bytes, ref);
    expect(parsed.encoding).toBe('utf-16le');
    expect(parsed.good.map((g) => g.project.code)).toEqual(['2026-411122-13-03-000901']);
  });

  it('refuses each bad row with its line, every broken rule, field and column', () => {
    const parsed = parseProjectSheet(
      utf8(
        sheet(
          row(1),
          row(2, { total: 'abc', start: '46037', phone: '1.39039E+10', county: '许昌县' }),
          '',
          row(3, { annual: '200000', stage: '谋划' }),
          row(4, { code: '2026-4111-13-03-1', dept: '招商局', name: '' }),
        ),
      ),
      ref,
    );
    expect(parsed.good.map((g) => g.line)).toEqual([4]);
    expect(parsed.refused).toEqual([
      {
        line: 5,
        code: '2026-411122-13-03-000902',
        issues: [
          { field: 'county', column: '县区', rule: expect.stringMatching(/^unknown county "许昌县": use a name or id .*临颍县 411122/) },
          { field: 'totalInvestment', column: '总投资\r\n（万元）', rule: 'must be a number (万元), got "abc"' },
          { field: 'plannedStart', column: '计划开工', rule: expect.stringContaining('looks like an Excel date serial number') },
          { field: 'contacts.0.phone', column: '联系电话', rule: expect.stringContaining("Excel's scientific notation") },
        ],
      },
      // Line 6 is blank: skipped, and the count of lines stays right.
      {
        line: 7,
        code: '2026-411122-13-03-000903',
        issues: [
          { field: 'annualPlannedInvestment', column: '年度计划投资（万元）', rule: 'must not exceed totalInvestment' },
          { field: 'category', column: '类别', rule: expect.stringContaining('category new does not fit stage conceived') },
        ],
      },
      {
        line: 8,
        code: '2026-4111-13-03-1',
        issues: [
          { field: 'leadDepartment', column: '牵头部门', rule: expect.stringContaining('unknown department "招商局"') },
          { field: 'code', column: '项目代码', rule: expect.stringContaining('must be a national project code') },
          { field: 'name', column: '项目名称', rule: 'is required' },
        ],
      },
    ]);
  });

  it('checks the category against the stage, as the seed data does', () => {
    const parsed = parseProjectSheet(utf8(sheet(row(1, { category: '续建', stage: '前期' }))), ref);
    expect(parsed.refused[0]!.issues).toEqual([{ field: 'category', column: '类别', rule: expect.stringContaining('category continuing does not fit stage preliminary') }]);
  });

  it('refuses the whole file when it has no header row or lacks a required column', () => {
    expect(() => parseProjectSheet(utf8('a,b,c\n1,2,3\n'), ref)).toThrow(/no header row found/);
    const noLeader = sheet(row(1)).replace('分包市领导', '领导小组');
    let err: unknown;
    try {
      parseProjectSheet(utf8(noLeader), ref);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ name: 'UnreadableFile', issues: [{ field: 'header.responsibleLeader', rule: 'no column for responsibleLeader (header 分包市领导 / responsibleLeader)' }] });
    expect(() => parseProjectSheet(utf8(`${CHINESE_HEADER}\n1,"never closed\n`), ref)).toThrow(/a quoted cell is never closed/);
  });
});

/** A Temporal client that knows which project workflows exist and can be told to fail. */
function fakeContext(registered: string[] = [], failOn?: { code: string; error: Error }): ClientContext & { started: string[] } {
  const existing = new Set(registered.map((c) => `project-${c}`));
  const started: string[] = [];
  const client = {
    workflow: {
      getHandle: (id: string) => ({
        describe: async () => {
          if (!existing.has(id)) throw new WorkflowNotFoundError('not found', id, undefined);
          return {};
        },
      }),
      start: async (_type: string, o: { workflowId: string }) => {
        if (failOn && o.workflowId === `project-${failOn.code}`) throw failOn.error;
        if (existing.has(o.workflowId)) throw new WorkflowExecutionAlreadyStartedError('already started', o.workflowId, 'projectLifecycle');
        existing.add(o.workflowId);
        started.push(o.workflowId.replace(/^project-/, ''));
        return { firstExecutionRunId: `run-${started.length}` };
      },
    },
  } as unknown as Client;
  return { client, taskQueue: 'test', started };
}

describe('importing projects', () => {
  const code = (n: number) => `2026-411122-13-03-0009${String(n).padStart(2, '0')}`;
  const file = utf8(sheet(row(1), row(2), row(3, { total: '-5' }), row(4), row(5), row(6, { code: code(4) })));

  it('imports the good rows and reports duplicates, registered projects and bad rows by line', async () => {
    const ctx = fakeContext([code(5)]);
    const progress: string[] = [];
    const report = await importProjects(ctx, file, { registeredBy: 'import:test', file: 'list.csv', onProgress: (p, d, t) => progress.push(`${p} ${d}/${t}`) });
    expect(ImportReport.parse(report)).toEqual(report);
    expect(report).toMatchObject({ outcome: 'partial', mode: 'partial', rows: 6, good: 2, checkedRegistered: true, notImported: [] });
    expect(ctx.started).toEqual([code(1), code(2)]);
    expect(report.imported).toEqual([
      { line: 4, code: code(1), workflowId: `project-${code(1)}` },
      { line: 5, code: code(2), workflowId: `project-${code(2)}` },
    ]);
    expect(report.refused).toEqual([
      {
        line: 6,
        code: code(3),
        issues: [
          { field: 'totalInvestment', column: '总投资\r\n（万元）', rule: 'must not be negative' },
          { field: 'totalInvestment', column: '总投资\r\n（万元）', rule: 'must be more than 0' },
          { field: 'annualPlannedInvestment', column: '年度计划投资（万元）', rule: 'must not exceed totalInvestment' },
        ],
      },
      { line: 7, code: code(4), issues: [{ field: 'code', column: '项目代码', rule: 'appears on lines 7, 9: a project is registered once, keep one row' }] },
      { line: 8, code: code(5), issues: [{ field: 'code', column: '项目代码', rule: 'is already registered' }] },
      { line: 9, code: code(4), issues: [{ field: 'code', column: '项目代码', rule: 'appears on lines 7, 9: a project is registered once, keep one row' }] },
    ]);
    expect(progress).toEqual(['checking 3/3', 'registering 1/2', 'registering 2/2']);
  });

  it('imports none in all-or-nothing mode when any row is bad', async () => {
    const ctx = fakeContext([code(5)]);
    const report = await importProjects(ctx, file, { registeredBy: 'import:test', mode: 'allOrNothing' });
    expect(report.outcome).toBe('refused');
    expect(ctx.started).toEqual([]);
    expect(report.imported).toEqual([]);
    expect(report.refused.map((r) => r.line)).toEqual([6, 7, 8, 9]);
    expect(report.notImported).toEqual([
      { line: 4, code: code(1), why: 'all-or-nothing: 4 row(s) refused, so none is imported' },
      { line: 5, code: code(2), why: 'all-or-nothing: 4 row(s) refused, so none is imported' },
    ]);
  });

  it('imports all in all-or-nothing mode when every row is good', async () => {
    const ctx = fakeContext();
    const report = await importProjects(ctx, utf8(sheet(row(1), row(2))), { registeredBy: 'import:test', mode: 'allOrNothing' });
    expect(report).toMatchObject({ outcome: 'complete', refused: [], notImported: [] });
    expect(ctx.started).toEqual([code(1), code(2)]);
  });

  it('validates only in a dry run, offline when there is no server', async () => {
    const report = await importProjects(null, file, { registeredBy: 'import:test', dryRun: true });
    expect(report).toMatchObject({ outcome: 'validated', dryRun: true, checkedRegistered: false, imported: [] });
    expect(report.notImported.map((r) => r.code)).toEqual([code(1), code(2), code(5)]);
    expect(report.refused.map((r) => r.line)).toEqual([6, 7, 9]);
  });

  it('stops when the server goes away and says exactly what was imported', async () => {
    const down = Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14 });
    const ctx = fakeContext([], { code: code(2), error: down });
    const report = await importProjects(ctx, utf8(sheet(row(1), row(2), row(3))), { registeredBy: 'import:test', mode: 'allOrNothing' });
    expect(report.outcome).toBe('interrupted');
    expect(report.imported.map((r) => r.code)).toEqual([code(1)]);
    expect(report.interruption).toEqual({ line: 5, code: code(2), kind: 'unreachable', message: '14 UNAVAILABLE: No connection established' });
    expect(report.notImported).toEqual([
      { line: 5, code: code(2), why: expect.stringContaining('unknown: the registration failed without an answer') },
      { line: 6, code: code(3), why: 'registration stopped at line 5' },
    ]);
  });

  it('turns an unreadable file into a validation failure naming the rule', async () => {
    await expect(importProjects(fakeContext(), utf8('名称,金额\n甲,1\n'), { registeredBy: 'x' })).rejects.toEqual(expect.any(KeyflowError));
    await expect(importProjects(fakeContext(), utf8('名称,金额\n甲,1\n'), { registeredBy: 'x' })).rejects.toMatchObject({ type: 'ValidationFailed', issues: [{ field: 'header' }] });
  });
});
