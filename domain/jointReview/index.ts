/** Joint review and approval (联审联批): pure rules the review workflow and its callers share. */
export * from './deadlines';
export * from './refusal';
export * from './tasks';
export * from './schedule';
export * from './urgency';
export * from './recount';
