/**
 * Column headers as offices write them (Chinese, as on the city's key-project list) or as
 * keyflow names the fields (English), mapped to the fields of a project registration.
 */

/** What a column can give. Contact columns are combined into `contacts`. */
export type ColumnField =
  | 'code'
  | 'name'
  | 'owner'
  | 'county'
  | 'industry'
  | 'category'
  | 'totalInvestment'
  | 'annualPlannedInvestment'
  | 'plannedStart'
  | 'plannedCompletion'
  | 'responsibleLeader'
  | 'leadDepartment'
  | 'contactName'
  | 'contactRole'
  | 'contactPhone'
  | 'stage';

/** Header words per field, after normalisation (see `normaliseHeader`): no spaces, no unit. */
const HEADERS: Record<ColumnField, readonly string[]> = {
  code: ['项目代码', '项目编码', '项目统一代码', '统一项目代码', '代码', 'code', 'projectcode'],
  name: ['项目名称', '名称', 'name', 'projectname'],
  owner: ['项目单位', '建设单位', '项目业主', '业主单位', '项目法人单位', 'owner'],
  county: ['县区', '县(市、区)', '县(市,区)', '县市区', '所属县区', '县区(功能区)', '县区/功能区', '属地', 'county'],
  industry: ['行业', '所属行业', '产业', '所属产业', '产业类别', 'industry'],
  category: ['类别', '项目类别', '项目性质', 'category'],
  totalInvestment: ['总投资', '项目总投资', '计划总投资', 'totalinvestment'],
  annualPlannedInvestment: ['年度计划投资', '年计划投资', '本年计划投资', '年度投资计划', 'annualplannedinvestment'],
  plannedStart: ['计划开工', '计划开工时间', '计划开工日期', '开工时间', 'plannedstart'],
  plannedCompletion: ['计划竣工', '计划竣工时间', '计划竣工日期', '竣工时间', 'plannedcompletion'],
  responsibleLeader: ['分包市领导', '分包领导', '责任市领导', '分包市级领导', 'responsibleleader'],
  leadDepartment: ['牵头部门', '牵头单位', '市牵头部门', '牵头责任单位', 'leaddepartment'],
  contactName: ['联系人', '项目联系人', 'contactname', 'contact'],
  contactRole: ['联系人职务', '职务', 'contactrole'],
  contactPhone: ['联系电话', '联系方式', '电话', '手机', 'contactphone', 'phone'],
  stage: ['阶段', '项目阶段', '当前阶段', '建设阶段', 'stage'],
};

/** Columns that are known and deliberately unused (no note about them). */
const IGNORED = new Set(['序号', '编号', 'no', 'no.', '#', '备注', 'remarks', 'note', 'notes']);

export const REQUIRED_COLUMNS: readonly ColumnField[] = [
  'code',
  'name',
  'owner',
  'county',
  'industry',
  'category',
  'totalInvestment',
  'annualPlannedInvestment',
  'plannedStart',
  'plannedCompletion',
  'responsibleLeader',
  'leadDepartment',
];

/** The header offices write for a field, for messages ("no column 项目名称 / name"). */
export function headerWords(field: ColumnField): string {
  const words = HEADERS[field];
  const chinese = words.find((w) => /[\u4e00-\u9fff]/.test(w));
  const english = field;
  return chinese ? `${chinese} / ${english}` : english;
}

/** Amount units a header may carry; amounts are stored in 万元. */
const UNITS: Record<string, number> = { 万元: 1, 亿元: 10_000, 元: 0.0001, wan: 1 };

/**
 * `总投资\n（万元）` → `{ key: '总投资', unit: '万元' }`: full-width characters folded (NFKC),
 * white space, a unit in brackets, and markers of required columns (`*`) dropped.
 */
export function normaliseHeader(raw: string): { key: string; unit?: string } {
  let s = raw.normalize('NFKC').replace(/\s+/g, '').replace(/^\*+|\*+$/g, '').replace(/[:：]$/, '');
  let unit: string | undefined;
  const m = /^(.*?)[([]([^()[\]]*)[)\]]$/.exec(s);
  if (m && m[2] !== undefined && m[2].toLowerCase() in UNITS) {
    s = m[1] ?? '';
    unit = m[2].toLowerCase();
  }
  return { key: s.toLowerCase(), unit };
}

export interface Column {
  index: number;
  /** As written in the file. */
  header: string;
  field: ColumnField | null;
  /** Factor to 万元 for amount columns (亿元 → 10 000). */
  factor: number;
  ignored: boolean;
}

const BY_KEY = new Map<string, ColumnField>(
  (Object.entries(HEADERS) as Array<[ColumnField, readonly string[]]>).flatMap(([field, words]) => words.map((w) => [w.toLowerCase(), field] as const)),
);

export function columnOf(header: string, index: number): Column {
  const { key, unit } = normaliseHeader(header);
  const field = BY_KEY.get(key) ?? null;
  return {
    index,
    header,
    field,
    factor: unit !== undefined ? (UNITS[unit] ?? 1) : 1,
    ignored: field === null && (key === '' || IGNORED.has(key)),
  };
}

/** Whether a record looks like the header row: it names the project code and at least two more fields. */
export function looksLikeHeader(cells: readonly string[]): boolean {
  const fields = new Set(cells.map((c, i) => columnOf(c, i).field).filter((f) => f !== null));
  return fields.has('code') && fields.size >= 3;
}
