/**
 * Exit codes scripts can rely on (stable; listed in cli/README.md and `keyflow --help`).
 */
import { refusalInChinese, shanghaiTimesIn } from '../schemas/chinese';
import type { KeyflowError } from '../client/errors';
import { isServerUnreachable } from '../client/unreachable';
import { InvalidDate, UnknownHolidayYear } from '../domain/calendar';
import { FailureType } from '../schemas/errors';
import type { FieldIssue } from '../schemas/validation';
import { ValidationError } from '../schemas/validation';

export const ExitCode = {
  ok: 0,
  /** Anything unexpected (a bug, a broken installation). */
  unexpected: 1,
  /** Bad usage or bad input: unknown command or option, a value breaking a rule (named). */
  badInput: 2,
  /** The project, review, meeting … does not exist. */
  notFound: 3,
  /** The workflow refused: illegal transition, not the task's owner, closed, already registered … */
  refused: 4,
  /** Temporal (or Kafka) cannot be reached, or there is none to talk to. */
  unreachable: 5,
  /** An acting command without a credential (KEYFLOW_TOKEN or the config file), or one the API refused (unknown, revoked, user disabled). */
  noCredential: 6,
  /** The API refused the caller's authority (403: another department's task, another enterprise's project …). */
  forbidden: 7,
  /** `audit verify`: the record does not hold (an entry altered, removed or reordered). */
  tampered: 8,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export const EXIT_CODE_HELP = `Exit codes:
  0  ok
  1  unexpected error
  2  bad usage or bad input (the message names the field or option and the rule)
  3  not found (project, review, meeting …)
  4  refused by the workflow (illegal transition, not the task's owner, closed, already registered …)
  5  cannot reach Temporal or Kafka (or the API)
  6  no credential, or the API refused it (set KEYFLOW_TOKEN or run keyflow login)
  7  not allowed: the credential's user may not do this (the message names the rule)
  8  audit verify: the record does not hold (the message names the first broken entry)`;

/** An error the command line itself raises, with its exit code. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    readonly exitCode: ExitCode,
    message: string,
    readonly issues: FieldIssue[] = [],
    /** A failure type for `--json` error output (e.g. `UsageError`). */
    readonly type: string = exitCode === ExitCode.badInput ? 'UsageError' : 'Error',
  ) {
    super(message);
  }
}

export const usageError = (message: string): CliError => new CliError(ExitCode.badInput, message);

const NOT_FOUND: ReadonlySet<string> = new Set([
  FailureType.ProjectNotFound,
  FailureType.NotFound,
  FailureType.TaskNotFound,
  FailureType.MeetingNotFound,
  FailureType.FollowUpNotFound,
  'TourNotFound',
]);
const BAD_INPUT: ReadonlySet<string> = new Set([FailureType.ValidationFailed, FailureType.UnknownHolidayYear, FailureType.InvalidEvent]);

/**
 * KeyflowError recognised by name, so that this module does not load the Temporal client: the
 * calendar commands start without it.
 */
function isKeyflowError(err: unknown): err is KeyflowError {
  return err instanceof Error && err.name === 'KeyflowError' && typeof (err as { type?: unknown }).type === 'string';
}

/** The exit code for what a command threw. Refusals not named here are workflow refusals (4). */
export function exitCodeOf(err: unknown): ExitCode {
  if (err instanceof CliError) return err.exitCode;
  if (isKeyflowError(err)) {
    if (BAD_INPUT.has(err.type)) return ExitCode.badInput;
    if (NOT_FOUND.has(err.type)) return ExitCode.notFound;
    return ExitCode.refused;
  }
  if (err instanceof ValidationError || err instanceof UnknownHolidayYear || err instanceof InvalidDate) return ExitCode.badInput;
  if (isServerUnreachable(err)) return ExitCode.unreachable;
  return ExitCode.unexpected;
}

/** The error as `--json` callers read it from stderr. */
export function errorJson(err: unknown): { error: { exitCode: ExitCode; type: string; message: string; issues: FieldIssue[] } } {
  const exitCode = exitCodeOf(err);
  if (err instanceof CliError) return { error: { exitCode, type: err.type, message: err.message, issues: err.issues } };
  if (isKeyflowError(err)) return { error: { exitCode, type: err.type, message: err.message, issues: err.issues } };
  if (err instanceof ValidationError) return { error: { exitCode, type: FailureType.ValidationFailed, message: err.message, issues: err.issues } };
  const e = err as Error;
  const type = exitCode === ExitCode.unreachable ? 'Unreachable' : (e?.name ?? 'Error');
  return { error: { exitCode, type, message: e?.message ?? String(err), issues: [] } };
}

/** The error as a person reads it: the message, then one line per broken rule. */
export function errorText(err: unknown): string {
  const { error } = errorJson(err);
  const plain = error.type === 'Error' || error.type === 'UsageError';
  // Chinese first for the person at the terminal; the English line after it is what scripts and the README quote.
  const chinese = plain ? shanghaiTimesIn(error.message) : refusalInChinese(error.type, error.message, error.issues);
  const lines = [`keyflow: ${plain ? '' : `${error.type}: `}${error.message}`];
  if (chinese !== error.message) lines.unshift(`keyflow: ${chinese}`);
  // The message already lists a single issue; several read better one per line.
  if (error.issues.length > 1) for (const i of error.issues) lines.push(`  - ${i.field}: ${i.rule}`);
  // Unexpected means a bug or a broken installation: whoever looks into it needs the stack.
  if (error.exitCode === ExitCode.unexpected && (err as Error)?.stack) lines.push((err as Error).stack!);
  return lines.join('\n');
}
