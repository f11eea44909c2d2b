/**
 * `weunion/fastify` inside a host app: routes under the prefix, the host's logger, the host's own routes and 404s
 * untouched, `app.weunion` for the host's routes, the login rate limit still on under a prefix, the parts closed with
 * the app, and bad options refused at registration naming the field.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import Fastify from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import weunion from '../../../src/fastify.js';
import { type EmbedWorld, MP, MP2, startEmbedWorld } from '../../helpers/embed-world.js';

let world: EmbedWorld;
beforeAll(async () => {
  world = await startEmbedWorld();
});
afterAll(() => world.close());

function hostApp() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const app = Fastify({ loggerInstance: pino({ level: 'info' }, stream) });
  app.get('/hello', async () => ({ host: 'mine' }));
  return { app, lines };
}

const post = (app: ReturnType<typeof Fastify>, url: string, body: unknown) => app.inject({ method: 'POST', url, payload: body as object });

describe('weunion/fastify', () => {
  it('mounts the routes under the prefix in a host app, logs through the host logger, and leaves the host routes alone', async () => {
    const { app, lines } = hostApp();
    await app.register(weunion, { config: world.config, prefix: '/auth' });
    app.get('/whoami', async (request) => {
      const session = await app.weunion.requireSession(request);
      return { userId: session.userId, view: await app.weunion.deps.identity.view(session.userId) };
    });
    await app.ready();
    try {
      const person = await world.createPerson();
      const first = await post(app, `/auth/v1/mp/${MP}/login`, { code: await world.loginCode(person) });
      expect(first.statusCode, first.body).toBe(200);
      const second = await post(app, `/auth/v1/mp/${MP2}/login`, { code: await world.loginCode(person, MP2) });
      expect(second.json().userId).toBe(first.json().userId); // one user across the union's apps
      const me = await app.inject({ url: '/whoami', headers: { authorization: `Bearer ${first.json().token}` } });
      expect(me.json()).toMatchObject({ userId: first.json().userId, view: { userId: first.json().userId } });
      // The host's own route, its own 404 (Fastify's shape), weunion's 404 under the prefix (weunion's shape).
      expect((await app.inject({ url: '/hello' })).json()).toEqual({ host: 'mine' });
      expect((await app.inject({ url: '/nope' })).json()).toMatchObject({ message: 'Route GET:/nope not found' });
      expect((await app.inject({ url: '/auth/v1/nope' })).json()).toMatchObject({ error: { code: 'ERR_NOT_FOUND' } });
      // No route at the root: the unprefixed path is the host's.
      expect((await post(app, `/v1/mp/${MP}/login`, { code: 'x' })).statusCode).toBe(404);
      expect(lines.some((l) => l.msg === 'request completed' && l.route === '/auth/v1/mp/:appid/login')).toBe(true);
    } finally {
      await app.close();
    }
    // Closed with the app: the store's pool is gone.
    await expect(app.weunion.deps.identity.view('u_x')).rejects.toThrow();
  });

  it('keeps the login rate limit on the prefixed login routes', async () => {
    const { app } = hostApp();
    await app.register(weunion, { config: { ...world.config, rateLimit: { perIpPerMinute: 2 } }, prefix: '/id' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await post(app, `/id/v1/mp/${MP}/login`, { code: `bad-${i}` })).statusCode);
      expect(statuses[2]).toBe(429);
      expect(statuses.slice(0, 2)).not.toContain(429);
    } finally {
      await app.close();
    }
  });

  it('without a prefix serves /v1/… and leaves unknown URLs to the host', async () => {
    const { app } = hostApp();
    await app.register(weunion, { config: world.config });
    try {
      expect((await app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
      expect((await app.inject({ url: '/nope' })).json()).toMatchObject({ message: 'Route GET:/nope not found' });
    } finally {
      await app.close();
    }
  });

  it.each([
    [{}, /weunion\/fastify: options\.config is required/],
    [{ config: world?.config, prefx: '/auth' }, /options\.prefx is not an option/],
    [{ config: 'weunion.config.json' }, /options\.config must be an object/],
    [{ config: { apps: [{ appid: MP, secret: 's', kind: 'miniapp' }] } }, /options\.config: invalid weunion config:\n\s+- apps\.0\.kind/],
    [{ config: { apps: [{ appid: MP, secret: 's', kind: 'miniprogram' }] }, prefix: 'auth/' }, /options\.prefix must be '' or a path like '\/auth'/],
    [{ config: { wechat: { emulator: {} }, apps: [{ appid: MP, secret: 's', kind: 'miniprogram' }] } }, /options\.config\.wechat\.emulator is set/],
  ])('refuses bad options at registration, naming the field (%#)', async (options, message) => {
    const app = Fastify();
    const opts = (options as { config?: unknown }).config === undefined && 'prefx' in options ? { ...options, config: world.config } : options;
    await expect(app.register(weunion, opts as never).ready()).rejects.toThrow(message);
    await app.close();
  });

  it('under NODE_ENV=production refuses keys it would generate, saying why, and starts with keys given', async () => {
    const env = { NODE_ENV: 'production' };
    const config = { ...world.config, dataDir: mkdtempSync(path.join(tmpdir(), 'weunion-embed-')) }; // no keys.json yet
    const refused = Fastify();
    await expect(refused.register(weunion, { config, env }).ready()).rejects.toThrow(
      /NODE_ENV=production and keys\.atRestKey \/ keys\.signingJwk are not configured .* refusing to generate keys, because .* WEUNION_ALLOW_GENERATED_KEYS=1/s,
    );
    await refused.close();
    expect(existsSync(path.join(config.dataDir, 'keys.json'))).toBe(false);
    const allowed = Fastify();
    await allowed.register(weunion, { config, env: { ...env, WEUNION_ALLOW_GENERATED_KEYS: '1' } }).ready();
    expect((await allowed.inject({ url: '/healthz' })).statusCode).toBe(200);
    await allowed.close();
    expect(existsSync(path.join(config.dataDir, 'keys.json'))).toBe(true);
  });
});
