import type { AuditEntry, AuditVerdict } from '../../schemas/audit';
import canonicalize from 'canonicalize';
import { sha256Hex } from './sha256';

/**
 * A project's tamper-evident record (留痕): every action is an entry carrying the hash of the
 * entry before it, over a canonical encoding, so changing, removing or reordering any stored
 * entry breaks every hash after it. Pure: the project workflow appends (one writer per chain),
 * `verifyChain` checks a copy end to end wherever it is read (API, CLI, a Kafka consumer).
 */

/** The hash the first entry links to. */
export const GENESIS = '0'.repeat(64);

/**
 * RFC 8785 (JCS) canonical JSON, from the `canonicalize` package: object keys sorted by UTF-16
 * code units, no whitespace, strings and numbers as JSON.stringify writes them; undefined members
 * are left out. A hash over it does not depend on the order a writer put the keys in.
 */
export function canonicalJson(value: unknown): string {
  return canonicalize(value) ?? 'null';
}

/** The hash of an entry: SHA-256 over the canonical JSON of everything but the hash itself. */
export function entryHash(entry: Omit<AuditEntry, 'hash'>): string {
  return sha256Hex(canonicalJson({ seq: entry.seq, at: entry.at, kind: entry.kind, key: entry.key, actor: entry.actor, data: entry.data, prev: entry.prev }));
}

/** The chain with one more entry; answers the new entry too. */
export function appendEntry(chain: readonly AuditEntry[], entry: Pick<AuditEntry, 'at' | 'kind' | 'key' | 'actor' | 'data'>): { chain: AuditEntry[]; entry: AuditEntry } {
  const last = chain.at(-1);
  const body = { seq: chain.length, at: entry.at, kind: entry.kind, key: entry.key, actor: entry.actor, data: entry.data, prev: last?.hash ?? GENESIS };
  const full: AuditEntry = { ...body, hash: entryHash(body) };
  return { chain: [...chain, full], entry: full };
}

/** Checks a chain end to end; names the first entry that does not hold and why. */
export function verifyChain(chain: readonly AuditEntry[]): AuditVerdict {
  let prev = GENESIS;
  for (let i = 0; i < chain.length; i++) {
    const e = chain[i]!;
    const broken = (reason: string): AuditVerdict => ({ ok: false, entries: chain.length, head: chain.at(-1)?.hash ?? GENESIS, firstBroken: { seq: i, kind: e.kind, key: e.key, reason } });
    if (e.seq !== i) return broken(`第 ${i} 条记录的序号是 ${e.seq}：记录被删除、插入或调换 (entry ${i} carries seq ${e.seq}: removed, inserted or reordered)`);
    if (e.prev !== prev) return broken(`第 ${i} 条记录所链接的前一条哈希不符 (prev does not match the hash of entry ${i - 1})`);
    const expected = entryHash(e);
    if (e.hash !== expected) return broken(`第 ${i} 条记录的内容与其哈希不符：记录被改动 (the entry's content does not match its hash: altered)`);
    prev = e.hash;
  }
  return { ok: true, entries: chain.length, head: prev };
}
