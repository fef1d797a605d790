/**
 * Whether an error means the Temporal server could not be reached (down, wrong address, network),
 * as opposed to a refusal or a bug: callers retry later or tell the user to start the stack.
 */
export function isServerUnreachable(err: unknown): boolean {
  for (let e = err as { code?: unknown; message?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    // gRPC status 14 UNAVAILABLE: the call never got through.
    if (e.code === 14) return true;
    const text = typeof e.message === 'string' ? e.message : '';
    if (/Failed to connect before the deadline|ECONNREFUSED|UNAVAILABLE|No connection established|connection refused/i.test(text)) return true;
  }
  return false;
}
