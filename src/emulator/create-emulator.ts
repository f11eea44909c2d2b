/**
 * The local WeChat: a Fastify app serving the WeChat endpoints weunion calls plus a control API under
 * `/__emulator`, on a virtual clock. Build it without listening to `inject()` or mount it; `listen()` for real HTTP.
 */
import type { AddressInfo } from 'node:net';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { AppError } from '../errors.js';
import { type AppSettingsPatch, type AppSettingsView, configureAppSettings } from './app-settings.js';
import { installBodyParser } from './body-parser.js';
import { CallbackVerifier, type Verification } from './callback-verifier.js';
import { isControlPath, pathOf, type EmulatorContext } from './context.js';
import { installControlGuard } from './control-guard.js';
import { DEFAULT_EMULATOR_HOST, type EmulatorAddress, emulatorAddress } from './emulator-address.js';
import { installErrorHandling } from './error-handler.js';
import { type HttpsListener, type HttpsListenOptions, listenHttps } from './https-listener.js';
import { applyFault, FaultRegistry } from './faults.js';
import { IdMinter } from './ids.js';
import { resolveEmulatorOptions, type AdvanceableClock, type EmulatorOptions } from './options.js';
import type { PushRecord } from './push-record.js';
import { PushSimulator } from './push-simulator.js';
import { registerChecksession } from './routes/checksession.js';
import { registerControlAdmin } from './routes/control-admin.js';
import { registerControlApps } from './routes/control-apps.js';
import { registerControlClock } from './routes/control-clock.js';
import { registerControlFaults } from './routes/control-faults.js';
import { registerControlOAuth } from './routes/control-oauth.js';
import { registerControlOpenBinding } from './routes/control-open-binding.js';
import { registerControlPay } from './routes/control-pay.js';
import { registerControlPersonActions } from './routes/control-person-actions.js';
import { registerControlPersons } from './routes/control-persons.js';
import { registerControlPushes } from './routes/control-pushes.js';
import { registerControlUi } from './routes/control-ui.js';
import { registerControlWx } from './routes/control-wx.js';
import { registerJscode2session } from './routes/jscode2session.js';
import { registerOAuthPages } from './routes/oauth-pages.js';
import { registerOpenGet } from './routes/open-get.js';
import { registerPaidUnionid } from './routes/paid-unionid.js';
import { registerPhoneNumber } from './routes/phone-number.js';
import { registerQrcodeCreate } from './routes/qrcode-create.js';
import { registerResetUserSessionKey } from './routes/resetusersessionkey.js';
import { registerShowQrcode } from './routes/showqrcode.js';
import { registerSnsOAuthToken } from './routes/sns-oauth-token.js';
import { registerSnsUserinfo } from './routes/sns-userinfo.js';
import { registerStableToken } from './routes/stable-token.js';
import { registerToken } from './routes/token.js';
import { registerUserGet } from './routes/user-get.js';
import { registerUserInfo } from './routes/user-info.js';
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
  /**
   * Listen and return the base URL, e.g. `http://127.0.0.1:54321`. The host defaults to `127.0.0.1` (loopback only:
   * anyone who reaches the control API can mint sessions); port 0 = any free port.
   */
  listen(options?: { port?: number; host?: string }): Promise<string>;
  /** What `listen()` bound (host asked, address, port, url, whether loopback), or undefined before it. */
  address(): EmulatorAddress | undefined;
  /**
   * Also (or only) serve HTTPS — same routes and state — with this key and certificate, e.g. `ensureLocalCa()`'s
   * (local-ca.ts); returns the base URL, e.g. `https://127.0.0.1:54322`. Host defaults to `127.0.0.1`, port 0 = any.
   * @example
   *   const ca = ensureLocalCa('.weunion/emulator-ca');
   *   const httpsUrl = await emu.listenHttps({ key: ca.key, cert: ca.cert }); // clients trust ca.caCertPath
   */
  listenHttps(options: HttpsListenOptions): Promise<string>;
  /** What `listenHttps()` bound, or undefined before it. */
  httpsAddress(): EmulatorAddress | undefined;
  /**
   * Changes an app's settings (what `PATCH /__emulator/apps/:appid` does): an official account's push settings, e.g.
   * the callback URL once the server listens, and the OAuth domain a `redirect_uri` must be on (oauth-domain.ts).
   * Unknown appid or invalid settings → TypeError.
   * @example
   *   emu.configureApp('wxoa…', { callbackUrl: `${serverUrl}/v1/oa/wxoa…/callback`, messageMode: 'safe' });
   *   emu.configureApp('wxoa…', { oauthDomain: new URL(serverUrl).host }); // e.g. 127.0.0.1:3000
   */
  configureApp(appid: string, patch: AppSettingsPatch): AppSettingsView;
  /** The push records, oldest first (copies). */
  pushes(): PushRecord[];
  /** The outcome of the last echostr check of `appid`'s callback URL (sent whenever one is set), if any. */
  verification(appid: string): Verification | undefined;
  /** Resolves once push `id` — or, without an id, every push and echostr check in flight — is done. */
  settlePushes(id?: string): Promise<void>;
  /** Cancels pushes in flight (no timer is left behind), then stops the server. */
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
  const pushes = new PushSimulator({
    clock: options.pushClock,
    ids,
    timeoutMs: options.pushTimeoutMs,
    retryDelayMs: options.pushRetryDelayMs,
    attempts: options.pushAttempts,
    logger: options.logger,
  });
  const ctx: EmulatorContext = {
    options,
    clock,
    ids,
    state: new EmulatorState(options, ids, clock),
    faults: new FaultRegistry(ids),
    stats: new CallStats(),
    wx: createWeChatReplier(ids, clock),
    pushes,
    verifier: new CallbackVerifier({ clock: options.pushClock, ids, timeoutMs: options.pushTimeoutMs }),
  };

  // Request logging is ours (path only): Fastify's default would log query strings full of secrets and tokens.
  const app = (options.logger === false
    ? Fastify({ logger: false })
    : Fastify({ loggerInstance: options.logger, logController: new LogController({ disableRequestLogging: true }) })) as unknown as FastifyInstance;

  installBodyParser(app);
  installErrorHandling(app, ctx.wx);
  let bound: EmulatorAddress | undefined;
  let tls: HttpsListener | undefined;
  // Before anything else sees a control request: what a web page could forge is refused (control-guard.ts).
  installControlGuard(app, () => bound?.host ?? tls?.address.host);

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
  registerUserInfo(app, ctx);
  registerUserGet(app, ctx);
  registerQrcodeCreate(app, ctx);
  registerShowQrcode(app, ctx);
  registerSnsOAuthToken(app, ctx);
  registerSnsUserinfo(app, ctx);
  registerOAuthPages(app, ctx);
  registerPhoneNumber(app, ctx);
  registerPaidUnionid(app, ctx);
  registerOpenGet(app, ctx);
  registerControlPersons(app, ctx);
  registerControlPersonActions(app, ctx);
  registerControlWx(app, ctx);
  registerControlOAuth(app, ctx);
  registerControlPay(app, ctx);
  registerControlPushes(app, ctx);
  registerControlApps(app, ctx);
  registerControlOpenBinding(app, ctx);
  registerControlClock(app, ctx);
  registerControlFaults(app, ctx);
  registerControlAdmin(app, ctx);
  registerControlUi(app);

  const state = ctx.state.view();
  return Object.freeze({
    app,
    state,
    clock,
    async listen(o: { port?: number; host?: string } = {}): Promise<string> {
      const host = o.host ?? DEFAULT_EMULATOR_HOST;
      const url = await app.listen({ port: o.port ?? 0, host });
      bound = emulatorAddress(app.server.address() as AddressInfo, host, url);
      return url;
    },
    address: () => bound,
    async listenHttps(o: HttpsListenOptions): Promise<string> {
      if (tls !== undefined) throw new TypeError('listenHttps(): the emulator already listens on HTTPS');
      tls = await listenHttps(app, { ...o, host: o.host ?? DEFAULT_EMULATOR_HOST });
      return tls.address.url;
    },
    httpsAddress: () => tls?.address,
    configureApp(appid: string, patch: AppSettingsPatch): AppSettingsView {
      try {
        const view = configureAppSettings(ctx.state, appid, patch);
        // Like saving the URL in the console: WeChat checks it with an echostr GET (callback-verifier.ts).
        const settings = ctx.state.callbacks.get(appid);
        if (typeof patch.callbackUrl === 'string' && settings !== undefined) void ctx.verifier.verify(appid, settings);
        return view;
      } catch (e) {
        // In-process misuse is a programmer error; the control API answers the same checks with 400/404.
        if (e instanceof AppError) throw new TypeError(`configureApp(${appid}): ${e.message}`, { cause: e });
        throw e;
      }
    },
    pushes: () => pushes.list(),
    async settlePushes(id?: string): Promise<void> {
      if (id === undefined) await ctx.verifier.settled();
      await pushes.settled(id);
    },
    verification: (appid: string) => ctx.verifier.latest(appid),
    async close(): Promise<void> {
      await ctx.verifier.settled();
      await pushes.close();
      await tls?.close();
      await app.close();
    },
  });
}
