/**
 * `GET|POST /v1/oa/:appid/callback` — the official account's server URL (docs/wechat-api.md §6); the work is
 * flows/oa/oa-push.ts.
 * GET: URL verification (echo `echostr` when `signature` matches within the timestamp window). POST: a message or
 * event push, plain or encrypted (compatible/safe mode). A push is verified and opened (open-push.ts), recorded as one durable job
 * deduplicated by MsgId / sender+time+event+fields (push-job.ts), and answered at once: `success`, or the
 * passive reply of a library hook, encrypted when the push was. The work (user/info → link) runs in the job.
 * A forged, malformed or replayed push is answered 4xx with a typed code, logged without secrets, and stores nothing.
 * https://developers.weixin.qq.com/doc/offiaccount/Basic_Information/Access_Overview.html
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from '../../compose/deps.js';
import { requireApp } from '../../config/require-app.js';
import { isAppError } from '../../errors.js';
import { parseOrThrow } from '../../parse-or-throw.js';
import type { OpenedPush } from '../../wechat/callback/open-push.js';
import { described } from '../http/route-contract.js';

const params = z.object({ appid: z.string().regex(/^[A-Za-z0-9_-]{3,64}$/) });

/** One line per refused request: the code and the appid, never the body, keys or token. */
function logRejected(request: FastifyRequest, appid: string, err: unknown): void {
  if (isAppError(err) && err.status < 500) {
    request.log.warn({ appid, code: err.code, details: err.details }, 'official-account callback refused');
  }
}

export function registerOaCallback(app: FastifyInstance, deps: Pick<AppDeps, 'config' | 'flows'>): void {
  const bodyLimit = deps.config.callback.bodyLimitBytes;
  const push = deps.flows.oaPush;

  // Own scope: WeChat sends text/xml (and some proxies something else); any body is taken as text, up to the limit.
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit }, (_request, body, done) => done(null, body));

    scope.get(
      '/v1/oa/:appid/callback',
      described({ summary: 'WeChat\u2019s URL verification (echostr) for the official account', params, answers: 'text/plain: the echostr' }),
      async (request, reply) => {
        const { appid } = parseOrThrow(params, request.params, 'path');
        try {
          const echostr = await push.verify(requireApp(deps.config, appid, 'officialAccount'), request.query);
          return reply.type('text/plain; charset=utf-8').header('x-content-type-options', 'nosniff').send(echostr);
        } catch (err) {
          logRejected(request, appid, err);
          throw err;
        }
      },
    );

    scope.post(
      '/v1/oa/:appid/callback',
      {
        bodyLimit,
        ...described({
          summary: 'WeChat\u2019s pushes (messages and events) to the official account',
          params,
          answers: 'text/xml or text/plain: the passive reply or success',
        }),
      },
      async (request, reply) => {
        const { appid } = parseOrThrow(params, request.params, 'path');
        let opened: OpenedPush;
        try {
          opened = await push.open(requireApp(deps.config, appid, 'officialAccount'), request.query, typeof request.body === 'string' ? request.body : '');
        } catch (err) {
          logRejected(request, appid, err);
          throw err;
        }
        const answer = await push.answer(opened, request.log);
        return reply.type(answer.contentType).send(answer.body);
      },
    );
  });
}
