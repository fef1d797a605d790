import { createHash } from 'node:crypto';

/** keyflow's UUID namespace for name-based event ids (RFC 4122 §4.3, version 5). */
const NAMESPACE = Buffer.from('6b2f1e0a8c4d4e2b9f3a7c5d1e0f2a3b', 'hex');

/**
 * A UUIDv5 over the event's identity. The same (source, type, subject, key) always gives the
 * same id — that is what makes a retried send recognisable as the same event.
 */
export function eventId(source: string, type: string, subject: string, key: string): string {
  const hash = createHash('sha1').update(NAMESPACE).update(`${source}\n${type}\n${subject}\n${key}`).digest();
  const b = Buffer.from(hash.subarray(0, 16));
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
