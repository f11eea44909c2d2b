/** JSON over real HTTP, for tests that talk to a listening weunion, emulator or instance. */

/** What came back: the status, the headers, the body (parsed JSON, or the text when it is not JSON) and the text. */
export interface HttpAnswer<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface JsonRequestOptions {
  /** Default POST with a body, GET without. */
  method?: string;
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  headers?: Record<string, string>;
}

/**
 * Sends `body` as JSON (or nothing) and reads the answer; redirects are not followed (a 302 is an answer).
 * @example
 *   const { status, body } = await jsonRequest(`${url}/v1/mp/${appid}/login`, { code });
 */
export async function jsonRequest<T = any>(url: string, body?: unknown, options: JsonRequestOptions = {}): Promise<HttpAnswer<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const res = await fetch(url, {
    method: options.method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    redirect: 'manual',
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = text;
  }
  return { status: res.status, headers: res.headers, body: parsed as T, text };
}

/**
 * Like `jsonRequest`, for a call that must work (setting up a test): a non-2xx answer throws with its text.
 * @example
 *   const { id } = await jsonOk<{ id: string }>(`${emulatorUrl}/__emulator/persons`, {});
 */
export async function jsonOk<T = any>(url: string, body?: unknown, method?: string): Promise<T> {
  const answer = await jsonRequest<T>(url, body, method ? { method } : {});
  if (answer.status < 200 || answer.status > 299)
    throw new Error(`${method ?? (body === undefined ? 'GET' : 'POST')} ${url} → ${answer.status} ${answer.text}`);
  return answer.body;
}
