/**
 * The JSON body of a WeChat POST endpoint: no body → 44002 "empty post data"; a body that is not a JSON object →
 * 47001 "data format error" (a body that is not JSON at all already got 47001 from the body parser).
 */
export type JsonBody = { ok: true; body: Record<string, unknown> } | { ok: false; errcode: 44002 | 47001 };

export function jsonObjectBody(body: unknown): JsonBody {
  if (body === undefined) return { ok: false, errcode: 44002 };
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: false, errcode: 47001 };
  return { ok: true, body: body as Record<string, unknown> };
}

/** A non-empty string field, or undefined. */
export const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
