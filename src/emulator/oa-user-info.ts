/**
 * The `cgi-bin/user/info` object of one person for one official account
 * (https://developers.weixin.qq.com/doc/offiaccount/User_Management/Get_users_basic_information_UnionID.html).
 * A follower gets the full object with the profile fields emptied, as WeChat has sent them since 2021-12-27
 * (nickname "", headimgurl "", sex 0, city/province/country ""); the unionid appears only when the account is bound.
 * A non-follower gets the thin `{ subscribe: 0, openid, tagid_list: [] }` and never a unionid: WeChat stopped
 * disclosing it for people who do not follow the account in December 2017 (older fixtures, e.g. wechatpy's batchget
 * one, still show `unionid` there).
 */
import type { EmulatorApp } from './emulator-app.js';
import type { Person } from './persons.js';
import type { EmulatorState } from './state.js';

export function oaUserInfo(state: EmulatorState, app: EmulatorApp, person: Person): Record<string, unknown> {
  const openid = state.persons.openid(person.id, app.appid);
  const sub = person.subscriptions.get(app.appid);
  if (sub === undefined) return { subscribe: 0, openid, tagid_list: [] };
  const unionid = app.openAppid === null ? {} : { unionid: state.persons.unionid(person.id, app.openAppid) };
  return {
    subscribe: 1,
    openid,
    nickname: '',
    sex: 0,
    language: 'zh_CN',
    city: '',
    province: '',
    country: '',
    headimgurl: '',
    subscribe_time: Math.floor(sub.at / 1000),
    ...unionid,
    remark: '',
    groupid: 0,
    tagid_list: [],
    subscribe_scene: sub.scene,
    qr_scene: sub.qrScene,
    qr_scene_str: sub.qrSceneStr,
  };
}
