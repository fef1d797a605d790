/**
 * The supervisors' lists as spreadsheets (导出 Excel): stalled projects, overdue approvals, every
 * supervision order, the county warning grid. Columns in Chinese, names instead of ids, times on
 * Shanghai's clock.
 */
import { STAGE_NAMES_ZH } from '../domain/lifecycle/stages';
import type { CountyWarnings, StalledProject } from '../schemas/api';
import { shanghaiDateTime } from '../schemas/chinese';
import { REVIEW_STAGE_NAMES_ZH, type InboxItem } from '../schemas/jointReview';
import type { SupervisionOrderEntry } from '../schemas/supervision';
import type { ReferenceData } from '../schemas/reference';
import type { Stage } from '../schemas/project';
import { workbookOf, type Column } from './workbook';

export const EXPORT_LISTS = ['stalled', 'overdue-approvals', 'orders', 'warnings'] as const;
export type ExportList = (typeof EXPORT_LISTS)[number];

/** 停滞项目清单 …: the sheet's and the file's name. */
export const EXPORT_TITLES: Readonly<Record<ExportList, string>> = {
  stalled: '停滞项目清单',
  'overdue-approvals': '审批超时清单',
  orders: '督办单清单',
  warnings: '县区预警汇总',
};

const LIGHTS: Readonly<Record<string, string>> = { green: '绿灯', yellow: '黄灯', red: '红灯' };
const STALL_REASONS: Readonly<Record<string, string>> = { noReport: '未按期报送月报', noStageChange: '长期未推进阶段' };
const ORDER_STATES: Readonly<Record<string, string>> = { open: '办理中', overdue: '已逾期', closed: '已办结' };
const REVIEW_STAGES: Readonly<Record<string, string>> = REVIEW_STAGE_NAMES_ZH;
const ITEM_STATES: Readonly<Record<string, string>> = { open: '办理中', overdue: '已超时', returned: '退回补正（计时暂停）' };

export interface ExportRows {
  stalled: StalledProject[];
  'overdue-approvals': InboxItem[];
  orders: SupervisionOrderEntry[];
  warnings: CountyWarnings[];
}

/** The spreadsheet of one list; `at` is the moment of the export, shown in the title row. */
export async function exportWorkbook<L extends ExportList>(list: L, rows: ExportRows[L], ref: ReferenceData, at: Date): Promise<Buffer> {
  const dept = (id: string) => ref.departments.find((d) => d.id === id)?.name ?? id;
  const county = (id: string) => ref.counties.find((c) => c.id === id)?.name ?? id;
  const title = `${EXPORT_TITLES[list]}（导出时间 ${shanghaiDateTime(at)}，北京时间）`;
  const time = (iso: string | undefined) => (iso ? shanghaiDateTime(iso) : '');
  const columns: Record<ExportList, Column<never>[]> = {
    stalled: [
      { header: '项目代码', value: (p: StalledProject) => p.code },
      { header: '项目名称', value: (p: StalledProject) => p.name },
      { header: '县区', value: (p: StalledProject) => p.countyName },
      { header: '阶段', value: (p: StalledProject) => STAGE_NAMES_ZH[p.stage as Stage] ?? p.stage },
      { header: '牵头部门', value: (p: StalledProject) => dept(p.leadDepartment) },
      { header: '分包市领导', value: (p: StalledProject) => p.responsibleLeader },
      { header: '预警', value: (p: StalledProject) => LIGHTS[p.warning] ?? p.warning },
      { header: '停滞原因', value: (p: StalledProject) => STALL_REASONS[p.stall.reason] ?? p.stall.reason },
      { header: '停滞起始', value: (p: StalledProject) => time(p.stall.since) },
      { header: '情况', value: (p: StalledProject) => p.stall.detail },
      { header: '督办单', value: (p: StalledProject) => p.stall.order.id },
      { header: '督办截止日期', value: (p: StalledProject) => p.stall.order.dueDate ?? '待节假日安排公布后计算' },
    ] as Column<never>[],
    'overdue-approvals': [
      { header: '项目代码', value: (i: InboxItem) => i.projectCode },
      { header: '项目名称', value: (i: InboxItem) => i.projectName },
      { header: '县区', value: (i: InboxItem) => county(i.county) },
      { header: '审批阶段', value: (i: InboxItem) => REVIEW_STAGES[i.stageId] ?? i.stageId },
      { header: '审批部门', value: (i: InboxItem) => dept(i.department) },
      { header: '办理期限', value: (i: InboxItem) => `${i.deadlineDate}${i.provisional ? '（暂定）' : ''}` },
      { header: '超时工作日', value: (i: InboxItem) => (i.workingDaysLeft === null ? '' : Math.max(0, -i.workingDaysLeft)) },
      { header: '状态', value: (i: InboxItem) => ITEM_STATES[i.status] ?? i.status },
    ] as Column<never>[],
    orders: [
      { header: '督办单', value: (o: SupervisionOrderEntry) => o.id },
      { header: '来源', value: (o: SupervisionOrderEntry) => (o.origin === 'automatic' ? '停滞自动督办' : '人工督办') },
      { header: '项目代码', value: (o: SupervisionOrderEntry) => o.project.code },
      { header: '项目名称', value: (o: SupervisionOrderEntry) => o.project.name },
      { header: '县区', value: (o: SupervisionOrderEntry) => o.project.countyName },
      { header: '督办事由', value: (o: SupervisionOrderEntry) => o.reason },
      { header: '责任单位', value: (o: SupervisionOrderEntry) => o.escalatedTo.map(dept).join('、') },
      { header: '下发时间', value: (o: SupervisionOrderEntry) => time(o.issuedAt) },
      { header: '截止日期', value: (o: SupervisionOrderEntry) => o.dueDate ?? '待节假日安排公布后计算' },
      { header: '状态', value: (o: SupervisionOrderEntry) => ORDER_STATES[o.state] ?? o.state },
      { header: '办结时间', value: (o: SupervisionOrderEntry) => time(o.closedAt) },
      { header: '办结情况', value: (o: SupervisionOrderEntry) => o.closedBecause ?? '' },
    ] as Column<never>[],
    warnings: [
      { header: '县区', value: (c: CountyWarnings) => c.name },
      { header: '绿灯', value: (c: CountyWarnings) => c.green },
      { header: '黄灯', value: (c: CountyWarnings) => c.yellow },
      { header: '红灯', value: (c: CountyWarnings) => c.red },
      { header: '停滞', value: (c: CountyWarnings) => c.stalled },
      { header: '在建项目数', value: (c: CountyWarnings) => c.total },
    ] as Column<never>[],
  };
  return workbookOf(EXPORT_TITLES[list], title, columns[list], rows as never[]);
}
