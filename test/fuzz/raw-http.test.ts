/**
 * Fuzzing below fetch: raw bytes on a TCP socket, for what no HTTP client library will send — broken request lines,
 * bare LF line ends, CR/LF and NUL inside header values, duplicate and contradicting Content-Length and
 * Transfer-Encoding, bad chunk framing, bodies shorter or longer than announced, several requests in one write, and
 * half-sent requests (the client closes its side after writing). Each input is one connection: the bytes are written,
 * the client half-closes, and everything the server answers until it closes is read.
 *
 * Properties (besides fuzz-harness.ts's leak check over the whole answer): no 5xx status line anywhere; the first answer, when
 * an error, is typed (`{ error: { code, message } }` with its documented status, whether Fastify, its router or Node's
 * parser refused it); the database is unchanged unless some answer was a success; and the server still serves a normal
 * request afterwards.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzzString } from './arbitraries.js';
import {
  fcOptions,
  findLeak,
  fuzzTimeoutMs,
  printTally,
  recordOutcome,
  sendRawHttp,
  startFuzzStack,
  tally,
  untypedError,
  type FuzzStack,
} from './fuzz-harness.js';

let fz: FuzzStack;
let mp1 = '';
beforeAll(async () => {
  fz = await startFuzzStack();
  mp1 = fz.stack.apps.mp1;
});
afterAll(async () => {
  printTally('raw-http');
  await fz?.close();
});

interface Answer {
  status: number;
  body: string;
}

/** The final (non-1xx) answers in `raw`, read by their Content-Length; `headOnly` for a HEAD request's. */
function answers(raw: string, headOnly: boolean): Answer[] {
  const out: Answer[] = [];
  let at = 0;
  while (at < raw.length) {
    const end = raw.indexOf('\r\n\r\n', at);
    const status = /^HTTP\/1\.[01] (\d{3}) /.exec(raw.slice(at, at + 20));
    if (end < 0 || !status) break;
    const head = raw.slice(at, end);
    const length = headOnly && out.length === 0 ? 0 : Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
    at = end + 4 + length;
    if (Number(status[1]) >= 200) out.push({ status: Number(status[1]), body: raw.slice(end + 4, end + 4 + length) });
  }
  return out;
}

// Mostly well-formed framing, so that most inputs reach Fastify and the routes; the rest break it.
const eol = fc.oneof({ weight: 8, arbitrary: fc.constant('\r\n') }, { weight: 1, arbitrary: fc.constantFrom('\n', '\r', '\r\r\n') });
const method = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('GET', 'POST', 'HEAD', 'PUT', 'OPTIONS', 'DELETE') },
  { weight: 1, arbitrary: fc.constantFrom('', 'G ET', 'get', 'CONNECT', 'TRACE', 'PRI', 'M-SEARCH', 'GET\0') },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
);
const version = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('HTTP/1.1', 'HTTP/1.0') },
  { weight: 1, arbitrary: fc.constantFrom('HTTP/2.0', 'HTTP/9.9', 'HTTP/0.9', 'http/1.1', '', 'HTTP/1.1 extra') },
);
const pathArb = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      '/v1/mp/MP1/login',
      '/v1/me',
      '/v1/session/exchange',
      '/v1/oa/OA/callback?signature=x&timestamp=1&nonce=n',
      '/healthz',
      '/.well-known/jwks.json',
      '*',
    ),
  },
  { weight: 2, arbitrary: fuzzString.filter((s) => s.length < 20_000) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('/v1/mp/%/login', '/v1/qr-login/%C0%AF', 'http://evil.example/v1/me', '/v1/me#x', '/v1/me?\0', `/${'a'.repeat(9000)}`),
  },
);
const headerName = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom('Host', 'Content-Length', 'Transfer-Encoding', 'Content-Type', 'Authorization', 'Expect', 'Connection', 'Cookie', 'Upgrade'),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
);
const headerValue = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'application/json',
      'chunked',
      'chunked, identity',
      '100-continue',
      'close',
      'keep-alive',
      'websocket',
      '0',
      '5',
      '-1',
      '99999999999',
      ' 3',
      'Bearer x',
      '',
    ),
  },
  { weight: 1, arbitrary: fuzzString.filter((s) => s.length < 20_000) },
  { weight: 1, arbitrary: fc.string({ maxLength: 10 }).map((s) => `a${s}\r\nX-Injected: 1`) },
);
const body = fc.oneof(
  fc.constant(''),
  fc.constantFrom('{"code":"x"}', '{"code":', '5\r\nhello\r\n0\r\n\r\n', 'zz\r\nhi\r\n0\r\n\r\n', '0\r\n\r\n', `GET /v1/me HTTP/1.1\r\nHost: x\r\n\r\n`),
  fuzzString.filter((s) => s.length < 70_000),
);
const routePath = (p: string): string => p.replace('MP1', mp1).replace('OA', fz.stack.apps.oa);

/** Anything: every part drawn on its own, framing included. */
const anyRequest = fc
  .record({
    method,
    path: pathArb,
    version,
    eol,
    headers: fc.array(fc.tuple(headerName, headerValue), { maxLength: 6 }),
    host: fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    body,
  })
  .map((r) => {
    const lines = [`${r.method} ${routePath(r.path)} ${r.version}`, ...(r.host ? ['Host: 127.0.0.1'] : []), ...r.headers.map(([n, v]) => `${n}: ${v}`)];
    return { method: r.method, text: `${lines.join(r.eol)}${r.eol}${r.eol}${r.body}` };
  });

/** A well-framed request (Host, a Content-Length that fits the body) with one or two hostile headers: reaches the routes. */
const framedRequest = fc
  .record({
    method: fc.constantFrom('GET', 'POST', 'HEAD', 'DELETE'),
    path: pathArb,
    headers: fc.array(fc.tuple(headerName, headerValue), { maxLength: 2 }),
    body,
  })
  .map((r) => {
    const length = Buffer.byteLength(r.body);
    const lines = [`${r.method} ${routePath(r.path)} HTTP/1.1`, 'Host: 127.0.0.1', 'Content-Type: application/json', `Content-Length: ${length}`];
    lines.push(...r.headers.map(([n, v]) => `${n}: ${v}`));
    return { method: r.method, text: `${lines.join('\r\n')}\r\n\r\n${r.body}` };
  });

const rawRequest = fc.oneof(anyRequest, framedRequest);

describe('fuzz: raw HTTP on the socket', () => {
  it(
    'never a 5xx, the first error typed, nothing stored, still serving',
    async () => {
      await fc.assert(
        fc.asyncProperty(rawRequest, async ({ method: m, text }) => {
          tally.set('raw HTTP', (tally.get('raw HTTP') ?? 0) + 1);
          const before = fz.digest();
          const raw = (await sendRawHttp(fz.stack.serverUrl, Buffer.from(text, 'utf8'))).toString('latin1');
          const all = answers(raw, m === 'HEAD');
          const where = `${JSON.stringify(text.slice(0, 300))} → ${JSON.stringify(raw.slice(0, 300))}`;
          recordOutcome('raw HTTP', all[0]?.status ?? 0, all[0]?.body ?? '');
          if (/(^|\r\n)HTTP\/1\.[01] 5\d\d /.test(raw)) throw new Error(`5xx: ${where}`);
          const leak = findLeak(raw, fz.secrets, text);
          if (leak) throw new Error(`leak (${leak}): ${where}`);
          const first = all[0];
          const untyped = first && first.status >= 400 ? untypedError(first.status, first.body, m) : undefined;
          if (untyped) throw new Error(`untyped error (${untyped}): ${where}`);
          if (!all.some((a) => a.status < 400) && fz.digest() !== before) throw new Error(`a refused request changed the database: ${where}`);
        }),
        fcOptions(),
      );
      const health = await fetch(`${fz.stack.serverUrl}/healthz`);
      expect(health.status).toBe(200);
    },
    fuzzTimeoutMs(),
  );
});
