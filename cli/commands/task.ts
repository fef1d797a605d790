import { randomUUID } from 'node:crypto';
import { ActOnTaskInput, REVIEW_STAGE_IDS, type ReviewStageId, type TaskAction } from '../../schemas/jointReview';
import { departmentId, JSON_OPTION, list, num, oneOf, required, str, validateRequest, type Command } from '../command';
import { withClient } from '../connect';
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

function reviewStage(value: string): ReviewStageId {
  const found = STAGE_NAMES[value] ?? REVIEW_STAGE_IDS.find((s) => s === value);
  if (!found) throw usageError(`STAGE: must be one of ${REVIEW_STAGE_IDS.join(', ')} (or 立项用地规划许可, 工程建设许可, 施工许可, 竣工验收); got "${value}"`);
  return found;
}

export const taskAct: Command = {
  words: ['task', 'act'],
  args: ['CODE', 'STAGE', 'DEPARTMENT'],
  summary: "a department acts on its review task: approve, reject, return for supplement, approve with missing materials",
  usage: 'keyflow task act CODE STAGE DEPARTMENT --action approve|reject|return|approve-with-missing --as ACTOR [--reason R] [--json]',
  help: [
    '  STAGE                  ' + REVIEW_STAGE_IDS.join(', '),
    '  DEPARTMENT             the department whose task it is (id or name); the actor acts for it',
    '  --action A             approve, reject, return (退回补正), approve-with-missing (容缺受理)',
    '  --reason R             required for every action but approve',
    '  --as ACTOR             who acts, e.g. zrzy:zhang.wei (required)',
    '  --missing M            a missing material, all at once (一次性告知; repeatable; required for approve-with-missing)',
    '  --follow-up-days N     working days for the missing materials (approve-with-missing; default from the policy)',
    '  --request-id ID        idempotency key: repeating it returns the first answer',
  ].join('\n'),
  options: {
    action: { type: 'string' },
    reason: { type: 'string' },
    as: { type: 'string' },
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
    const request = validateRequest(
      ActOnTaskInput,
      {
        requestId: str(input, 'request-id') ?? `cli-${randomUUID()}`,
        department,
        actor: { by: required(input, 'as'), department },
        action,
        ...(str(input, 'reason') !== undefined ? { reason: str(input, 'reason') } : {}),
        ...(missing.length > 0 ? { missingMaterials: missing } : {}),
        ...(days !== undefined ? { followUpWorkingDays: days } : {}),
      },
      {
        requestId: '--request-id',
        department: 'DEPARTMENT',
        'actor.department': 'DEPARTMENT',
        actor: '--as',
        action: '--action',
        reason: '--reason',
        missingMaterials: '--missing',
        followUpWorkingDays: '--follow-up-days',
      },
    );
    const { actOnTask } = await import('../../client/reviews');
    const result = await withClient(io.env, (ctx) => actOnTask(ctx, code, stage, request));
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
