/**
 * Names of the failures keyflow reports across the Temporal boundary (as ApplicationFailure
 * types) and out of its API. Callers branch on these, never on message text.
 */
export const FailureType = {
  ValidationFailed: 'ValidationFailed',
  ProjectAlreadyRegistered: 'ProjectAlreadyRegistered',
  ProjectNotFound: 'ProjectNotFound',
  IllegalTransition: 'IllegalTransition',
  ProjectClosed: 'ProjectClosed',
  ApprovalsIncomplete: 'ApprovalsIncomplete',
  NotTaskOwner: 'NotTaskOwner',
  TaskClosed: 'TaskClosed',
  TaskNotFound: 'TaskNotFound',
  UnknownHolidayYear: 'UnknownHolidayYear',
  InvalidEvent: 'InvalidEvent',
  TourClosed: 'TourClosed',
  TourNotFound: 'TourNotFound',
  TourAlreadyOpened: 'TourAlreadyOpened',
  NotTourOrganiser: 'NotTourOrganiser',
  NotFound: 'NotFound',
  OrderNotFound: 'OrderNotFound',
  OrderClosed: 'OrderClosed',
  MeetingNotFound: 'MeetingNotFound',
  DecisionsClosed: 'DecisionsClosed',
  FollowUpNotFound: 'FollowUpNotFound',
  FollowUpClosed: 'FollowUpClosed',
  /** A stage's review has not started (it waits for the stage before it, the project's stage, or is just starting). */
  ReviewNotStarted: 'ReviewNotStarted',
  /** A request id already used for a different request: the new request is refused, not dropped. */
  RequestIdReused: 'RequestIdReused',
  /** A 四比四看 check of a month that has not ended yet (Asia/Shanghai): its reports are not all in. */
  MonthNotClosed: 'MonthNotClosed',
} as const;
export type FailureType = (typeof FailureType)[keyof typeof FailureType];
