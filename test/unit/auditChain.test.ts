/**
 * The tamper-evident record (domain/audit/chain.ts): SHA-256 as node:crypto computes it, the
 * canonical encoding, and a chain whose stored copy is altered — one field of one entry, an entry
 * removed, two swapped — named at its first broken entry by verifyChain.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { appendEntry, canonicalJson, GENESIS, verifyChain } from '../../domain/audit/chain';
import { sha256Hex } from '../../domain/audit/sha256';
import type { AuditEntry } from '../../schemas/audit';

const AT = '2026-03-02T09:00:00+08:00';

function chainOf(n: number): AuditEntry[] {
  let chain: AuditEntry[] = [];
  for (let i = 0; i < n; i++) {
    chain = appendEntry(chain, { at: AT, kind: i === 0 ? 'registered' : 'reported', key: `req-${i}`, actor: { by: `qiye:甲企业联络员（项目单位）`, userId: 'qiye', role: 'enterprise' }, data: { month: `2026-0${(i % 9) + 1}`, investmentThisMonth: 100 * i } }).chain;
  }
  return chain;
}

describe('SHA-256 and the canonical encoding', () => {
  it('agrees with node:crypto on any text, Chinese and astral characters included', () => {
    for (const s of ['', 'abc', '重点项目联审联批', 'a'.repeat(55), 'a'.repeat(56), 'a'.repeat(64), '𠮷野家']) {
      expect(sha256Hex(s)).toBe(createHash('sha256').update(s, 'utf8').digest('hex'));
    }
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (s) => sha256Hex(s) === createHash('sha256').update(s, 'utf8').digest('hex')), { numRuns: 300 });
  });

  it('writes keys sorted, no whitespace, undefined left out, whatever the insertion order', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x'], c: undefined, d: { z: 1.5, y: '中' } })).toBe('{"a":[true,null,"x"],"b":1,"d":{"y":"中","z":1.5}}');
    expect(canonicalJson({ y: 1, x: 2 })).toBe(canonicalJson({ x: 2, y: 1 }));
  });
});

describe('the audit chain', () => {
  it('links every entry to the one before and verifies end to end', () => {
    const chain = chainOf(5);
    expect(chain[0]!.prev).toBe(GENESIS);
    for (let i = 1; i < chain.length; i++) expect(chain[i]!.prev).toBe(chain[i - 1]!.hash);
    expect(verifyChain(chain)).toEqual({ ok: true, entries: 5, head: chain[4]!.hash });
    expect(verifyChain([])).toEqual({ ok: true, entries: 0, head: GENESIS });
  });

  it('names the first broken entry of a copy with one stored entry altered', () => {
    const chain = chainOf(6);
    const copy = structuredClone(chain);
    (copy[3]!.data as { investmentThisMonth: number }).investmentThisMonth = 99999;
    const verdict = verifyChain(copy);
    expect(verdict).toMatchObject({ ok: false, entries: 6, firstBroken: { seq: 3, kind: 'reported', key: 'req-3', reason: expect.stringContaining('altered') } });
    // The original is untouched and still verifies.
    expect(verifyChain(chain).ok).toBe(true);
    // A forger who recomputes the altered entry's hash breaks the link of the next one.
    const rehashed = structuredClone(copy);
    const { chain: redone } = appendEntry(rehashed.slice(0, 3), rehashed[3]!);
    rehashed[3] = redone[3]!;
    expect(verifyChain(rehashed)).toMatchObject({ ok: false, firstBroken: { seq: 4, reason: expect.stringContaining('prev') } });
  });

  it('names a removed or reordered entry, and an altered actor', () => {
    const chain = chainOf(4);
    expect(verifyChain([chain[0]!, chain[2]!, chain[3]!])).toMatchObject({ ok: false, firstBroken: { seq: 1 } });
    expect(verifyChain([chain[0]!, chain[2]!, chain[1]!, chain[3]!])).toMatchObject({ ok: false, firstBroken: { seq: 1 } });
    const forged = structuredClone(chain);
    forged[2]!.actor = { ...forged[2]!.actor, by: 'fgw:李主任（冒名）' };
    expect(verifyChain(forged)).toMatchObject({ ok: false, firstBroken: { seq: 2 } });
  });
});
