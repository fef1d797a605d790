/**
 * The fingerprint of a request (幂等键的请求指纹): what a request id was used for, so a repeat of the
 * same request is recognised and the same id sent with another request is not. Pure and
 * deterministic: the workflows' request ledger and the client (for a workflow that has closed) compute
 * the same one.
 */

/** JSON with object keys sorted, so equal requests give equal text whatever their key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    return `{${Object.keys(obj)
      .filter((k) => obj[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(obj[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** 64-bit FNV-1a of a string's UTF-16 code units, as hex. */
function fnv1a64(text: string): string {
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < text.length; i++) {
    h ^= BigInt(text.charCodeAt(i));
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, '0');
}

/** The fingerprint of a request: its kind and everything in it but the id. */
export function fingerprintOf(kind: string, request: Record<string, unknown>): string {
  const { requestId: _id, ...rest } = request;
  void _id;
  return `${kind}:${fnv1a64(canonical(rest))}`;
}

