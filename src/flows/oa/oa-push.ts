/**
 * An official-account push, from WeChat's request to the answer it waits for (docs/wechat-api.md §6): verified and
 * opened (`wechat/callback/open-push.ts`: signature, timestamp window, and with `originalId` set the ToUserName), a
 * plain-mode signature bound to its body (and a URL verification's signature to no push at all), recorded as one
 * durable job deduplicated by MsgId / sender+time+event+fields (push-job.ts), and answered at once — `success`,
 * or the passive reply of a library hook, encrypted when the push was. The work (user/info → link) runs in the job.
 * A forged, malformed or replayed push throws a typed AppError and stores nothing.
 * https://developers.weixin.qq.com/doc/offiaccount/Basic_Information/Access_Overview.html
 */
import { z } from 'zod';
import type { Clock } from '../../clock.js';
import type { AppConfig } from '../../config/schema.js';
import { AppError, isAppError } from '../../errors.js';
import { parseOrThrow } from '../../parse-or-throw.js';
import type { FlowStore, JobStore } from '../../store/port.js';
import type { CallbackAccount } from '../../wechat/callback/callback-account.js';
import { checkSignature, checkTimestamp, messageCryptFor, type OpenedPush, openPush, pushQuery } from '../../wechat/callback/open-push.js';
import { buildReplyXml } from '../../wechat/callback/passive-reply.js';
import type { MessageCrypt } from '../../wechat/crypto/msg-crypt.js';
import type { JobWake, RandomBytes } from '../ports.js';
import type { QrLogin } from '../qr-login/qr-login.js';
import { qrSceneOf } from '../qr-login/qr-scene.js';
import type { CallbackHealth } from './callback-health.js';
import type { CallbackHooks, HookLogger } from './callback-hooks.js';
import { planPushJob } from './push-job.js';
import { createSignatureBinding } from './signature-binding.js';

const verifyQuery = pushQuery.extend({ echostr: z.string().min(1).max(512) });

export interface OaPushDeps {
  flows: Pick<FlowStore, 'putFlow' | 'findFlow'>;
  jobs: Pick<JobStore, 'enqueueJob'>;
  wake: JobWake;
  hooks: Pick<CallbackHooks, 'dispatch'>;
  qrLogin: Pick<QrLogin, 'markScanned'>;
  clock: Clock;
  random: RandomBytes;
  /** `callback.timestampWindowSeconds`: pushes further from now are refused as replays. */
  windowSeconds: number;
  /** Where each callback's outcome is remembered for `weunion doctor`. */
  health: CallbackHealth;
}

/** What to answer WeChat. */
export interface PushAnswer {
  contentType: 'text/plain; charset=utf-8' | 'text/xml; charset=utf-8';
  body: string;
}

/** The log lines a push writes (the callback route passes its request logger). */
export interface PushLogger extends HookLogger {
  info(obj: Record<string, unknown>, msg: string): void;
}

export interface OaPush {
  /**
   * GET URL verification: the `echostr` to echo when `signature` matches within the timestamp window. The signature
   * is remembered, so no POST can present it later.
   */
  verify(app: AppConfig, query: unknown): Promise<string>;
  /** Verifies and opens a POSTed push; throws a typed AppError for a forged, malformed or replayed one. */
  open(app: AppConfig, query: unknown, body: string): Promise<OpenedPush>;
  /** Records the opened push as its job (once) and builds the answer. */
  answer(opened: OpenedPush, log: PushLogger): Promise<PushAnswer>;
}

/** The account's callback settings; ERR_CALLBACK_NOT_CONFIGURED when it has no Token. */
function callbackAccount(app: AppConfig): CallbackAccount {
  if (!app.token) throw new AppError('ERR_CALLBACK_NOT_CONFIGURED');
  return app as CallbackAccount;
}

const SUCCESS: PushAnswer = { contentType: 'text/plain; charset=utf-8', body: 'success' };

export function createOaPush(deps: OaPushDeps): OaPush {
  const crypts = new Map<string, MessageCrypt>();
  const cryptOf = (account: CallbackAccount): MessageCrypt | undefined => {
    if (!account.encodingAesKey) return undefined;
    let crypt = crypts.get(account.appid);
    if (!crypt) crypts.set(account.appid, (crypt = messageCryptFor(account)));
    return crypt;
  };
  const accounts = new Map<string, CallbackAccount>();

  const signatures = createSignatureBinding(deps);

  /** Runs `fn`, then tells the health record how it went (a refusal's code; other failures are not WeChat's doing). */
  const observed = async <T>(appid: string, query: unknown, fn: () => Promise<T>): Promise<T> => {
    const timestamp = (query as { timestamp?: unknown } | null)?.timestamp;
    try {
      const result = await fn();
      await deps.health.seen(appid, null, timestamp);
      return result;
    } catch (e) {
      if (isAppError(e) && e.status < 500) await deps.health.seen(appid, e.code, timestamp);
      throw e;
    }
  };

  const verify = async (app: AppConfig, query: unknown): Promise<string> => {
    const account = callbackAccount(app);
    const q = parseOrThrow(verifyQuery, query, 'query');
    checkSignature(account.token, q);
    checkTimestamp(q.timestamp, deps.clock.now(), deps.windowSeconds);
    await signatures.toVerification(q.signature);
    return q.echostr;
  };

  const open = async (app: AppConfig, query: unknown, body: string): Promise<OpenedPush> => {
    const account = callbackAccount(app);
    accounts.set(account.appid, account);
    const encrypted = (query as { encrypt_type?: string } | null)?.encrypt_type === 'aes';
    const opened = openPush({
      app: account,
      query,
      body,
      nowMs: deps.clock.now(),
      windowSeconds: deps.windowSeconds,
      crypt: encrypted ? cryptOf(account) : undefined,
    });
    if (!opened.encrypted) await signatures.toBody((query as { signature: string }).signature, body);
    return opened;
  };

  return Object.freeze({
    verify: (app: AppConfig, query: unknown) => observed(app.appid, query, () => verify(app, query)),
    open: (app: AppConfig, query: unknown, body: string) => observed(app.appid, query, () => open(app, query, body)),

    async answer(opened: OpenedPush, log: PushLogger): Promise<PushAnswer> {
      const { message } = opened;
      const now = deps.clock.now();
      // The browser waiting on a scan-to-follow login sees "scanned" at once; the job finishes it.
      const scene = qrSceneOf(message);
      if (scene) await deps.qrLogin.markScanned({ appid: message.appid, scene, openid: message.fromUserName });

      const job = planPushJob(message);
      const { inserted } = await deps.jobs.enqueueJob({ kind: job.kind, payload: job.payload, dedupKey: job.dedupKey, runAt: now });
      if (!inserted) {
        log.info({ appid: message.appid, dedupKey: job.dedupKey }, 'official-account push already accepted (WeChat retry)');
        return SUCCESS;
      }
      deps.wake.poke(); // run it now rather than at the next poll

      const passive = await deps.hooks.dispatch(message, log);
      if (!passive) return SUCCESS;
      const createTime = Math.floor(now / 1000);
      const xml = buildReplyXml(passive, { toUser: message.fromUserName, fromUser: message.toUserName, createTime });
      if (!opened.encrypted) return { contentType: 'text/xml; charset=utf-8', body: xml };
      const account = accounts.get(message.appid);
      const crypt = account && cryptOf(account);
      if (!crypt) throw new AppError('ERR_CALLBACK_NOT_CONFIGURED'); // an encrypted push opened only with a key
      const nonce = String(deps.random(4).readUInt32BE(0));
      return { contentType: 'text/xml; charset=utf-8', body: crypt.encryptedReply(xml, { timestamp: createTime, nonce, key: opened.key ?? 'current' }) };
    },
  });
}
