/**
 * Control API for an app's Open Platform binding, changed at run time as an operator does in the Open Platform
 * console (开放平台 → 管理中心 → 绑定公众号/小程序; for a third-party platform the API is `cgi-bin/open/bind` /
 * `open/unbind`, https://developers.weixin.qq.com/doc/oplatform/openApi/openplatform-management/api_bindopenaccount.html):
 * - `POST /__emulator/apps/:appid/bind { openAppid }` → `{ appid, kind, openAppid }`. An app bound to another
 *   account → 400 `reason: already_bound` (WeChat's 89000: unbind first); binding to the same account again is a no-op.
 * - `POST /__emulator/apps/:appid/unbind` → `{ appid, kind, openAppid: null }`; an unbound app → 400 `reason: not_bound`.
 * From then on unionids, `open/get`, code2Session, `sns/*` and `user/info` answer per the new binding; a person's
 * unionid under an account is the same whenever the app is (re)bound to it.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import { CONTROL_PREFIX, type EmulatorContext } from '../context.js';
import { parseBody, requireApp } from '../control-request.js';

type AppParams = { Params: { appid: string } };

const bindSchema = z.strictObject({ openAppid: z.string().regex(/^wx[A-Za-z0-9]{1,30}$/, 'an Open Platform appid, wx…') });

export function registerControlOpenBinding(app: FastifyInstance, ctx: EmulatorContext): void {
  const { state } = ctx;
  const summary = (a: { appid: string; kind: string; openAppid: string | null }) => ({ appid: a.appid, kind: a.kind, openAppid: a.openAppid });

  app.post<AppParams>(`${CONTROL_PREFIX}/apps/:appid/bind`, async (request) => {
    const target = requireApp(state, request.params.appid);
    const { openAppid } = parseBody(bindSchema, request.body);
    if (target.openAppid !== null && target.openAppid !== openAppid) {
      throw new AppError('ERR_EMULATOR_BAD_REQUEST', {
        message: `${target.appid} is bound to ${target.openAppid}; unbind it first.`,
        details: { reason: 'already_bound' },
      });
    }
    return summary(state.bindOpen(target.appid, openAppid) ?? target);
  });

  app.post<AppParams>(`${CONTROL_PREFIX}/apps/:appid/unbind`, async (request) => {
    const target = requireApp(state, request.params.appid);
    if (target.openAppid === null) {
      throw new AppError('ERR_EMULATOR_BAD_REQUEST', { message: `${target.appid} is not bound.`, details: { reason: 'not_bound' } });
    }
    return summary(state.bindOpen(target.appid, null) ?? target);
  });
}
