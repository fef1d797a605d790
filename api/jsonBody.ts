import type { FastifyInstance } from 'fastify';
import type { ApiIssue } from '../schemas/api';
import { CLEAN_TEXT, CLEAN_TEXT_RULE } from '../schemas/common';
import { FailureType } from '../schemas/errors';
import { ApiError } from './errors';

/**
 * keyflow's JSON body parser. Fastify's own calls a body with a `__proto__` key "not valid JSON"
 * (secure-json-parse refuses it); keyflow names the key and the rule instead. JSON.parse makes
 * such keys plain own properties, so reading them here pollutes nothing. Every string of the
 * body, keys included, is held to the clean-text rule (schemas/common.ts), so no text field can
 * let a control character or a lone surrogate through, whatever its schema says.
 */

/** Keys that could change how objects behave once merged into others. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
export const FORBIDDEN_KEY_RULE = 'must not be used as a key: __proto__, constructor and prototype are refused';
/** Reported issues are capped: a hostile body could hold thousands. */
const MAX_ISSUES = 20;

const joinPath = (at: string, key: string | number) => (at === '' ? String(key) : `${at}.${key}`);

/** Issues for the forbidden keys and unclean strings of a parsed JSON value. */
export function bodyTextIssues(value: unknown, where: ApiIssue['in'] = 'body'): ApiIssue[] {
  const issues: ApiIssue[] = [];
  const root = where === 'body' ? '(body)' : `(${where})`;
  const walk = (v: unknown, at: string) => {
    if (issues.length >= MAX_ISSUES) return;
    if (typeof v === 'string') {
      if (!CLEAN_TEXT.test(v)) issues.push({ field: at || root, rule: CLEAN_TEXT_RULE, in: where });
      return;
    }
    if (v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      v.forEach((item, i) => walk(item, joinPath(at, i)));
      return;
    }
    for (const key of Object.keys(v)) {
      const field = joinPath(at, key);
      if (FORBIDDEN_KEYS.has(key)) issues.push({ field, rule: FORBIDDEN_KEY_RULE, in: where });
      else if (!CLEAN_TEXT.test(key)) issues.push({ field: joinPath(at, JSON.stringify(key).slice(1, -1)), rule: `(the key) ${CLEAN_TEXT_RULE}`, in: where });
      else walk((v as Record<string, unknown>)[key], field);
    }
  };
  walk(value, '');
  return issues;
}

export function refuseIssues(issues: ApiIssue[]): ApiError {
  return new ApiError(400, FailureType.ValidationFailed, issues.map((i) => `${i.field}: ${i.rule}`).join('; '), issues);
}

/**
 * Replaces Fastify's application/json parser on `app` (call before routes are added) and drops its
 * text/plain one: every body the API takes is JSON, so anything else is 415, not a string for zod.
 */
export function installJsonBodyParser(app: FastifyInstance): void {
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(refuseIssues([{ field: '(body)', rule: 'is required: send a JSON object', in: 'body' }]), undefined);
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      done(new ApiError(400, FailureType.ValidationFailed, 'the body is not valid JSON', [{ field: '(body)', rule: 'must be a JSON object', in: 'body' }]), undefined);
      return;
    }
    const issues = bodyTextIssues(parsed);
    if (issues.length > 0) done(refuseIssues(issues), undefined);
    else done(null, parsed);
  });
}
