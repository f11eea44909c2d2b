/**
 * `weunion/node` in Express (mounted at a path, other routes after it), Koa and plain `http`, over real HTTP against
 * the emulator; bad options refused before anything is built.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWeunionHandler } from '../../../src/node.js';
import { type EmbedWorld, MP, startEmbedWorld } from '../../helpers/embed-world.js';

let world: EmbedWorld;
beforeAll(async () => {
  world = await startEmbedWorld();
});
afterAll(() => world.close());

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
const close = (server: Server) => new Promise((resolve) => server.close(resolve));

async function logIn(base: string): Promise<{ status: number; body: any }> {
  const code = await world.loginCode(await world.createPerson());
  const res = await fetch(`${base}/v1/mp/${MP}/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
  return { status: res.status, body: await res.json() };
}

describe('weunion/node', () => {
  it('Express: app.use("/auth", handler) logs someone in, and URLs that are not weunion’s reach the next routes', async () => {
    const handler = await createWeunionHandler({ config: world.config, prefix: '/auth' });
    const app = express();
    app.use('/auth', handler);
    app.get('/auth/custom', (_req, res) => void res.json({ host: 'express' }));
    app.get('/me', async (req, res) => {
      const token = req.headers.authorization?.slice('Bearer '.length) ?? '';
      res.json(await handler.weunion.deps.sessions.verify(token));
    });
    const server = createServer(app);
    const base = await listen(server);
    try {
      const login = await logIn(`${base}/auth`);
      expect(login.status, JSON.stringify(login.body)).toBe(200);
      expect(login.body.userId).toMatch(/^u_/);
      expect(await (await fetch(`${base}/auth/custom`)).json()).toEqual({ host: 'express' });
      const me = await fetch(`${base}/me`, { headers: { authorization: `Bearer ${login.body.token}` } });
      expect(await me.json()).toMatchObject({ userId: login.body.userId, appid: MP });
    } finally {
      await close(server);
      await handler.close();
    }
  });

  it('Koa and plain http: the handler answers, and what is not weunion’s is a 404 in weunion’s shape', async () => {
    const handler = await createWeunionHandler({ config: world.config });
    const koa = new Koa();
    koa.use((ctx) => {
      ctx.respond = false;
      handler(ctx.req, ctx.res);
    });
    const koaServer = createServer(koa.callback());
    const plain = createServer(handler);
    try {
      for (const base of [await listen(koaServer), await listen(plain)]) {
        const login = await logIn(base);
        expect(login.status, JSON.stringify(login.body)).toBe(200);
        const missing = await fetch(`${base}/elsewhere`);
        expect(missing.status).toBe(404);
        expect(await missing.json()).toMatchObject({ error: { code: 'ERR_NOT_FOUND' } });
      }
    } finally {
      await Promise.all([close(koaServer), close(plain)]);
      await handler.close();
    }
  });

  it('refuses bad options, naming the field', async () => {
    await expect(createWeunionHandler({} as never)).rejects.toThrow(/weunion\/node: options\.config is required/);
    await expect(createWeunionHandler({ config: world.config, jobs: 'yes' } as never)).rejects.toThrow(/weunion\/node: options\.jobs must be true or false/);
    await expect(createWeunionHandler({ config: { ...world.config, storage: 'mysql://x' } })).rejects.toThrow(
      /options\.config: invalid weunion config:\n\s+- storage/,
    );
  });
});
