/**
 * The project lifecycle's rules (重点项目全生命周期) as pure functions: the state in, a decision out
 * (the new state with its events and the caller's answer, or a refusal). No I/O, no clock: the
 * moment is a parameter, and so are the patches the workflow read. workflows/project/workflow.ts
 * applies them through workflows/shared/entity.ts.
 */
export * from './annualPlan';
export * from './light';
export * from './months';
export * from './orders';
export * from './progress';
export * from './register';
export * from './reports';
export * from './reviews';
export * from './stages';
export * from './stall';
export * from './transition';
export * from './warning';
export { type Lifecycle, type LifecycleRulesConfig } from './state';
