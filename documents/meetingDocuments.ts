/**
 * The weekly meeting's printable documents (.docx, with the `docx` package): the agenda (会议议程)
 * as it stands, and the minutes (会议纪要) with every decision, its owner department and due date.
 * Times on Shanghai's clock; A4, 仿宋-style body, 小标宋-style title where the fonts exist.
 */
import { AlignmentType, Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } from 'docx';
import { shanghaiDateTime } from '../schemas/chinese';
import type { AgendaItem, FollowUpItem, MeetingView } from '../schemas/meeting';
import { compiledLagText } from '../schemas/readModel';

const CATEGORY: Readonly<Record<AgendaItem['category'], string>> = {
  stalled: '停滞项目',
  redWarning: '红灯预警',
  overdueApproval: '审批超时',
  openProblem: '存在问题',
  followUp: '督办事项',
};

const BODY_FONT = { ascii: 'FangSong', eastAsia: '仿宋', hAnsi: 'FangSong' };
const TITLE_FONT = { ascii: 'SimHei', eastAsia: '方正小标宋简体', hAnsi: 'SimHei' };

const text = (t: string, bold = false) => new TextRun({ text: t, bold, font: BODY_FONT, size: 28 });
const para = (t: string) => new Paragraph({ children: [text(t)], spacing: { after: 120 } });
const heading = (t: string) => new Paragraph({ heading: HeadingLevel.HEADING_2, children: [new TextRun({ text: t, bold: true, font: { ascii: 'SimHei', eastAsia: '黑体', hAnsi: 'SimHei' }, size: 30 })], spacing: { before: 240, after: 120 } });
const title = (t: string) => new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ text: t, font: TITLE_FONT, size: 40 })], spacing: { after: 300 } });

function table(headers: string[], rows: string[][]): Table {
  const cell = (t: string, bold = false) => new TableCell({ children: [new Paragraph({ children: [new TextRun({ text: t, bold, font: BODY_FONT, size: 24 })] })] });
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [new TableRow({ tableHeader: true, children: headers.map((h) => cell(h, true)) }), ...rows.map((r) => new TableRow({ children: r.map((c) => cell(c)) }))],
  });
}

function when(view: MeetingView): string[] {
  const p = view.plan;
  const lines = [`会议时间：${shanghaiDateTime(p.meetingAt)}（北京时间），周次：${p.week}`];
  if (p.moved) lines.push(`因节假日，会议由 ${p.nominalDate} 顺延至 ${p.meetingDate}。`);
  if (p.provisional) lines.push('注：会议日期按暂定节假日安排推算，以国务院办公厅通知为准。');
  return lines;
}

const agendaRows = (items: readonly AgendaItem[]) =>
  items.map((i, n) => [String(n + 1), CATEGORY[i.category], i.project.name, i.project.countyName, i.why, i.department.name, i.leader ?? '']);

async function pack(children: Array<Paragraph | Table>): Promise<Buffer> {
  const doc = new Document({ creator: 'keyflow', title: '重点项目周例会', sections: [{ properties: { page: { size: { width: 11906, height: 16838 } } }, children }] });
  return Packer.toBuffer(doc);
}

/** 会议议程: the agenda as last compiled (a draft until the first reminder). */
export function agendaDocument(view: MeetingView): Promise<Buffer> {
  // Whoever reads the agenda sees what it may have missed: the read model's lag it was compiled with.
  const source = compiledLagText(view.agendaReadModel);
  const compiled = view.agendaCompiledAt ? `议程编制于 ${shanghaiDateTime(view.agendaCompiledAt)}（北京时间）${source ? `。${source}` : ''}` : '议程尚未编制';
  return pack([
    title('重点项目周例会议程'),
    ...when(view).map(para),
    para(compiled),
    heading('议题'),
    view.agenda.length > 0 ? table(['序号', '类别', '项目', '县区', '情况', '责任单位', '分包市领导'], agendaRows(view.agenda)) : para('本周无议题。'),
  ]);
}

const decisionRows = (items: readonly FollowUpItem[]) =>
  items.map((d, n) => [String(n + 1), d.project.name, d.action, d.ownerDepartment.name, `${d.dueInWorkingDays} 个工作日`, d.dueDate, d.status === 'closed' ? '已办结' : '办理中']);

/** 会议纪要: the decisions (议定事项) with owner and due date, then the subjects discussed. */
export function minutesDocument(view: MeetingView): Promise<Buffer> {
  return pack([
    title('重点项目周例会会议纪要'),
    ...when(view).map(para),
    heading('一、议定事项'),
    view.followUps.length > 0
      ? table(['序号', '项目', '事项内容', '责任部门', '办理时限', '截止日期', '状态'], decisionRows(view.followUps))
      : para('本次会议未形成议定事项。'),
    heading('二、会议议题'),
    view.agenda.length > 0 ? table(['序号', '类别', '项目', '县区', '情况', '责任单位', '分包市领导'], agendaRows(view.agenda)) : para('本周无议题。'),
    para(''),
    para('议定事项由责任部门在截止日期前办结，并向周例会办公室报告办理情况；逾期未办结的提请督查。'),
  ]);
}
