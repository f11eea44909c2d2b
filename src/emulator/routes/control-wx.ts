/**
 * Control API standing in for the mini program's client side: `wx.login` mints a code (and creates or rotates
 * the session_key), `wx.getUserInfo` returns sealed user data as the wx API would, `wx.getPhoneNumber` mints a
 * phone code (single use, 5 min — what `<button open-type="getPhoneNumber">` hands the page).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import { CONTROL_PREFIX, type EmulatorContext } from '../context.js';
import { parseBody, requireApp, requirePerson } from '../control-request.js';
import { DEFAULT_AVATAR, DEFAULT_NICKNAME } from '../profile-defaults.js';
import { sealUserInfo, type UserProfile } from '../user-data-sealer.js';

const callSchema = z.strictObject({ appid: z.string().min(1), person: z.string().min(1) });

export function registerControlWx(app: FastifyInstance, ctx: EmulatorContext): void {
  const { state, options, clock, ids } = ctx;

  app.post(`${CONTROL_PREFIX}/wx.login`, async (request) => {
    const call = parseBody(callSchema, request.body);
    const person = requirePerson(state, call.person);
    const target = requireApp(state, call.appid, ['miniprogram']);
    state.sessionKeys.onLogin(person.id, target.appid, options.rotateSessionKeyOnLogin);
    return { code: state.codes.mint(target.appid, person.id) };
  });

  app.post(`${CONTROL_PREFIX}/wx.getPhoneNumber`, async (request) => {
    const call = parseBody(callSchema, request.body);
    const person = requirePerson(state, call.person);
    const target = requireApp(state, call.appid, ['miniprogram']);
    return { code: state.phoneCodes.mint(target.appid, { personId: person.id }, options.phoneCodeTtlSeconds) };
  });

  app.post(`${CONTROL_PREFIX}/wx.getUserInfo`, async (request, reply) => {
    const call = parseBody(callSchema, request.body);
    const person = requirePerson(state, call.person);
    const target = requireApp(state, call.appid, ['miniprogram']);
    // What the wx API itself reports when the user refuses (not an AppError: this is the client-side shape).
    if (person.declinesUserInfo) return reply.code(403).send({ errMsg: 'getUserInfo:fail auth deny' });
    const sessionKey = state.sessionKeys.current(person.id, target.appid);
    if (sessionKey === undefined) {
      throw new AppError('ERR_EMULATOR_BAD_REQUEST', { message: `${person.id} has no session with ${target.appid}: call wx.login first.` });
    }
    const profile: UserProfile = {
      nickName: person.name ?? DEFAULT_NICKNAME,
      gender: 0,
      language: 'zh_CN',
      city: '',
      province: '',
      country: '',
      avatarUrl: DEFAULT_AVATAR,
    };
    // The classic decrypt road: unionId whenever the app is bound, whatever the code2Session rule.
    const unionId = target.openAppid === null ? undefined : state.persons.unionid(person.id, target.openAppid);
    return sealUserInfo({
      profile,
      openId: state.persons.openid(person.id, target.appid),
      unionId,
      appid: target.appid,
      timestamp: Math.floor(clock.now() / 1000),
      sessionKey,
      iv: ids.bytes(16),
    });
  });
}
