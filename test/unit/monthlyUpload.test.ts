/**
 * The monthly-report template read back (documents/monthlyReport.ts): a template for two projects,
 * filled as an office would (a 万元 amount with a thousands comma, 2026年11月, 45%), one row with
 * a word where a number goes. The good row becomes a report; the bad one is answered with its
 * line, its column and the rule in Chinese; nothing of the good row is lost.
 */
import ExcelJS from 'exceljs';
import { monthlyTemplate, MONTHLY_COLUMNS, readMonthlyUpload } from '../../documents/monthlyReport';
import { readSheet } from '../../documents/workbook';

const projects = [
  { code: '2026-411122-13-03-000101', name: '临颍现代家居产业园' },
  { code: '2026-411121-26-03-000102', name: '舞阳盐化工循环经济产业园' },
];

async function filled(fill: (ws: ExcelJS.Worksheet) => void): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load((await monthlyTemplate('2026-11', projects)) as unknown as ArrayBuffer);
  fill(wb.worksheets[0]!);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const col = (field: string) => MONTHLY_COLUMNS.findIndex((c) => c.field === field) + 1;

describe('the monthly-report template', () => {
  it('has a row per project with code, name and month, under Chinese headers', async () => {
    const rows = await readSheet(await monthlyTemplate('2026-11', projects));
    expect(rows[1]!.cells).toEqual(MONTHLY_COLUMNS.map((c) => c.header));
    expect(rows.slice(2).map((r) => r.cells.slice(0, 3))).toEqual(projects.map((p) => [p.code, p.name, '2026-11']));
  });

  it('reads a good row into a report and answers a bad row with its line, column and the rule in Chinese', async () => {
    const data = await filled((ws) => {
      const good = ws.getRow(3);
      good.getCell(col('month')).value = '2026年11月';
      good.getCell(col('investmentThisMonth')).value = '1,200.5';
      good.getCell(col('investmentToDate')).value = 8600;
      good.getCell(col('physicalProgress')).value = '45%';
      good.getCell(col('progressNote')).value = '主体结构封顶';
      good.getCell(col('problems')).value = '用地指标未落实；电力增容待批';
      good.commit();
      const bad = ws.getRow(4);
      bad.getCell(col('investmentThisMonth')).value = '约五百';
      bad.getCell(col('investmentToDate')).value = 300;
      bad.getCell(col('physicalProgress')).value = 120;
      bad.commit();
    });
    const { rows, fileIssues } = await readMonthlyUpload(data, { by: 'fgw:upload', department: 'fgw' });
    expect(fileIssues).toEqual([]);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      line: 3,
      code: projects[0]!.code,
      issues: [],
      report: { month: '2026-11', investmentThisMonth: 1200.5, investmentToDate: 8600, physicalProgress: 45, progressNote: '主体结构封顶', problems: [{ text: '用地指标未落实' }, { text: '电力增容待批' }], actor: { by: 'fgw:upload', department: 'fgw' } },
    });
    expect(rows[1]!.report).toBeUndefined();
    expect(rows[1]!.issues).toEqual([
      { line: 4, column: '本月完成投资（万元）', field: 'investmentThisMonth', rule: 'must be a number (万元), got "约五百"', message: '第 4 行「本月完成投资（万元）」：须为数字（万元），填写的是“约五百”' },
    ]);
    // The same file again gets the same request ids: the workflow answers it as before.
    const again = await readMonthlyUpload(data, { by: 'fgw:upload', department: 'fgw' });
    expect(again.rows[0]!.report!.requestId).toBe(rows[0]!.report!.requestId);
  });

  it('checks the schema rules too, and says what is wrong with a file that is not the template', async () => {
    const data = await filled((ws) => {
      const r = ws.getRow(3);
      r.getCell(col('investmentThisMonth')).value = 10;
      r.getCell(col('investmentToDate')).value = 20;
      r.getCell(col('physicalProgress')).value = 120;
      r.commit();
    });
    const { rows } = await readMonthlyUpload(data, { by: 'admin:upload' });
    expect(rows[0]!.issues).toEqual([expect.objectContaining({ line: 3, column: '形象进度（%）', field: 'physicalProgress', message: '第 3 行「形象进度（%）」：最多 100' })]);
    expect((await readMonthlyUpload(Buffer.from('not a spreadsheet'), { by: 'x' })).fileIssues).toEqual(['文件不是有效的 Excel（.xlsx）文件：请用下载的模板填写后上传']);
  });
});
