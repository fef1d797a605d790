/** Every workflow the keyflow worker runs. */
export { projectLifecycle } from './project/workflow';
export { weeklyMeeting } from './meeting/workflow';
export { followUpTracker } from './followUps/workflow';
export { reviewStage } from './review/workflow';
export { fourCompareCheck, fourCompareMonthly } from './rankings/fourCompareCheck';
export { rankingsRegistry } from './rankings/registry';
export { inspectionTour } from './rankings/inspectionTour';
export { calendarRegistry } from './calendar/registry';
