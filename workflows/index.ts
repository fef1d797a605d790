/** Every workflow the keyflow worker runs. */
export { projectLifecycle } from './project/workflow';
