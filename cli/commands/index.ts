import type { Command } from '../command';
import { agenda } from './agenda';
import { addWorkingDays, calendarShow, isWorkingDay, loadNotice } from './calendar';
import { checkRun } from './check';
import { importProjectsCommand } from './import';
import { inbox } from './inbox';
import { projectReport, projectShow, projectTransition } from './project';
import { projectsList } from './projects';
import { projectionsRebuild, projectionsStatus } from './projections';
import { seed } from './seed';
import { start } from './start';
import { reviewReapply, taskAct, taskHandIn, taskResubmit } from './task';
import { auditVerify } from './audit';
import { login, tokensAdd, tokensList, tokensRevoke, usersAdd, usersDisable, usersList, usersPasswd } from './people';

/** Every command, in the order `keyflow --help` lists them. */
export const COMMANDS: readonly Command[] = [
  start,
  seed,
  projectsList,
  projectShow,
  projectReport,
  projectTransition,
  inbox,
  taskAct,
  taskResubmit,
  taskHandIn,
  reviewReapply,
  agenda,
  checkRun,
  isWorkingDay,
  addWorkingDays,
  calendarShow,
  loadNotice,
  importProjectsCommand,
  login,
  usersList,
  usersAdd,
  usersDisable,
  usersPasswd,
  tokensAdd,
  tokensList,
  tokensRevoke,
  auditVerify,
  projectionsStatus,
  projectionsRebuild,
];
