import type { SearchAttributeUpdatePair } from '@temporalio/common';
import {
  ApplicationFailure,
  CancellationScope,
  condition,
  getExternalWorkflowHandle,
  log,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { CalendarDeferred, counted, rulesOnly, workingDaysLeft, type ReviewCalendar } from '../../domain/jointReview/deadlines';
import { isRefusal, type Refusal } from '../../domain/jointReview/refusal';
import { dueAlarms, handleAlarm, nextAlarmAt, visibleFacts } from '../../domain/jointReview/schedule';
import { actOnTask, isFinished, resubmit, startReview, submitMissingMaterial, withdrawReview, type Acted } from '../../domain/jointReview/tasks';
import type { Decision } from '../../domain/decision';
import { departmentItems } from '../../domain/jointReview/urgency';
import { FailureType } from '../../schemas/errors';
import { MAX_ACCEPTANCE_AGE_DAYS } from '../../domain/projects/backdated';
import {
  ActOnTaskInput,
  ResubmitInput,
  ReviewStageInput,
  SubmitMissingMaterialInput,
  type ActionResult,
  type ReviewStageResult,
  type ReviewState,
  type StageOutcome,
} from '../../schemas/jointReview';
import type { Actor } from '../../schemas/common';
import { SA } from '../../schemas/searchAttributes';
import { EntityPath, failureOf } from '../shared/entity';
import { Outbox } from '../shared/outbox';
import { changesUpTo } from '../shared/versions';
import { parseOrRefuse } from '../shared/refusal';
import { RequestLedger } from '../shared/requestLedger';
import { Serial } from '../shared/serial';
import { actionDecided, settlesStage } from './actions';
import * as events from './events';
import {
  actOnTaskUpdate,
  departmentItemsQuery,
  getReviewStateQuery,
  projectWithdrawnSignal,
  requestResultQuery,
  requestUseQuery,
  resubmitUpdate,
  reviewStageOutcomeSignal,
  submitMissingMaterialUpdate,
} from './messages';
import { countOnRecordedYears, withRecordedCalendarInfo } from './recordedCalendar';
import { RecordedYears } from '../../domain/calendar/recordedYears';
import { ProjectChainForwarder } from './projectChain';
import { calendarChangedSignal } from '../calendar/messages';
import { counted as countedOn } from '../../domain/jointReview/deadlines';
import { deadlineYears, markProvisional, recountDeadlines, type ProvisionalYears } from '../../domain/jointReview/recount';

/** The review's changes up to 2026-12-02 (shared/versions.ts). */
const REVIEW_2026_12_02 = [
  'review-accepted-at',
  'review-actions-on-project-chain',
  'review-calendar-recount',
  'review-calendar-years',
  'review-one-alarm-timer',
  'review-visibility-per-wake',
  'review-updates-before-start',
  'review-material-by-material',
  'review-assigned-materials',
  'outbox-batches',
  'outbox-local-send',
] as const;

/**
 * The review's versions, newest first: a new run records the first as one marker. A change after
 * the newest gets its own patch, and a new version lists it.
 */
const REVIEW_VERSIONS = [
  { version: 'review-2026-12-03', includes: [...REVIEW_2026_12_02, 'outbox-step-batches'] },
  { version: 'review-2026-12-02', includes: REVIEW_2026_12_02 },
] as const;

/** An acceptance brought in: not after the review's start, at most a year before it (refused otherwise, changing nothing). */
function broughtInAcceptance(acceptedAt: string, start: Date): Date {
  const at = new Date(acceptedAt);
  if (at.getTime() > start.getTime() || start.getTime() - at.getTime() > (MAX_ACCEPTANCE_AGE_DAYS + 1) * 24 * 3600_000) {
    const rule = `must not be after the review's start ${start.toISOString()} nor more than ${MAX_ACCEPTANCE_AGE_DAYS} days before it`;
    throw ApplicationFailure.nonRetryable(`acceptedAt: ${rule}`, FailureType.ValidationFailed, [{ field: 'acceptedAt', rule }]);
  }
  return at;
}

/**
 * The joint review (联审联批) of one stage of one project: one task per participating department,
 * all in parallel, each with its working-day deadline counted from acceptance (the workflow's
 * start). Decided as approved when every task is approved, as rejected at the first rejection;
 * then the parent is told at once and the review runs on until the 容缺 follow-ups are closed.
 * A deadline the calendar cannot count (no holiday notice for its year) fails the start with
 * UnknownHolidayYear, never a guess.
 */
export async function reviewStage(rawInput: ReviewStageInput): Promise<ReviewStageResult> {
  const has = changesUpTo(...REVIEW_VERSIONS);
  const input = parseOrRefuse(ReviewStageInput, rawInput, 'input');
  // Reviews started before this patch were accepted at their start; from it on an approval brought in
  // while in flight keeps the day the window accepted it (受理), so its deadlines are the real ones.
  const acceptedAt = has('review-accepted-at') && input.acceptedAt !== undefined ? broughtInAcceptance(input.acceptedAt, workflowInfo().startTime) : workflowInfo().startTime;
  /** Set once the deadlines are counted (the first serial section); every handler runs after it. */
  let state!: ReviewState;
  let started = false;

  const outbox = new Outbox(input.project.code, [], has);
  const serial = new Serial();
  /** Every request id: what it was used for, whole (validators refuse an id reused for another request), and its first result. */
  const ledger = new RequestLedger<ActionResult>();
  let woken = false;
  let outcomeToReport: StageOutcome | null = null;
  let lastVisible = '';

  const emit = (e: events.ReviewEvent): void => outbox.add(e.type, e.key, e.data);
  // Reviews recorded before this patch kept their actions in their own audit only; from it on each line goes to the project's chain too.
  const chain = has('review-actions-on-project-chain') ? new ProjectChainForwarder(input.project.code, input.stage.id) : undefined;

  // Provisional calendar years (no notice yet) and recounts when a notice is loaded: new runs only.
  const recountable = has('review-calendar-recount');
  // Reviews started before these patches asked the calendar one question per local activity, armed
  // a new alarm timer on every wake-up and wrote their search attributes after each change; newer
  // ones record whole calendar years (one local activity for most reviews), keep one alarm timer,
  // and write their search attributes once per wake-up.
  const recordedYears = has('review-calendar-years') ? new RecordedYears() : undefined;
  const oneAlarm = has('review-one-alarm-timer');
  const visibilityPerWake = has('review-visibility-per-wake');
  let provisional: ProvisionalYears | undefined;
  let recountedVersion = 0;
  let lastYears = '';
  const onCalendar = <T,>(compute: Parameters<typeof withRecordedCalendarInfo<T>>[0], opts?: { minVersion?: number }) =>
    recordedYears ? countOnRecordedYears(recordedYears, compute, opts) : withRecordedCalendarInfo(compute, opts);
  /** Counts on the recorded calendar, learning which provisional years its answers named. */
  const withRecordedCalendar = async <T,>(compute: Parameters<typeof withRecordedCalendarInfo<T>>[0]): Promise<T> => {
    const r = await onCalendar(compute);
    if (recountable && r.provisional.years.length > 0) {
      provisional = { years: [...new Set([...(provisional?.years ?? []), ...r.provisional.years])].sort(), ...(r.calendarVersion !== undefined ? { calendarVersion: r.calendarVersion } : {}) };
    }
    return r.value;
  };
  const marked = (s: ReviewState): ReviewState => (recountable ? markProvisional(s, provisional) : s);

  /** The inbox's search attributes that changed since they were last written, as separate writes (older reviews wrote them so). */
  const visibilityChanges = (): SearchAttributeUpdatePair[][] => {
    const facts = visibleFacts(state, new Date());
    const signature = JSON.stringify(facts);
    if (signature === lastVisible) return [];
    lastVisible = signature;
    const writes: SearchAttributeUpdatePair[][] = [
      [
        { key: SA.openDepartments, value: facts.openDepartments.length > 0 ? facts.openDepartments : null },
        { key: SA.nextDeadline, value: facts.nextDeadline },
        { key: SA.overdue, value: facts.overdue },
      ],
    ];
    if (recountable) {
      const years = deadlineYears(state);
      if (years.join() !== lastYears) {
        lastYears = years.join();
        writes.push([{ key: SA.deadlineYears, value: years.length > 0 ? years : null }]);
      }
    }
    return writes;
  };
  /** Writes `first` (if any) and what changed: in one write once per wake-up since the patch, else at once and apart. */
  let visibilityDue = false;
  const writeVisibility = (first: SearchAttributeUpdatePair[] = []): void => {
    const writes = [...(first.length > 0 ? [first] : []), ...visibilityChanges()];
    if (visibilityPerWake) {
      const pairs = writes.flat();
      if (pairs.length > 0) upsertSearchAttributes(pairs);
    } else for (const w of writes) upsertSearchAttributes(w);
  };
  const showInVisibility = (): void => {
    if (visibilityPerWake) visibilityDue = true;
    else writeVisibility();
  };

  /**
   * The departments' and the applicant's updates, through the one handler path: each runs in the
   * serial section after the start, so one that arrives with the start (a client acting at once)
   * waits for the deadlines instead of being refused for want of a handler.
   */
  const path = new EntityPath<ReviewState>({
    state: () => state,
    set: (next) => (state = next),
    ledger,
    outbox,
    serial,
    applied: (d, before, _now, request) => {
      const req = request as { actor?: Actor; department: string } | undefined;
      const decided = settlesStage(d) ? state.outcome : undefined;
      if (decided) outcomeToReport = decided;
      chain?.lines(before, state, req?.actor, req?.department);
      if (decided) chain?.outcome(decided, req?.actor?.by ?? 'system');
      showInVisibility();
      woken = true;
    },
  });

  /**
   * The handler's rule, inside the serial section (the state may have moved since the validator
   * ran), on the worker's calendar as recorded in history; a count the calendar cannot make fails
   * the update with UnknownHolidayYear, changing nothing.
   */
  const decideAction = async (rule: (cal: ReviewCalendar) => Acted | Refusal, now: Date): Promise<Decision<ReviewState, ActionResult>> => {
    // An update queued behind a start that failed (its calendar could not count a deadline) has no review to act on.
    if (!started) throw ApplicationFailure.nonRetryable('the review did not start: its deadlines could not be counted', FailureType.TaskClosed);
    const acted = await withRecordedCalendar(rule);
    return isRefusal(acted) ? acted : actionDecided(acted, now, marked);
  };

  /**
   * Validators run the handler's pure rule with no calendar: they refuse on ownership, status and
   * input, and change nothing.
   */
  const checkAction = (rule: (cal: typeof rulesOnly) => Acted | Refusal): Refusal | undefined => {
    if (!started) return undefined; // not counted yet: the handler checks, after the start
    try {
      const r = rule(rulesOnly);
      return isRefusal(r) ? r : undefined;
    } catch (err) {
      if (!(err instanceof CalendarDeferred)) throw err;
      return undefined;
    }
  };

  const registerUpdates = (): void => {
    path.update(actOnTaskUpdate, {
      schema: ActOnTaskInput,
      // The whole request counts: the same id with another reason or other materials is refused.
      kind: 'actOnTask',
      what: (req) => `${req.action} ${req.department}`,
      check: (s, req, now) => checkAction((cal) => actOnTask(cal, s, req, now)),
      decide: (s, req, now) => decideAction((cal) => actOnTask(cal, s, req, now), now),
    });
    path.update(resubmitUpdate, {
      schema: ResubmitInput,
      kind: 'resubmit',
      what: (req) => `resubmit ${req.department}`,
      check: (s, req, now) => checkAction((cal) => resubmit(cal, s, req, now)),
      decide: (s, req, now) => decideAction((cal) => resubmit(cal, s, req, now), now),
    });
    path.update(submitMissingMaterialUpdate, {
      schema: SubmitMissingMaterialInput,
      kind: 'submitMissingMaterial',
      what: (req) => `submitMissingMaterial ${req.department}`,
      check: (s, req, now) => checkAction((cal) => submitMissingMaterial(cal, s, req, now)),
      decide: (s, req, now) => decideAction((cal) => submitMissingMaterial(cal, s, req, now), now),
    });
  };

  // Histories recorded before this patch registered the updates after the first calendar answer.
  const updatesFirst = has('review-updates-before-start');
  // Reviews accepted before this patch keep their rules: free-text returns, 容缺 closed by one hand-in.
  const materialRules = has('review-material-by-material');
  const startUp = serial.run(async () => {
    const counted = await withRecordedCalendar((cal) => startReview(cal, input, acceptedAt));
    if (isRefusal(counted)) throw failureOf(counted);
    state = marked(materialRules ? counted : { ...counted, materialsChecked: undefined });
    started = true;
    if (!updatesFirst) registerUpdates();
    setHandler(getReviewStateQuery, () => state);
    setHandler(departmentItemsQuery, (department) => departmentItems(state, department));
    setHandler(requestResultQuery, (requestId) => ledger.prior(requestId) ?? null);
    setHandler(requestUseQuery, (requestId) => ledger.use(requestId));

    const identity: SearchAttributeUpdatePair[] = [
      { key: SA.kind, value: 'review-stage' },
      { key: SA.projectCode, value: input.project.code },
      { key: SA.reviewStage, value: input.stage.id },
      { key: SA.leadDepartment, value: input.stage.leadDepartment },
      { key: SA.county, value: input.project.county },
    ];
    if (!visibilityPerWake) upsertSearchAttributes(identity);
    // Since this patch a task's event carries its materials (v2): the read model's inbox lists them from it.
    if (has('review-assigned-materials')) {
      for (const t of state.tasks) {
        const e = events.assignedWithMaterials(state, t);
        outbox.add(e.type, e.key, e.data, 2);
      }
    } else {
      for (const t of state.tasks) emit(events.assigned(state, t));
    }
    // A review started with its search attributes (client, project) writes only those it lacks.
    const given = workflowInfo().typedSearchAttributes;
    if (visibilityPerWake) writeVisibility(identity.filter((p) => given.get(p.key) !== p.value));
    else showInVisibility();
  });
  // After the start is queued: setHandler runs updates that came with the start at once, and
  // they must queue behind it.
  if (updatesFirst) registerUpdates();
  setHandler(projectWithdrawnSignal, (withdrawal) => {
    void serial.run(async () => {
      if (!started) return;
      const now = new Date();
      const withdrawn = withdrawReview(state, withdrawal, now);
      if (!withdrawn) return;
      state = withdrawn.state;
      for (const c of withdrawn.cancelled) {
        if (c.kind === 'followUp') emit(events.followUpCancelled(state, state.tasks.find((t) => t.department === c.department)!, now.toISOString()));
      }
      emit(events.stageWithdrawn(state, { ...withdrawal, at: now.toISOString() }, withdrawn.cancelled));
      showInVisibility();
      woken = true;
    });
  });
  await startUp;

  /**
   * A holiday notice was loaded (calendar registry): every open deadline, reminder and follow-up
   * due date is counted again on that calendar version, old → new in the audit, on Kafka, and a
   * reminder to the department whose deadline moved.
   */
  setHandler(calendarChangedSignal, (change) => {
    if (!recountable) return;
    void serial
      .run(async () => {
        if (!started || change.version <= recountedVersion) return;
        const now = new Date();
        const r = await onCalendar((cal) => countedOn(() => recountDeadlines(cal, state, now, change)), { minVersion: change.version });
        if (!r.value.ok) {
          log.warn('deadlines could not be recounted', { version: change.version, error: r.value.message });
          return;
        }
        recountedVersion = change.version;
        provisional = r.provisional;
        state = marked(r.value.value.state);
        for (const c of r.value.value.changed) {
          emit(events.deadlineRecounted(state, c, change));
          const { key, reminder } = events.recountReminder(state, c, change, now.toISOString());
          outbox.add('cn.keyflow.reminder.deadlineRecounted', key, reminder);
        }
        showInVisibility();
        woken = true;
      })
      .catch((err: unknown) => log.warn('recount failed', { error: String(err) }));
  });

  /** Reminders and escalations that have come due. */
  const soundAlarms = (): Promise<void> =>
    serial.run(async () => {
      const now = new Date();
      for (const alarm of dueAlarms(state, now)) {
        const handled = handleAlarm(state, alarm, now);
        state = handled.state;
        if (!handled.announce) continue;
        let left = 0;
        if (alarm.kind.endsWith('Reminder')) {
          // Not yet due, so both dates lie in counted years; a gap would only drop the count.
          const c = await withRecordedCalendar((cal) => counted(() => workingDaysLeft(cal, now, alarm.deadlineDate)));
          left = c.ok ? Math.max(0, c.value) : 0;
        }
        emit(events.alarmEvent(state, alarm, left));
      }
      showInVisibility();
    });

  /** Tells the parent (the project lifecycle) the outcome, by workflow id: it may have continued as new. */
  const reportOutcome = async (outcome: StageOutcome): Promise<void> => {
    const parent = workflowInfo().parent;
    if (!parent) return;
    try {
      await getExternalWorkflowHandle(parent.workflowId).signal(reviewStageOutcomeSignal, outcome);
    } catch (err) {
      log.warn('could not tell the parent the stage outcome', { parent: parent.workflowId, error: String(err) });
    }
  };

  let armedFor: number | null = null;
  let alarm: CancellationScope | undefined;
  let alarmRang = false;
  /** The one alarm timer: re-armed only when the next reminder or deadline moves. */
  const armAlarm = (next: Date | null): void => {
    const at = next?.getTime() ?? null;
    if (at === armedFor) return;
    alarm?.cancel();
    alarm = undefined;
    armedFor = at;
    if (at === null) return;
    const scope = new CancellationScope({ cancellable: true });
    alarm = scope;
    scope
      .run(() => sleep(Math.max(1, at - Date.now())))
      .then(
        () => {
          if (alarm !== scope) return;
          alarm = undefined;
          armedFor = null;
          alarmRang = true;
        },
        () => undefined, // cancelled: the next alarm moved
      );
  };

  for (;;) {
    if (visibilityDue) {
      visibilityDue = false;
      writeVisibility();
    }
    const toReport: StageOutcome | null = outcomeToReport;
    if (toReport) {
      outcomeToReport = null;
      await reportOutcome(toReport);
    }
    if (isFinished(state)) break;
    // Sleep until the next reminder or deadline, or until an action changes the state.
    woken = false;
    const next = nextAlarmAt(state);
    if (oneAlarm) {
      armAlarm(next);
      await condition(() => woken || alarmRang);
      alarmRang = false;
    } else if (next === null) await condition(() => woken);
    else await condition(() => woken, Math.max(1, next.getTime() - Date.now()));
    await soundAlarms();
  }
  alarm?.cancel();
  if (visibilityDue) writeVisibility();
  await chain?.flushed();
  await outbox.flushed();
  return {
    outcome: state.outcome,
    finishedAt: new Date().toISOString(),
    followUps: state.tasks.flatMap((t) =>
      t.followUp
        ? [
            {
              department: t.department,
              status: t.followUp.status,
              dueDate: t.followUp.dueDate,
              ...(t.followUp.late !== undefined ? { late: t.followUp.late } : {}),
              ...(t.followUp.lateByWorkingDays !== undefined ? { lateByWorkingDays: t.followUp.lateByWorkingDays } : {}),
            },
          ]
        : [],
    ),
  };
}
