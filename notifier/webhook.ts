import { createHmac } from 'node:crypto';
import type { RobotFormat, RobotMessage } from '../domain/meeting/robot';

/** A robot refused or could not take a message. */
export class DeliveryError extends Error {
  override name = 'DeliveryError';
}

/**
 * The URL to post to. A DingTalk robot in "signed" mode (加签) wants `timestamp` and `sign`
 * (HMAC-SHA256 over `timestamp\nsecret`, base64) on every request.
 */
export function signedUrl(url: string, format: RobotFormat, secret: string | undefined, now = Date.now()): string {
  if (format !== 'dingtalk' || !secret) return url;
  const sign = createHmac('sha256', secret).update(`${now}\n${secret}`).digest('base64');
  const u = new URL(url);
  u.searchParams.set('timestamp', String(now));
  u.searchParams.set('sign', sign);
  return u.toString();
}

/**
 * Posts one robot message. Success is HTTP 2xx with `errcode` 0 (or no `errcode`): both robots
 * answer HTTP 200 with a non-zero `errcode` when they refuse (e.g. 45009 / 130101: too many
 * messages per minute).
 */
export async function postRobotMessage(
  url: string,
  message: RobotMessage,
  opts: { format: RobotFormat; secret?: string; timeoutMs: number },
): Promise<void> {
  let res: Response;
  try {
    res = await fetch(signedUrl(url, opts.format, opts.secret), {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(message),
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
  } catch (err) {
    throw new DeliveryError(`webhook unreachable: ${(err as Error).message}`);
  }
  const text = await res.text().catch(() => '');
  if (!res.ok) throw new DeliveryError(`webhook answered HTTP ${res.status}: ${text.slice(0, 200)}`);
  let body: { errcode?: unknown; errmsg?: unknown } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    // a plain 2xx without JSON is taken as accepted
  }
  if (typeof body.errcode === 'number' && body.errcode !== 0) {
    throw new DeliveryError(`robot refused the message: errcode ${body.errcode} ${String(body.errmsg ?? '')}`);
  }
}
