import { describe, expect, it } from 'vitest';
import { newQrLoginScene, qrSceneOf } from '../../../src/flows/qr-login/qr-scene.js';
import { parseCallbackXml } from '../../../src/wechat/callback/callback-xml.js';
import { toOaMessage } from '../../../src/wechat/callback/oa-message.js';

const APPID = 'wxtest0000000oa01';
const SCENE = 'wl_AAAAAAAAAAAAAAAA';
function push(type: string, rest: string) {
  return toOaMessage(
    APPID,
    parseCallbackXml(
      `<xml><ToUserName>gh_acme</ToUserName><FromUserName>o-person</FromUserName><CreateTime>1714037059</CreateTime><MsgType>${type}</MsgType>${rest}</xml>`,
    ),
  );
}

describe('qrSceneOf() / newQrLoginScene()', () => {
  it('recognises only login scenes in subscribe/SCAN events', () => {
    expect(qrSceneOf(push('event', `<Event>SCAN</Event><EventKey>qrscene_${SCENE}</EventKey>`))).toBeUndefined();
    expect(qrSceneOf(push('event', `<Event>subscribe</Event><EventKey>${SCENE}</EventKey>`))).toBeUndefined();
    expect(qrSceneOf(push('event', `<Event>CLICK</Event><EventKey>${SCENE}</EventKey>`))).toBeUndefined();
    expect(qrSceneOf(push('event', '<Event>SCAN</Event><EventKey>wl_short</EventKey>'))).toBeUndefined();
  });

  it('makes scenes that qrSceneOf recognises and that fit scene_str (≤ 64 characters)', () => {
    let n = 0;
    const scene = newQrLoginScene((size) => Buffer.alloc(size, ++n));
    expect(scene).toMatch(/^wl_[A-Za-z0-9_-]{16}$/);
    expect(qrSceneOf(push('event', `<Event>SCAN</Event><EventKey>${scene}</EventKey>`))).toBe(scene);
  });
});
