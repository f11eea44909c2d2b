/**
 * The local WeChat: a Fastify app serving the WeChat endpoints weunion calls plus a control API under
 * `/__emulator`, on a virtual clock. Build it without listening to `inject()` or mount it; `listen()` for real HTTP.
 */
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { installBodyParser } from './body-parser.js';
import { isControlPath, pathOf, type EmulatorContext } from './context.js';
import { installErrorHandling } from './error-handler.js';
import { applyFault, FaultRegistry } from './faults.js';
import { IdMinter } from './ids.js';
import { resolveEmulatorOptions, type AdvanceableClock, type EmulatorOptions } from './options.js';
import { registerChecksession } from './routes/checksession.js';
import { registerControlAdmin } from './routes/control-admin.js';
import { registerControlClock } from './routes/control-clock.js';
import { registerControlFaults } from './routes/control-faults.js';
import { registerControlPersons } from './routes/control-persons.js';
import { registerControlWx } from './routes/control-wx.js';
import { registerJscode2session } from './routes/jscode2session.js';
import { registerResetUserSessionKey } from './routes/resetusersessionkey.js';
import { registerStableToken } from './routes/stable-token.js';
import { registerToken } from './routes/token.js';
import { EmulatorState, type EmulatorStateView } from './state.js';
import { CallStats } from './stats.js';
import { createWeChatReplier } from './wechat-reply.js';

export interface Emulator {
  /** The Fastify app (ready to `inject()`; routes are registered). */
  readonly app: FastifyInstance;
  /** Read-only view of persons, session keys and counts, for tests. */
  readonly state: EmulatorStateView;
  /** The virtual clock (advance it here or via `POST /__emulator/clock`). */
  readonly clock: AdvanceableClock;
  /** Listen (default 127.0.0.1, port 0 = any free port) and return the base URL, e.g. `http://127.0.0.1:54321`. */
  listen(options?: { port?: number; host?: string }): Promise<string>;
  close(): Promise<void>;
}

/**
 * Builds an emulator.
 * @example
 *   const emu = createEmulator({ apps: [{ appid: 'wxmini', secret: 's', kind: 'miniprogram', openAppid: 'open1' }] });
 *   const baseUrl = await emu.listen();
 *   // POST {baseUrl}/__emulator/persons → { id }; POST /__emulator/wx.login { appid, person } → { code };
 *   // GET /sns/jscode2session?appid=wxmini&secret=s&js_code=…&grant_type=authorization_code
 *   await emu.close();
 */
export function createEmulator(input: EmulatorOptions): Emulator {
  const options = resolveEmulatorOptions(input);
  const { clock } = options;
  const ids = new IdMinter(options.random);
  const ctx: EmulatorContext = {
    options,
    clock,
    ids,
    state: new EmulatorState(options, ids, clock),
    faults: new FaultRegistry(ids),
    stats: new CallStats(),
    wx: createWeChatReplier(ids, clock),
  };

  // Request logging is ours (path only): Fastify's default would log query strings full of secrets and tokens.
  const app = (
    options.logger === false
      ? Fastify({ logger: false })
      : Fastify({ loggerInstance: options.logger, logController: new LogController({ disableRequestLogging: true }) })
  ) as unknown as FastifyInstance;

  installBodyParser(app);
  installErrorHandling(app, ctx.wx);

  app.addHook('onRequest', async (request, reply) => {
    const path = pathOf(request.url);
    if (isControlPath(path)) return;
    ctx.stats.count(path);
    const fault = ctx.faults.take(path);
    if (fault === undefined) return;
    request.log.info({ path, fault: fault.id }, 'emulator fault applied');
    if (await applyFault(fault, reply, ctx.wx)) return reply;
  });
  app.addHook('onResponse', async (request, reply) => {
    request.log.info({ method: request.method, path: pathOf(request.url), status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'emulator call');
  });

  registerJscode2session(app, ctx);
  registerToken(app, ctx);
  registerStableToken(app, ctx);
  registerChecksession(app, ctx);
  registerResetUserSessionKey(app, ctx);
  registerControlPersons(app, ctx);
  registerControlWx(app, ctx);
  registerControlClock(app, ctx);
  registerControlFaults(app, ctx);
  registerControlAdmin(app, ctx);

  const state = ctx.state.view();
  return Object.freeze({
    app,
    state,
    clock,
    async listen(o: { port?: number; host?: string } = {}): Promise<string> {
      return app.listen({ port: o.port ?? 0, host: o.host ?? '127.0.0.1' });
    },
    async close(): Promise<void> {
      await app.close();
    },
  });
}
