import { aliasFor } from '../../client/aliases';
import { randomUUID } from 'node:crypto';
import { ProgressReport, TransitionRequest, type ProjectState } from '../../schemas/lifecycle';
import { ProjectCode, Stage } from '../../schemas/project';
import { loadReferenceData } from '../../seeds';
import type { z } from 'zod';
import type { ReportAnswer, TransitionAnswer } from '../../schemas/api';
import { callApi, LOCAL_ACTOR } from '../http';
import { countyName, JSON_OPTION, list, num, oneOf, required, str, validateRequest, type Command, type CommandInput } from '../command';
import { withClient } from '../connect';
import { usageError } from '../exitCodes';
import { formatFacts, formatTable, percent, writeJson } from '../output';

/** The CODE argument, checked before anything is asked of the server. */
export function projectCode(value: string): string {
  const r = ProjectCode.safeParse(value);
  if (!r.success) throw usageError(`CODE: ${r.error.issues[0]?.message ?? 'is not a project code'}; got "${value}"`);
  return r.data;
}

const requestId = (input: CommandInput) => str(input, 'request-id') ?? `cli-${randomUUID()}`;

function name(kind: 'industries' | 'departments', id: string): string {
  return loadReferenceData()[kind].find((e) => e.id === id)?.name ?? id;
}

function describeState(s: ProjectState): string {
  const p = s.project;
  const facts: Array<readonly [string, string | number | null]> = [
    ['code', p.code],
    ['name', p.name],
    ['owner 项目单位', p.owner],
    ['county 县区', `${countyName(p.county)} (${p.county})`],
    ['industry 行业', `${name('industries', p.industry)} (${p.industry})`],
    ['category', p.category],
    ['stage', `${s.stage} since ${s.stageSince}${s.closed ? ' (closed)' : ''}`],
    ['investment', `total ${p.totalInvestment} 万元, this year's plan ${p.annualPlannedInvestment} 万元`],
    ['planned', `${p.plannedStart} → ${p.plannedCompletion}`],
    ['leader 分包市领导', p.responsibleLeader],
    ['lead department', `${name('departments', p.leadDepartment)} (${p.leadDepartment})`],
    ['warning', `${s.warning.level}: ${percent(s.warning.completionRate)} of the annual plan done, ${percent(s.warning.expectedRate)} expected`],
    ['stall', s.stall ? `${s.stall.reason} since ${s.stall.since}: ${s.stall.detail}; supervision order ${s.stall.order.id} due ${s.stall.order.dueDate ?? '(date not yet countable)'}` : 'none'],
    ['last report', s.lastReportAt],
    ['registered', s.registeredAt],
  ];
  for (const c of p.contacts) facts.push(['contact', `${c.name} (${c.role}) ${c.phone}`]);
  for (const g of s.calendarGaps) facts.push(['calendar gap', `${g.what}: ${g.message}`]);
  let out = formatFacts(facts);
  const approvals = Object.entries(s.approvals);
  if (approvals.length > 0) out += `\nApprovals 联审联批\n${formatTable(['STAGE', 'STATUS'], approvals)}`;
  if (s.reports.length > 0) {
    out += `\nMonthly reports 月报 (latest 12)\n${formatTable(
      ['MONTH', 'THIS MONTH 万元', 'TO DATE 万元', 'PROGRESS %', 'BY', 'CORRECTED'],
      s.reports.slice(-12).map((r) => [r.month, r.investmentThisMonth, r.investmentToDate, r.physicalProgress, r.by, r.corrections.length || null]),
    )}`;
  }
  if (s.openProblems.length > 0) {
    out += `\nOpen problems 存在问题\n${formatTable(['ID', 'RAISED', 'DEPARTMENT', 'PROBLEM'], s.openProblems.map((o) => [o.id, o.raisedIn, o.department ?? null, o.text]))}`;
  }
  out += `\nStage history\n${formatTable(['#', 'FROM', 'TO', 'AT', 'BY', 'REASON'], s.stageHistory.map((h) => [h.seq, h.from, h.to, h.at, h.by, h.reason ?? null]))}`;
  return out;
}

export const projectShow: Command = {
  words: ['project', 'show'],
  args: ['CODE'],
  summary: 'show a project: facts, stage, warning light, stall, reports, problems, history',
  usage: 'keyflow project show CODE [--json]',
  help: '  --json   the whole project state (the getProjectState query) as JSON',
  options: { ...JSON_OPTION },
  async run(input, io) {
    const code = projectCode(input.args[0]!);
    const { getProjectState } = await import('../../client/projects');
    const state = await withClient(io.env, (ctx) => getProjectState(ctx, code));
    if (input.json) writeJson(io, state);
    else io.stdout.write(describeState(state));
    return 0;
  },
};

/** `--problem "TEXT"`, or `--problem "zrzy:TEXT"` naming the department expected to solve it. */
function problemOf(value: string): { text: string; department?: string } {
  const m = /^([a-z0-9][a-z0-9-]{0,62}):\s*(.+)$/s.exec(value);
  if (m && loadReferenceData().departments.some((d) => d.id === m[1])) return { department: m[1]!, text: m[2]! };
  return { text: value };
}

export const projectReport: Command = {
  words: ['project', 'report'],
  args: ['CODE'],
  summary: 'record a monthly progress report (月报), or correct one',
  usage: 'keyflow project report CODE --month YYYY-MM --this-month N --to-date N --progress P [--problem TEXT]… [--json]',
  help: [
    '  --month YYYY-MM          the month reported',
    '  --this-month N           investment completed this month, 万元',
    '  --to-date N              investment completed this year so far, 万元',
    '  --progress P             physical progress (形象进度), 0–100 %',
    '  --note TEXT              progress note',
    '  --problem TEXT           a problem needing coordination (repeatable); "zrzy:TEXT" names the department',
    '  --resolve ID             an open problem this report says is solved (repeatable)',
    '  --correction-reason R    required when the month was reported before',
    '  --request-id ID          idempotency key: repeating a request with the same id changes nothing',
    '',
    '  Goes through the HTTP API as the credential\'s user (KEYFLOW_TOKEN or keyflow login): the lead',
    '  department\'s officer or head, or the project\'s enterprise (项目单位); the user is recorded as the actor.',
  ].join('\n'),
  options: {
    month: { type: 'string' },
    'this-month': { type: 'string' },
    'to-date': { type: 'string' },
    progress: { type: 'string' },
    note: { type: 'string' },
    problem: { type: 'string', multiple: true },
    resolve: { type: 'string', multiple: true },
    'correction-reason': { type: 'string' },
    'request-id': { type: 'string' },
    ...JSON_OPTION,
  },
  async run(input, io) {
    const code = projectCode(input.args[0]!);
    const report = {
        requestId: requestId(input),
        month: required(input, 'month'),
        investmentThisMonth: num(input, 'this-month', 'a number (万元)') ?? required(input, 'this-month'),
        investmentToDate: num(input, 'to-date', 'a number (万元)') ?? required(input, 'to-date'),
        physicalProgress: num(input, 'progress', 'a percentage 0–100') ?? required(input, 'progress'),
        ...(str(input, 'note') !== undefined ? { progressNote: str(input, 'note') } : {}),
        problems: list(input, 'problem').map(problemOf),
        resolvedProblemIds: list(input, 'resolve'),
        ...(str(input, 'correction-reason') !== undefined ? { correctionReason: str(input, 'correction-reason') } : {}),
    };
    validateRequest(
      ProgressReport,
      { ...report, actor: LOCAL_ACTOR },
      {
        requestId: '--request-id',
        month: '--month',
        investmentThisMonth: '--this-month',
        investmentToDate: '--to-date',
        physicalProgress: '--progress',
        progressNote: '--note',
        problems: '--problem',
        resolvedProblemIds: '--resolve',
        correctionReason: '--correction-reason',
      },
    );
    const result = (await callApi(io.env, 'POST', `/projects/${code}/reports`, report)) as z.infer<typeof ReportAnswer>;
    if (input.json) writeJson(io, result);
    else
      io.stdout.write(
        `${code}: ${result.correction ? 'corrected' : 'reported'} ${result.month}; warning ${result.warning}` +
          `${result.stallCleared ? '; stall cleared' : ''}; open problems: ${result.openProblemIds.join(', ') || 'none'}\n`,
      );
    return 0;
  },
};

export const projectTransition: Command = {
  words: ['project', 'transition'],
  args: ['CODE'],
  summary: 'move a project to another stage (refused with the reason when not allowed)',
  usage: 'keyflow project transition CODE --to STAGE [--reason R] [--json]',
  help: [
    '  --to STAGE        one of ' + Stage.options.join(', '),
    '  --reason R        required to go back a stage or to withdraw (退库)',
    '  --request-id ID   idempotency key',
    '',
    '  Goes through the HTTP API as the credential\'s user (the lead department\'s officer or head, or an administrator).',
  ].join('\n'),
  options: { to: { type: 'string' }, reason: { type: 'string' }, 'request-id': { type: 'string' }, ...JSON_OPTION },
  async run(input, io) {
    const code = projectCode(input.args[0]!);
    const request = {
      requestId: requestId(input),
      to: oneOf(aliasFor('to', required(input, 'to')), Stage.options, '--to'),
      ...(str(input, 'reason') !== undefined ? { reason: str(input, 'reason') } : {}),
    };
    validateRequest(TransitionRequest, { ...request, actor: LOCAL_ACTOR }, { requestId: '--request-id', to: '--to', reason: '--reason' });
    const result = (await callApi(io.env, 'POST', `/projects/${code}/transitions`, request)) as z.infer<typeof TransitionAnswer>;
    if (input.json) writeJson(io, result);
    else io.stdout.write(`${code}: now ${result.stage} (stage change #${result.seq})\n`);
    return 0;
  },
};
