/**
 * Chinese at the API's edge, without a stack: a refusal names the field by its Chinese label and
 * the rule in Chinese (the machine's `field`/`rule` kept, English on `Accept-Language: en`), a
 * value typed in Chinese (临颍县, 自然资源局, 黄, 新开工) reaches the handler as its id, times in
 * refusals are on Shanghai's clock, and short notes such as 已督促 pass.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { z } from 'zod';
import { hashToken, newToken, tokenStore } from '../../api/auth';
import { frameworkError, installErrorHandling } from '../../api/errors';
import { addRoute, type AnyRouteDef } from '../../api/route';
import { buildServer } from '../../api/server';
import { issueInChinese, labelOf, ruleInChinese, shanghaiTimesIn } from '../../schemas/chinese';
import { CloseSupervisionOrder, WarningLevel } from '../../schemas/lifecycle';
import { CloseFollowUpRequest } from '../../schemas/meeting';
import { ProjectShape, Stage } from '../../schemas/project';
import { ErrorBody } from '../../schemas/api';

const admin = newToken();
const store = tokenStore({ tokens: [{ id: 'admin', role: 'admin', hash: hashToken(admin) }] });
const unreachable = new Proxy({}, { get: () => { throw new Error('Temporal must not be reached'); } });
const headers = { authorization: `Bearer ${admin}`, 'content-type': 'application/json' };

async function post(base: string, url: string, body: unknown, extra: Record<string, string> = {}) {
  const res = await fetch(`${base}${url}`, { method: 'POST', headers: { ...headers, ...extra }, body: JSON.stringify(body) });
  return { status: res.status, language: res.headers.get('content-language'), json: (await res.json()) as z.infer<typeof ErrorBody> & Record<string, unknown> };
}

describe('refusals in Chinese', () => {
  const app = buildServer({ ctx: { client: unreachable as never, taskQueue: 'none' }, tokens: store, logger: false });
  let base = '';
  beforeAll(async () => {
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => app.close());

  it('names the field by its Chinese label and says the rule in Chinese, keeping field and rule for machines', async () => {
    const r = await post(base, '/projects', { code: '2026-411122-13-03-000001', name: '临颍现代家居产业园', county: '411122' });
    expect(r.status).toBe(400);
    expect(r.language).toBe('zh-CN');
    expect(r.json.error).toBe('ValidationFailed');
    expect(r.json.message).toMatch(/^填写有误：/);
    expect(r.json.message).toContain('项目单位（owner）：必填');
    expect(r.json.message).toContain('牵头部门（leadDepartment）：必填');
    expect(r.json.issues).toContainEqual({ field: 'owner', rule: 'is required', in: 'body', label: '项目单位', message: '项目单位（owner）：必填' });
    expect(r.json.messageEn).toMatch(/owner: is required/);
  });

  it('keeps the English message for a caller that asks for it', async () => {
    const r = await post(base, '/projects', { name: 'x' }, { 'accept-language': 'en-US,en;q=0.9' });
    expect(r.status).toBe(400);
    expect(r.language).toBe('en');
    expect(r.json.message).toMatch(/owner: is required/);
    expect(r.json.issues).toContainEqual({ field: 'owner', rule: 'is required', in: 'body' });
  });

  it('translates zod rules and nested fields', () => {
    expect(labelOf('request.decisions.0.action')).toBe('议定事项第1项·事项内容');
    expect(ruleInChinese("Invalid enum value. Expected 'new' | 'continuing' | 'preliminary', received 'x'")).toBe('须为 new、continuing、preliminary 之一，收到“x”');
    expect(issueInChinese({ field: 'contacts.0.phone', rule: 'must be a mainland mobile (11 digits) or landline number' })).toBe(
      '联系人第1项·联系电话（contacts.0.phone）：须为 11 位手机号或固定电话号码',
    );
    // An untranslated rule still leads with Chinese and keeps what it says.
    expect(ruleInChinese('must fit the moon phase')).toBe('不符合规则：must fit the moon phase');
  });

  it('writes times on Shanghai clock with the offset', () => {
    expect(shanghaiTimesIn('decisions of 2026-W50 can be recorded from the start of the meeting, 2026-12-07T01:00:00.000Z')).toBe(
      'decisions of 2026-W50 can be recorded from the start of the meeting, 2026-12-07 09:00（北京时间 UTC+8）',
    );
    expect(shanghaiTimesIn('closed at 2026-12-31T16:30:00Z')).toBe('closed at 2027-01-01 00:30（北京时间 UTC+8）');
  });
});

describe('values typed in Chinese', () => {
  let app: FastifyInstance;
  let base = '';
  let seen: unknown;
  beforeAll(async () => {
    app = Fastify({ logger: false, frameworkErrors: frameworkError });
    installErrorHandling(app);
    const registry: AnyRouteDef[] = [];
    const body = ProjectShape.pick({ county: true, leadDepartment: true, stage: true, category: true, industry: true }).extend({ warning: WarningLevel, to: Stage });
    addRoute(app, { ctx: {} as never, tokens: store, registry, strictResponses: true, now: () => new Date('2026-03-02T01:00:00Z') }, {
      method: 'POST',
      url: '/echo/:stage',
      operationId: 'echo',
      summary: 'echoes what validation let through',
      tag: 'system',
      access: ['admin'],
      params: z.object({ stage: z.enum(['landUsePlanning', 'engineeringPermit', 'constructionPermit', 'completionAcceptance']) }),
      body,
      response: z.unknown(),
      handler: async ({ body: b, params }) => {
        seen = { ...b, reviewStage: params.stage };
        return {};
      },
    });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => app.close());

  it('accepts 临颍县, 自然资源局, 黄, 新开工, 续建, 饮料 and 施工许可 as their ids', async () => {
    const r = await post(base, `/echo/${encodeURIComponent('施工许可')}`, { county: '临颍县', leadDepartment: '自然资源局', warning: '黄', stage: '新开工', category: '续建', industry: '饮料', to: '在建' });
    expect(r.status).toBe(200);
    expect(seen).toEqual({ county: '411122', leadDepartment: 'zrzy', warning: 'yellow', stage: 'started', category: 'continuing', industry: 'food-beverage', to: 'underConstruction', reviewStage: 'constructionPermit' });
  });

  it('accepts 临颍 without its suffix, 红灯 and the full department name', async () => {
    const r = await post(base, '/echo/landUsePlanning', { county: '临颍', leadDepartment: '发展和改革委员会', warning: '红灯', stage: '前期', category: '前期', industry: 'food-beverage', to: '竣工' });
    expect(r.status).toBe(200);
    expect(seen).toMatchObject({ county: '411122', leadDepartment: 'fgw', warning: 'red', stage: 'preliminary', category: 'preliminary', to: 'completed' });
  });

  it('refuses a Chinese value it does not know, naming the field in Chinese, and guesses nothing', async () => {
    const r = await post(base, '/echo/landUsePlanning', { county: '许昌县', leadDepartment: 'fgw', warning: '紫', stage: '前期', category: '前期', industry: 'food-beverage', to: '竣工' });
    expect(r.status).toBe(400);
    expect(r.json.message).toContain('县区（county）：');
    expect(r.json.message).toContain('预警灯（warning）：须为 green、yellow、red 之一，收到“紫”');
  });
});

describe('short notes', () => {
  it('takes 已督促 and 已完成 as notes (two characters are enough)', () => {
    const actor = { by: 'dcs:wang' };
    expect(CloseSupervisionOrder.safeParse({ requestId: 'close-order-1', actor, orderId: 'o-1', note: '已督促' }).success).toBe(true);
    expect(CloseFollowUpRequest.safeParse({ requestId: 'close-fu-1', itemId: '2026-W41-1', note: '已完成', actor }).success).toBe(true);
    expect(CloseFollowUpRequest.safeParse({ requestId: 'close-fu-2', itemId: '2026-W41-1', note: '好', actor }).success).toBe(false);
  });
});
