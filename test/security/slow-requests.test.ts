/**
 * #5: slow and piled-up connections. A request's headers and body must arrive within `server.requestTimeoutMs`, or it
 * is cut with 408 ERR_REQUEST_TIMEOUT and its socket closed (Fastify's default was never: 2,000 trickling sockets were
 * still open after 330 s); and one address holds at most `server.maxConnectionsPerIp` connections, the next being
 * answered 429 ERR_TOO_MANY_CONNECTIONS and closed while the first ones stay served. Over raw sockets.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_APPS } from '../../src/config/demo-config.js';
import { settlesWithin } from '../helpers/hang-guard.js';
import { type OpsApp, startOpsApp } from '../helpers/ops-app.js';
import { openRaw, type RawClient, rawGet } from './raw-socket.js';

let app: OpsApp | undefined;
const clients: RawClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.socket.destroy();
  await app?.close();
  app = undefined;
});

async function open(url: string, localAddress?: string): Promise<RawClient> {
  const c = await openRaw(url, localAddress);
  clients.push(c);
  return c;
}

/** Writes one byte every `everyMs` until the connection closes. */
function trickle(c: RawClient, everyMs: number): void {
  const timer = setInterval(() => (c.socket.writable ? c.socket.write('1') : clearInterval(timer)), everyMs);
  void c.closed.then(() => clearInterval(timer));
}

describe('server.requestTimeoutMs', () => {
  it('cuts a body trickled slower than the timeout with 408 ERR_REQUEST_TIMEOUT and closes the socket', async () => {
    app = await startOpsApp({ server: { port: 0, requestTimeoutMs: 1000 } });
    const c = await open(app.url);
    // 10,000 bytes announced, one sent every 100 ms: the whole body would take over 16 minutes.
    c.socket.write(`POST /v1/mp/${DEMO_APPS.mp1}/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n[`);
    trickle(c, 100);
    // A hang guard, not a speed check: the cut comes after ~1 s; without a timeout it never comes.
    await settlesWithin(c.closed, 20_000, 'the trickling request');
    expect(c.received()).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(c.received()).toMatch(/connection: close/i);
    expect(JSON.parse(c.received().split('\r\n\r\n')[1]!)).toMatchObject({ error: { code: 'ERR_REQUEST_TIMEOUT' } });
  });

  it('cuts headers trickled slower than the timeout the same way', async () => {
    app = await startOpsApp({ server: { port: 0, requestTimeoutMs: 1000 } });
    const c = await open(app.url);
    c.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
    trickle(c, 100);
    await settlesWithin(c.closed, 20_000, 'the trickling headers');
    expect(c.received()).toMatch(/^HTTP\/1\.1 408 /);
    expect(c.received()).toContain('"ERR_REQUEST_TIMEOUT"');
  });
});

describe('server.maxConnectionsPerIp', () => {
  it('refuses the (cap+1)-th concurrent connection from one address with 429, while the first cap stay served', async () => {
    const cap = 4;
    app = await startOpsApp({ server: { port: 0, maxConnectionsPerIp: cap } });
    const held: RawClient[] = [];
    for (let i = 0; i < cap; i++) {
      const c = await open(app.url);
      c.socket.write(rawGet('/healthz'));
      await c.waitFor(/^HTTP\/1\.1 200 [\s\S]*"ok"/); // answered and kept alive: counted by the server
      held.push(c);
    }
    const over = await open(app.url);
    over.socket.write(rawGet('/healthz'));
    await settlesWithin(over.closed, 20_000, 'the connection over the cap');
    expect(over.received()).toMatch(/^HTTP\/1\.1 429 Too Many Requests\r\n/);
    expect(over.received()).toMatch(/connection: close/i);
    expect(JSON.parse(over.received().split('\r\n\r\n')[1]!)).toMatchObject({ error: { code: 'ERR_TOO_MANY_CONNECTIONS' } });
    expect(over.received().match(/HTTP\/1\.1/g)).toHaveLength(1); // its request was never served

    // The first `cap` are still served on their connections, and another address is not affected.
    for (const c of held) {
      const before = c.received().length;
      c.socket.write(rawGet('/healthz'));
      await c.waitFor(new RegExp(`^[\\s\\S]{${before}}HTTP/1\\.1 200 `));
    }
    const other = await open(app.url, '127.0.0.2');
    other.socket.write(rawGet('/healthz'));
    await other.waitFor(/^HTTP\/1\.1 200 /);

    // Once one of them closes, the address may open one again (the server notices the close asynchronously).
    held[0]!.socket.destroy();
    await held[0]!.closed;
    const again = await settlesWithin(
      (async () => {
        for (;;) {
          const c = await open(app!.url);
          c.socket.write(rawGet('/healthz'));
          const text = await c.waitFor(/^HTTP\/1\.1 \d{3} /);
          if (text.startsWith('HTTP/1.1 200 ')) return c;
          await c.closed;
          await new Promise((r) => setTimeout(r, 20));
        }
      })(),
      20_000,
      'a connection after one of the held ones closed',
    );
    expect(again.received()).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('caps nothing with 0', async () => {
    app = await startOpsApp({ server: { port: 0, maxConnectionsPerIp: 0 } });
    for (let i = 0; i < 20; i++) {
      const c = await open(app.url);
      c.socket.write(rawGet('/healthz'));
      await c.waitFor(/^HTTP\/1\.1 200 /);
    }
  });
});
