/**
 * #4: behind a proxy, the per-IP login limit counts the client the proxy saw (the right-most X-Forwarded-For entry
 * it appended), not the left-most entry the client wrote. Before the fix `trustProxy: true` trusted every hop, so a
 * client writing a new left-most address per request was a new IP every time and the limit never bit.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_APPS } from '../../src/config/demo-config.js';
import { parseConfig } from '../../src/config/load-config.js';
import type { ConfigInput } from '../../src/config/schema.js';
import { type OpsApp, startOpsApp } from '../helpers/ops-app.js';

let app: OpsApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** A login attempt through the proxy: `forwarded` is the X-Forwarded-For the proxy passes on. */
async function login(url: string, forwarded?: string): Promise<number> {
  const res = await fetch(`${url}/v1/mp/${DEMO_APPS.mp1}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(forwarded === undefined ? {} : { 'x-forwarded-for': forwarded }) },
    body: '{}',
  });
  await res.arrayBuffer();
  return res.status;
}

describe('server.trustProxy (login rate limit behind a proxy)', () => {
  it.each<[string, NonNullable<ConfigInput['server']>['trustProxy']]>([
    ['a hop count (1)', 1],
    ['the proxy address', '127.0.0.1'],
    ['a named range', ['loopback']],
  ])('with %s, the 121st login of a minute from one client is 429 whatever it writes left of the proxy', async (_name, trustProxy) => {
    app = await startOpsApp({ server: { port: 0, trustProxy } }); // rateLimit defaults: 120 per IP per minute
    const client = '203.0.113.7'; // what the proxy appends: the address it got the connection from
    for (let i = 0; i < 120; i++) {
      // A fresh forged left-most address (sometimes several) on every request.
      const forged = i % 2 === 0 ? `198.51.100.${i}` : `10.0.${i}.1, 192.0.2.${i}`;
      expect(await login(app.url, `${forged}, ${client}`)).toBe(400); // counted (validation fails after the limiter)
    }
    expect(await login(app.url, `198.51.100.250, ${client}`)).toBe(429);
    expect(await login(app.url, client)).toBe(429);
    // Another client behind the same proxy has its own budget (the proxy's address is not the key either).
    expect(await login(app.url, `${client}, 203.0.113.8`)).toBe(400);
  });

  it('refuses `true` with a config error that says what to write, and any list entry that is not an address', () => {
    const base = { apps: [{ appid: 'wx1111111111111111', secret: 's', kind: 'miniprogram' }] } as const;
    expect(() => parseConfig({ ...base, server: { trustProxy: true } })).toThrow(/trustProxy: true is refused.*number of proxies.*addresses\/CIDRs/s);
    expect(() => parseConfig({ ...base, server: { trustProxy: 0 } })).toThrow(/integer from 1 to 16/);
    expect(() => parseConfig({ ...base, server: { trustProxy: '10.0.0.0/8, proxy.example' } })).toThrow(/"proxy\.example"/);
    expect(() => parseConfig({ ...base, server: { trustProxy: ['10.0.0.0/33'] } })).toThrow(/10\.0\.0\.0\/33/);
    expect(parseConfig({ ...base, server: { trustProxy: '10.0.0.0/8, fd00::/8' } }).server.trustProxy).toEqual(['10.0.0.0/8', 'fd00::/8']);
    expect(parseConfig(base).server.trustProxy).toBe(false);
  });
});
