import { randomUUID } from 'node:crypto';
import { ActOnTaskInput, REVIEW_STAGE_IDS, ResubmitInput, SubmitMissingMaterialInput, type ActionResult, type ReviewStageId, type TaskAction } from '../../schemas/jointReview';
import { ReapplyForReview, type ReapplyResult } from '../../schemas/lifecycle';
import { departmentId, JSON_OPTION, list, num, oneOf, required, str, validateRequest, type Command } from '../command';
import { callApi, LOCAL_ACTOR } from '../http';
import { writeJson } from '../output';
import { usageError } from '../exitCodes';
import { projectCode } from './project';

const ACTIONS: Record<string, TaskAction> = {
  approve: 'approve',
  reject: 'reject',
  return: 'returnForSupplement',
  'approve-with-missing': 'approveWithMissing',
};

/** The four stages by id or by the name on the application form. */
const STAGE_NAMES: Record<string, ReviewStageId> = {
  立项用地规划许可: 'landUsePlanning',
  工程建设许可: 'engineeringPermit',
  施工许可: 'constructionPermit',
  竣工验收: 'completionAcceptance',
  联合验收: 'completionAcceptance',
};

export function reviewStage(value: string): ReviewStageId {
  const found = STAGE_NAMES[value] ?? REVIEW_STAGE_IDS.find((s) => s === value);
  if (!found) throw usageError(`STAGE: must be one of ${REVIEW_STAGE_IDS.join(', ')} (or 立项用地规划许可, 工程建设许可, 施工许可, 竣工验收); got "${value}"`);
  return found;
}

export const taskAct: Command = {
  words: ['task', 'act'],
  args: ['CODE', 'STAGE', 'DEPARTMENT'],
  summary: "a department acts on its review task: approve, reject, return for supplement, approve with missing materials",
  usage: 'keyflow task act CODE STAGE DEPARTMENT --action approve|reject|return|approve-with-missing [--reason R] [--json]',
  help: [
    '  STAGE                  ' + REVIEW_STAGE_IDS.join(', '),
    '  DEPARTMENT             the department whose task it is (id or name); only its own people may act on it',
    '  --action A             approve, reject, return (退回补正), approve-with-missing (容缺受理)',
    '  --reason R             required for every action but approve',
    '  --missing M            a missing material, all at once (一次性告知; repeatable; required for return and approve-with-missing;',
    '                         from the task\'s list of required materials, which `keyflow inbox` shows)',
    '  --follow-up-days N     working days for the missing materials (approve-with-missing; default from the policy)',
    '  --request-id ID        idempotency key: repeating it returns the first answer',
    '',
    '  Goes through the HTTP API as the credential\'s user (KEYFLOW_TOKEN or keyflow login), who is recorded as the actor.',
  ].join('\n'),
  options: {
    action: { type: 'string' },
    reason: { type: 'string' },
    missing: { type: 'string', multiple: true },
    'follow-up-days': { type: 'string' },
    'request-id': { type: 'string' },
    ...JSON_OPTION,
  },
  async run(input, io) {
    const [codeArg, stageArg, deptArg] = input.args as [string, string, string];
    const code = projectCode(codeArg);
    const stage = reviewStage(stageArg);
    const department = departmentId(deptArg);
    const action = ACTIONS[oneOf(required(input, 'action'), Object.keys(ACTIONS), '--action')]!;
    const missing = list(input, 'missing');
    const days = num(input, 'follow-up-days', 'a whole number of working days');
    const request = {
      requestId: str(input, 'request-id') ?? `cli-${randomUUID()}`,
      department,
      action,
      ...(str(input, 'reason') !== undefined ? { reason: str(input, 'reason') } : {}),
      ...(missing.length > 0 ? { missingMaterials: missing } : {}),
      ...(days !== undefined ? { followUpWorkingDays: days } : {}),
    };
    validateRequest(ActOnTaskInput, { ...request, actor: { ...LOCAL_ACTOR, department } }, {
      requestId: '--request-id',
      department: 'DEPARTMENT',
      action: '--action',
      reason: '--reason',
      missingMaterials: '--missing',
      followUpWorkingDays: '--follow-up-days',
    });
    const result = (await callApi(io.env, 'POST', `/projects/${code}/reviews/${stage}/tasks/${department}/actions`, request)) as ActionResult;
    if (input.json) {
      writeJson(io, result);
      return 0;
    }
    const timing = result.late ? `late by ${result.lateByWorkingDays} working day(s)` : 'on time';
    const followUp = result.followUp ? `; missing materials due ${result.followUp.dueDate}` : '';
    io.stdout.write(`${code} ${stage} ${department}: ${result.action} → task ${result.taskStatus} (${timing}; deadline ${result.deadlineDate})${followUp}; stage ${result.stageStatus}\n`);
    return 0;
  },
};

/** What the applicant's hand-ins answer, in one line. */
function handInLine(code: string, stage: string, department: string, result: ActionResult): string {
  const fu = result.followUp;
  const left = fu ? fu.missingMaterials.filter((m) => !(fu.handedIn ?? []).some((h) => h.material === m)) : [];
  const followUp = fu ? (fu.status === 'submitted' ? '; 容缺 materials complete' : `; still missing: ${left.join('、')} (due ${fu.dueDate})`) : '';
  return `${code} ${stage} ${department}: ${result.action} → task ${result.taskStatus} (deadline ${result.deadlineDate})${followUp}; stage ${result.stageStatus}\n`;
}

/**
 * A command by which the single window acts for the applicant on a department's task: the two
 * differ only in their words and in what they send (补正 resubmission, 容缺 hand-in).
 */
function applicantCommand(spec: { word: string; summary: string; usage: string; material: string; schema: typeof ResubmitInput | typeof SubmitMissingMaterialInput; path: string }): Command {
  return {
    words: ['task', spec.word],
    args: ['CODE', 'STAGE', 'DEPARTMENT'],
    summary: spec.summary,
    usage: spec.usage,
    help: [
      '  DEPARTMENT             the department whose task it is (id or name)',
      `  --material M           ${spec.material}`,
      '  --note N               a note for the department',
      '  --request-id ID        idempotency key: repeating it returns the first answer',
      '',
      '  For the single window (一窗受理): goes through the HTTP API as the credential\'s user, who is recorded as the actor.',
    ].join('\n'),
    options: { material: { type: 'string', multiple: true }, note: { type: 'string' }, 'request-id': { type: 'string' }, ...JSON_OPTION },
    async run(input, io) {
      const [codeArg, stageArg, deptArg] = input.args as [string, string, string];
      const code = projectCode(codeArg);
      const stage = reviewStage(stageArg);
      const department = departmentId(deptArg);
      const materials = list(input, 'material');
      const request = {
        requestId: str(input, 'request-id') ?? `cli-${randomUUID()}`,
        department,
        ...(materials.length > 0 ? { materials } : {}),
        ...(str(input, 'note') !== undefined ? { note: str(input, 'note') } : {}),
      };
      validateRequest(spec.schema, { ...request, actor: LOCAL_ACTOR }, { requestId: '--request-id', department: 'DEPARTMENT', materials: '--material', note: '--note' });
      const result = (await callApi(io.env, 'POST', `/projects/${code}/reviews/${stage}/tasks/${department}/${spec.path}`, request)) as ActionResult;
      if (input.json) writeJson(io, result);
      else io.stdout.write(handInLine(code, stage, department, result));
      return 0;
    },
  };
}

export const taskResubmit: Command = applicantCommand({
  word: 'resubmit',
  summary: 'the single window resubmits a task returned for supplement (补正); its clock runs again',
  usage: 'keyflow task resubmit CODE STAGE DEPARTMENT [--material M …] [--note N] [--json]',
  material: 'a material handed in (repeatable)',
  schema: ResubmitInput,
  path: 'resubmission',
});

export const taskHandIn: Command = applicantCommand({
  word: 'hand-in',
  summary: 'the single window hands in materials a 容缺 approval waits for; the follow-up closes when all are in',
  usage: 'keyflow task hand-in CODE STAGE DEPARTMENT --material M [--material M …] [--note N] [--json]',
  material: 'a missing material handed in now (repeatable); left out: all still missing',
  schema: SubmitMissingMaterialInput,
  path: 'missing-materials',
});

export const reviewReapply: Command = {
  words: ['review', 'reapply'],
  args: ['CODE', 'STAGE'],
  summary: 'apply again for a rejected stage (重新申请): a new review attempt starts for every department',
  usage: 'keyflow review reapply CODE STAGE --note N [--json]',
  help: [
    '  STAGE                  ' + REVIEW_STAGE_IDS.join(', ') + ' (or its Chinese name)',
    '  --note N               what was revised since the rejection (required)',
    '  --request-id ID        idempotency key: repeating it returns the first answer',
    '',
    '  For the single window or the lead department: goes through the HTTP API as the credential\'s user.',
  ].join('\n'),
  options: { note: { type: 'string' }, 'request-id': { type: 'string' }, ...JSON_OPTION },
  async run(input, io) {
    const [codeArg, stageArg] = input.args as [string, string];
    const code = projectCode(codeArg);
    const stageId = reviewStage(stageArg);
    const request = { requestId: str(input, 'request-id') ?? `cli-${randomUUID()}`, note: required(input, 'note') };
    validateRequest(ReapplyForReview, { ...request, stageId, actor: LOCAL_ACTOR }, { requestId: '--request-id', note: '--note', stageId: 'STAGE' });
    const result = (await callApi(io.env, 'POST', `/projects/${code}/reviews/${stageId}/reapplication`, request)) as ReapplyResult;
    if (input.json) writeJson(io, result);
    else io.stdout.write(`${code} ${stageId}: applied again → attempt ${result.attempt} (${result.workflowId})${result.started ? ', review started' : ', review starting'}\n`);
    return 0;
  },
};
