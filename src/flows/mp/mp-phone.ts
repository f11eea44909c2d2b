/**
 * The phone number behind a `<button open-type="getPhoneNumber">` phone code (single use, 5 minutes; not the
 * wx.login code), stored on the session's live user and returned.
 * https://developers.weixin.qq.com/miniprogram/dev/server/API/user-info/phone-number/api_getphonenumber
 */
import type { Clock } from '../../clock.js';
import type { IdentityService } from '../../identity/index.js';
import type { IdentityStore, ProfileStore } from '../../store/port.js';
import type { MiniProgramGateway } from '../ports.js';
import { type MpSession, sessionIdentity } from './mp-session.js';

export interface PhoneAnswer {
  userId: string;
  phoneNumber: string;
  purePhoneNumber: string;
  countryCode: string;
}

export interface MpPhoneDeps {
  wechat: Pick<MiniProgramGateway, 'getPhoneNumber'>;
  identity: Pick<IdentityService, 'liveUserId'>;
  identities: Pick<IdentityStore, 'findAppIdentity'>;
  profile: Pick<ProfileStore, 'setUserPhone'>;
  clock: Clock;
}

export function createMpPhone(deps: MpPhoneDeps): { bind(session: MpSession, phoneCode: string): Promise<PhoneAnswer> } {
  return Object.freeze({
    async bind(session: MpSession, phoneCode: string) {
      const identity = await sessionIdentity(deps.identities, session);
      const userId = (await deps.identity.liveUserId(identity.userId)) ?? identity.userId;
      // The openid lets WeChat check that the phone code was minted for this very person.
      const phone = await deps.wechat.getPhoneNumber(session.app, phoneCode, session.claims.openid);
      // setUserPhone follows merges made meanwhile and answers the live user it stored the phone on.
      const liveUserId = await deps.profile.setUserPhone(userId, phone, deps.clock.now(), { appid: session.app.appid, unionKey: session.app.union });
      return { userId: liveUserId, phoneNumber: phone.phoneNumber, purePhoneNumber: phone.purePhoneNumber, countryCode: phone.countryCode };
    },
  });
}
