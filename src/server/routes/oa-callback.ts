/**
 * `GET|POST /v1/oa/:appid/callback` — the official account's server URL (docs/wechat-api.md §6).
 * GET: URL verification (echo `echostr` when `signature` matches). POST: a message or event push, plain or
 * encrypted (compatible/safe mode). A push is verified and opened (open-push.ts), recorded as one durable job
 * deduplicated by MsgId / FromUserName+CreateTime+Event (push-job.ts), and answered at once: `success`, or the
 * passive reply of a library hook, encrypted when the push was. The work (user/info → link) runs in the job.
 * A forged, malformed or replayed push is answered 4xx with a typed code, logged without secrets, and stores nothing.
 * https://developers.weixin.qq.com/doc/offiaccount/Basic_Information/Access_Overview.html
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppConfig, Config } from '../../config/schema.js';
import { AppError, isAppError } from '../../errors.js';
import type { MessageCrypt } from '../../wechat/index.js';
import { UniqueViolationError } from '../../store/port.js';
import { requireApp } from '../app-registry.js';
import type { AppDeps } from '../deps.js';
import { checkSignature, messageCryptFor, openPush, pushQuery } from '../../wechat/callback/open-push.js';
import { buildReplyXml } from '../../wechat/callback/passive-reply.js';
import { planPushJob } from '../oa/push-job.js';
import { markQrLoginScanned } from '../oa/qr-login-flow.js';
import { qrSceneOf } from '../oa/qr-scene.js';
import { parseOrThrow } from '../../parse-or-throw.js';

const params = z.object({ appid: z.string().regex(/^[A-Za-z0-9_-]{3,64}$/) });
const verifyQuery = pushQuery.extend({ echostr: z.string().min(1).max(512) });

type CallbackApp = AppConfig & { token: string };

function callbackApp(config: Config, appid: string): CallbackApp {
  const app = requireApp(config, appid, 'officialAccount');
  if (!app.token) throw new AppError('ERR_CALLBACK_NOT_CONFIGURED');
  return app as CallbackApp;
}

/** One line per refused request: the code and the appid, never the body, keys or token. */
function logRejected(request: FastifyRequest, appid: string, err: unknown): void {
  if (isAppError(err) && err.status < 500) {
    request.log.warn({ appid, code: err.code, details: err.details }, 'official-account callback refused');
  }
}

export function registerOaCallback(app: FastifyInstance, deps: AppDeps): void {
  const bodyLimit = deps.config.callback.bodyLimitBytes;
  const crypts = new Map<string, MessageCrypt>();
  const cryptOf = (wxApp: CallbackApp): MessageCrypt | undefined => {
    if (!wxApp.encodingAesKey) return undefined;
    let crypt = crypts.get(wxApp.appid);
    if (!crypt) crypts.set(wxApp.appid, (crypt = messageCryptFor(wxApp)));
    return crypt;
  };

  // Own scope: WeChat sends text/xml (and some proxies something else); any body is taken as text, up to the limit.
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit }, (_request, body, done) => done(null, body));

    scope.get('/v1/oa/:appid/callback', async (request, reply) => {
      const { appid } = parseOrThrow(params, request.params, 'path');
      try {
        const wxApp = callbackApp(deps.config, appid);
        const q = parseOrThrow(verifyQuery, request.query, 'query');
        checkSignature(wxApp.token, q);
        return reply.type('text/plain; charset=utf-8').header('x-content-type-options', 'nosniff').send(q.echostr);
      } catch (err) {
        logRejected(request, appid, err);
        throw err;
      }
    });

    scope.post('/v1/oa/:appid/callback', { bodyLimit }, async (request, reply) => {
      const { appid } = parseOrThrow(params, request.params, 'path');
      let opened: ReturnType<typeof openPush>;
      try {
        const wxApp = callbackApp(deps.config, appid);
        opened = openPush({
          app: wxApp,
          query: request.query,
          body: typeof request.body === 'string' ? request.body : '',
          nowMs: deps.clock.now(),
          windowSeconds: deps.config.callback.timestampWindowSeconds,
          crypt: (request.query as { encrypt_type?: string }).encrypt_type === 'aes' ? cryptOf(wxApp) : undefined,
        });
        if (!opened.encrypted) await bindPlainSignature(deps, request.query as { signature: string }, typeof request.body === 'string' ? request.body : '');
      } catch (err) {
        logRejected(request, appid, err);
        throw err;
      }
      return answerPush(deps, request, reply, opened, cryptOf);
    });
  });
}

/**
 * Plain mode signs only (token, timestamp, nonce), not the body: a signed URL seen once could carry any XML for the
 * whole timestamp window. So the first body seen with a signature is remembered (its SHA-256, for twice the window)
 * and the same signature with another body is refused. Keyed on the signature alone: digits can move between
 * timestamp and nonce without changing the sorted concatenation it signs.
 */
async function bindPlainSignature(deps: AppDeps, query: { signature: string }, body: string): Promise<void> {
  const now = deps.clock.now();
  const id = `cs_${createHash('sha256').update(query.signature).digest('base64url')}`;
  const bodyHash = createHash('sha256').update(body).digest('base64url');
  try {
    await deps.store.flows.putFlow(
      { id, kind: 'callback_signature', status: 'seen', data: { bodyHash }, expiresAt: now + deps.config.callback.timestampWindowSeconds * 2000 },
      now,
    );
  } catch (e) {
    if (!(e instanceof UniqueViolationError)) throw e;
    const seen = await deps.store.flows.findFlow(id);
    if (seen && seen.data.bodyHash !== bodyHash) throw new AppError('ERR_CALLBACK_REPLAYED');
  }
}

function answerSuccess(reply: FastifyReply): FastifyReply {
  return reply.type('text/plain; charset=utf-8').send('success');
}

async function answerPush(
  deps: AppDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  opened: ReturnType<typeof openPush>,
  cryptOf: (app: CallbackApp) => MessageCrypt | undefined,
): Promise<FastifyReply> {
  const { message } = opened;
  const now = deps.clock.now();

  // The browser waiting on a scan-to-follow login sees "scanned" at once; the job finishes it.
  const scene = qrSceneOf(message);
  if (scene) await markQrLoginScanned(deps, { appid: message.appid, scene, openid: message.fromUserName });

  const job = planPushJob(message);
  const { inserted } = await deps.store.jobs.enqueueJob({ kind: job.kind, payload: job.payload, dedupKey: job.dedupKey, runAt: now });
  if (inserted) deps.jobs.poke(); // run it now rather than at the next poll
  if (!inserted) {
    request.log.info({ appid: message.appid, dedupKey: job.dedupKey }, 'official-account push already accepted (WeChat retry)');
    return answerSuccess(reply);
  }

  const passive = await deps.hooks.dispatch(message, request.log);
  if (!passive) return answerSuccess(reply);
  const createTime = Math.floor(now / 1000);
  const xml = buildReplyXml(passive, { toUser: message.fromUserName, fromUser: message.toUserName, createTime });
  if (!opened.encrypted) return reply.type('text/xml; charset=utf-8').send(xml);
  const crypt = cryptOf(callbackApp(deps.config, message.appid))!;
  const nonce = String(deps.random(4).readUInt32BE(0));
  return reply.type('text/xml; charset=utf-8').send(crypt.encryptedReply(xml, { timestamp: createTime, nonce, key: opened.key ?? 'current' }));
}
