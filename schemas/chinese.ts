/**
 * What a refusal says to a person: the field by its Chinese label (字段中文名) and the rule in
 * Chinese, times on Shanghai's clock. The machine-readable `field` and `rule` stay as they are
 * (clients and tests branch on them); only the words people read are made here. Pure: no I/O.
 */
import type { FieldIssue } from './validation';

/**
 * Chinese labels of the fields people fill in, by the field's last name in the path. A field
 * missing here is shown by its identifier, so an unlabelled field is still named, never hidden.
 */
export const FIELD_LABELS: Readonly<Record<string, string>> = {
  code: '项目代码',
  projectCode: '项目代码',
  name: '名称',
  owner: '项目单位',
  county: '县区',
  countyName: '县区名称',
  industry: '产业类别',
  category: '项目类别',
  totalInvestment: '总投资（万元）',
  annualPlannedInvestment: '年度计划投资（万元）',
  plannedStart: '计划开工日期',
  plannedCompletion: '计划竣工日期',
  listedOn: '纳入重点项目管理日期',
  reviewAcceptedOn: '受理日期',
  acceptedAt: '受理时间',
  responsibleLeader: '分包市领导',
  leadDepartment: '牵头部门',
  contacts: '联系人',
  phone: '联系电话',
  role: '职务',
  stage: '阶段',
  to: '目标阶段',
  requestId: '请求编号',
  actor: '操作人',
  by: '经办人',
  department: '部门',
  dept: '部门',
  departments: '部门',
  reason: '理由',
  note: '办理情况',
  month: '月份',
  investmentThisMonth: '本月完成投资（万元）',
  investmentToDate: '累计完成投资（万元）',
  physicalProgress: '形象进度',
  progressNote: '形象进度说明',
  problems: '存在问题',
  text: '问题描述',
  correction: '更正',
  correctionReason: '更正理由',
  warning: '预警灯',
  stalled: '是否停滞',
  overdue: '是否逾期',
  decisions: '议定事项',
  action: '事项内容',
  ownerDepartment: '责任部门',
  dueInWorkingDays: '办理时限（工作日）',
  dueDate: '截止日期',
  itemId: '跟踪事项',
  orderId: '督办单',
  materials: '材料',
  missingMaterials: '缺少的材料',
  outcome: '办理结果',
  week: '周次',
  year: '年度',
  limit: '每页条数',
  cursor: '翻页游标',
  tourId: '观摩活动',
  inspector: '评分人',
  scores: '评分',
  score: '得分',
  stageId: '审批阶段',
  date: '日期',
  from: '起始日期',
  n: '天数',
  title: '标题',
  documentNumber: '发文字号',
  matter: '事项',
  projects: '项目',
  '(body)': '请求内容',
  '(query)': '查询参数',
  '(path)': '路径',
  '(input)': '输入',
};

/** Own keys only: a field called `__proto__` or `constructor` is named as it is. */
const labelFor = (name: string): string => (Object.hasOwn(FIELD_LABELS, name) ? FIELD_LABELS[name]! : name);

/** `decisions.0.action` → `议定事项第1项·事项内容`; a request's wrapper (`request.`) is left out. */
export function labelOf(field: string): string {
  const parts = field.split('.').filter((p, i) => !(i === 0 && p === 'request') && p !== '');
  if (parts.length === 0) return labelFor(field);
  let out = '';
  for (const p of parts) {
    if (/^\d+$/.test(p)) out += `第${Number(p) + 1}项`;
    else out += (out ? '·' : '') + labelFor(p);
  }
  return out;
}

const EXACT: Readonly<Record<string, string>> = {
  'is required': '必填',
  Required: '必填',
  'must be a whole number': '须为整数',
  'must not be negative': '不能为负数',
  'must be more than 0': '须大于 0',
  'must be a number': '须为数字',
  'must be a JSON object': '须为 JSON 对象',
  'is required: send a JSON object': '必填：请发送 JSON 对象',
  'must be a whole number of working days': '须为整数个工作日',
  'must be at least 1 working day': '至少 1 个工作日',
  'must be from 0 to 1': '须在 0 到 1 之间',
  'must be from 0 to 100 (%)': '须在 0 到 100（%）之间',
  'must give a reason': '须说明理由',
  'must name who acts': '须写明经办人',
  'must name the owning enterprise': '须写明项目单位',
  'must name the responsible city leader': '须写明分包市领导',
  'must name the contact': '须写明联系人',
  'must be a county id from the reference data': '须为参考数据中的县区（如 临颍县 或 411122）',
  'must be a county id': '须为参考数据中的县区（如 临颍县 或 411122）',
  'must be a department id': '须为参考数据中的部门（如 自然资源和规划局 或 zrzy）',
  'must be an industry id': '须为 1+8+N 产业类别（如 饮料）',
  'must be lower-case letters, digits and dashes': '须为参考数据中的编号（小写字母、数字和短横线）',
  'must not exceed totalInvestment': '不能超过总投资',
  'must not be before plannedStart': '不能早于计划开工日期',
  'only goes with a project registered in preliminary work (stage preliminary)': '仅用于以前期阶段（preliminary）入库的项目',
  'must not be before from': '不能早于起始日期',
  'must not exceed investmentToDate (the year-to-date total includes this month)': '不能超过累计完成投资（累计含本月）',
  'must be a national project code YYYY-AAAAAA-II-TT-NNNNNN with type 01, 02 or 03 (e.g. 2020-411122-13-03-000123)':
    '须为全国投资项目代码 YYYY-AAAAAA-II-TT-NNNNNN，类型为 01、02 或 03（如 2020-411122-13-03-000123）',
  'must be a mainland mobile (11 digits) or landline number': '须为 11 位手机号或固定电话号码',
  'must name the order': '须写明督办单',
  'must name the follow-up item': '须写明跟踪事项',
  'must name an open supervision order of this project': '须为本项目未办结的督办单',
  'must name every missing material at once (一次性告知)': '须一次性写明全部缺少的材料（一次性告知）',
  'must list the missing materials to approve with missing materials': '容缺受理须列出缺少的材料',
  'must record at least one decision': '至少记录一项议定事项',
  'must record at most 50 decisions at once': '一次最多记录 50 项议定事项',
  'must be a department of the reference data': '须为参考数据中的部门',
  'must be an ISO week written YYYY-Www, e.g. 2026-W41': '须为周次 YYYY-Www（如 2026-W41）',
  'must be an ISO-8601 date-time with offset': '须为带时区的时间（如 2026-12-07T09:00:00+08:00）',
  'must be true or false': '须为 是（true）或 否（false）',
  'must be the nextCursor of a previous page': '须为上一页返回的 nextCursor',
  'must be percent-encoded UTF-8': '须为百分号编码的 UTF-8',
  'must not contain control characters (other than line feed and tab) or lone UTF-16 surrogates': '不能含控制字符或不完整的字符',
  'must have at most two decimals': '最多两位小数',
  'must be in the future': '须为将来的时间',
  'must not list a project twice': '同一项目不能重复列出',
  'must say what the department decides': '须写明部门的办理意见',
  'must be a year, e.g. 2026': '须为年份（如 2026）',
  'must be a month written YYYY-MM': '须为月份 YYYY-MM（如 2026-11）',
};

/** Rules with a value in them, English pattern → Chinese. */
const PATTERNS: ReadonlyArray<readonly [RegExp, (m: RegExpExecArray) => string]> = [
  [/^must be at least (\d+) characters?$/, (m) => `至少 ${m[1]} 个字`],
  [/^must (?:be|keep) at least (\d+)$/, (m) => `不能少于 ${m[1]}`],
  [/^must be at most (\d+)$/, (m) => `最多 ${m[1]}`],
  [/^must be (?:from|between) (\d+) (?:to|and) (\d+)/, (m) => `须在 ${m[1]} 到 ${m[2]} 之间`],
  [/^String must contain at least (\d+) character\(s\)$/, (m) => `至少 ${m[1]} 个字`],
  [/^String must contain at most (\d+) character\(s\)$/, (m) => `最多 ${m[1]} 个字`],
  [/^Number must be greater than or equal to (-?[\d.]+)$/, (m) => `不能小于 ${m[1]}`],
  [/^Number must be less than or equal to (-?[\d.]+)$/, (m) => `不能大于 ${m[1]}`],
  [/^Number must be greater than (-?[\d.]+)$/, (m) => `须大于 ${m[1]}`],
  [/^Array must contain at least (\d+) element\(s\)$/, (m) => `至少 ${m[1]} 项`],
  [/^Array must contain at most (\d+) element\(s\)$/, (m) => `最多 ${m[1]} 项`],
  [/^Expected (\w+), received (\w+)$/, (m) => `类型不对：须为${TYPE_ZH[m[1]!] ?? m[1]}，收到的是${TYPE_ZH[m[2]!] ?? m[2]}`],
  [/^Invalid enum value\. Expected (.+), received '(.*)'$/, (m) => `须为 ${m[1]!.replace(/'/g, '').split(' | ').join('、')} 之一，收到“${m[2]}”`],
  [/^Unrecognized key\(s\) in object: (.+)$/, (m) => `含有不认识的字段：${m[1]}`],
  [/^Invalid date$|^Invalid datetime$/, () => '日期或时间无效'],
  [/^must say what was done(?:, in at least (\d+) characters)?$/, (m) => `须写明办理情况${m[1] ? `（至少 ${m[1]} 个字）` : ''}`],
  [/^must describe the (action|problem) in at least (\d+) characters$/, (m) => `须写明${m[1] === 'action' ? '事项内容' : '问题'}（至少 ${m[2]} 个字）`],
  [/^must be a number \((.+)\), got "(.*)"$/, (m) => `须为数字（${m[1]}），填写的是“${m[2]}”`],
  [/^must be a project your department leads \((\S+) is led by (\S+)\)$/, (m) => `须为本部门牵头的项目（${m[1]} 的牵头部门是 ${m[2]}）`],
  [/^must be a registered project$/, () => '须为已入库的项目'],
  [/^unknown department "(.*)"/, (m) => `没有这个部门“${m[1]}”`],
  [/^unknown county "(.*)"/, (m) => `没有这个县区“${m[1]}”`],
  [/^must be a project on this meeting's agenda \((.+)\)$/, (m) => `须为本次会议（${m[1]}）议程上的项目`],
  [/^must not exceed the total investment \((.+) 万元\)$/, (m) => `不能超过总投资（${m[1]} 万元）`],
  [/^must be (?:a date|an? ISO date)[^,]*YYYY-MM-DD/, () => '须为日期 YYYY-MM-DD'],
  [/^must be a time of day HH:MM/, () => '须为时刻 HH:MM（北京时间）'],
  [/^must lie in the plan year, from (\S+) to today (\S+)$/, (m) => `须在本计划年度内（${m[1]} 至今天 ${m[2]}）`],
  [/^must lie within the last (\d+) days, from (\S+) to today (\S+)$/, (m) => `须在最近 ${m[1]} 天内（${m[2]} 至今天 ${m[3]}）`],
];

const TYPE_ZH: Readonly<Record<string, string>> = {
  string: '文字',
  number: '数字',
  boolean: '是/否',
  object: '对象',
  array: '列表',
  undefined: '空',
  null: '空',
  integer: '整数',
  nan: '非数字',
};

/** The rule in Chinese; a rule not in the catalogue keeps its English after a Chinese lead-in. */
export function ruleInChinese(rule: string): string {
  const exact = EXACT[rule];
  if (exact) return exact;
  for (const [re, zh] of PATTERNS) {
    const m = re.exec(rule);
    if (m) return zh(m);
  }
  return /[\u4e00-\u9fff]/.test(rule) && !/^[a-z]/i.test(rule) ? rule : `不符合规则：${rule}`;
}

/** `项目单位（owner）：必填` — the label first, the identifier after it for whoever passes it on to IT. */
export function issueInChinese(i: FieldIssue): string {
  const label = labelOf(i.field);
  return `${label}${label === i.field ? '' : `（${i.field}）`}：${ruleInChinese(i.rule)}`;
}

const SHANGHAI = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** `2026-12-07T01:00:00.000Z` → `2026-12-07 09:00`, on Shanghai's clock. */
export function shanghaiDateTime(instant: string | Date): string {
  const parts = Object.fromEntries(SHANGHAI.formatToParts(typeof instant === 'string' ? new Date(instant) : instant).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

const INSTANT = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})/g;

/** Every instant in a text people read, written on Shanghai's clock with its offset. */
export function shanghaiTimesIn(text: string): string {
  return text.replace(INSTANT, (iso) => (Number.isNaN(Date.parse(iso)) ? iso : `${shanghaiDateTime(iso)}（北京时间 UTC+8）`));
}

/** What each kind of refusal is called, for the first words of its message. */
export const FAILURE_TITLES: Readonly<Record<string, string>> = {
  ValidationFailed: '填写有误',
  Unauthorized: '未登录或令牌无效',
  Forbidden: '无权操作',
  NotTaskOwner: '不是本部门的审批任务',
  NotTourOrganiser: '不是本次观摩的组织方',
  ProjectNotFound: '没有这个项目',
  NotFound: '没有找到',
  TaskNotFound: '没有这个审批任务',
  MeetingNotFound: '没有这次会议',
  FollowUpNotFound: '没有这个跟踪事项',
  TourNotFound: '没有这次观摩',
  OrderNotFound: '没有这个督办单',
  ProjectAlreadyRegistered: '项目已入库',
  TourAlreadyOpened: '观摩已开启',
  IllegalTransition: '当前状态不允许此操作',
  ApprovalsIncomplete: '审批尚未办结',
  ProjectClosed: '项目已结束',
  TaskClosed: '审批任务已办结',
  TourClosed: '观摩已结束',
  OrderClosed: '督办单已办结',
  DecisionsClosed: '不在议定事项记录时间内',
  FollowUpClosed: '跟踪事项已办结',
  ReviewNotStarted: '该阶段审批尚未开始',
  RequestIdReused: '请求编号已用于另一请求',
  MonthNotClosed: '该月尚未结束',
  UnknownHolidayYear: '缺少该年度的节假日安排',
  MethodNotAllowed: '不支持此请求方法',
  PayloadTooLarge: '请求内容过大',
  UnsupportedMediaType: '请求内容类型不对',
  UriTooLong: '路径过长',
  BadRequest: '请求有误',
  Internal: '系统内部错误',
};

/** Whole messages of the API's own refusals (api/errors.ts FRAMEWORK_ERRORS), in Chinese. */
const MESSAGES: Readonly<Record<string, string>> = {
  'the body is not valid JSON': '请求内容不是有效的 JSON',
  'the body is empty': '请求内容为空',
  'the Content-Length header does not match the body': 'Content-Length 与请求内容不符',
  'the body is larger than the API takes (1 MiB)': '请求内容超过 1 MiB',
  'send the body as application/json (Content-Type: application/json)': '请以 application/json 发送请求内容',
  'the Content-Type header is not valid': 'Content-Type 无效',
  'a path segment is longer than the API takes (100 characters)': '路径中的一段超过 100 个字符',
  'the path is not a valid URL': '路径不是有效的 URL',
  'no token: send the header Authorization: Bearer <token>': '未提供令牌：请先登录',
  'the token is not known (revoked, mistyped or from another installation)': '令牌无效（已吊销、输错或来自其他系统）',
  'internal error': '系统内部错误，请联系管理员',
};

/**
 * A refusal's message for people: the kind of refusal, then each broken rule with its field's
 * Chinese label (or, without issues, the original text with its times on Shanghai's clock).
 */
export function refusalInChinese(type: string, message: string, issues: readonly FieldIssue[]): string {
  const title = FAILURE_TITLES[type] ?? '操作被拒绝';
  const known = MESSAGES[message];
  if (known) return `${title}：${known}`;
  if (type === 'ValidationFailed' && issues.length > 0) return `${title}：${issues.map(issueInChinese).join('；')}`;
  const body = shanghaiTimesIn(message);
  const lines = issues.length > 0 ? `（${issues.map(issueInChinese).join('；')}）` : '';
  return `${title}：${body}${lines}`;
}
