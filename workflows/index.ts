/** Every workflow the keyflow worker runs. */
export { projectLifecycle } from './project/workflow';
export { weeklyMeeting } from './meeting/workflow';
export { followUpTracker } from './followUps/workflow';
export { reviewStage } from './review/workflow';
