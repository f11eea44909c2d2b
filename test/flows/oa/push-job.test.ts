import { describe, expect, it } from 'vitest';
import { parseCallbackXml } from '../../../src/wechat/callback/callback-xml.js';
import { toOaMessage } from '../../../src/wechat/callback/oa-message.js';
import { planPushJob, pushDedupKey } from '../../../src/flows/oa/push-job.js';

const APPID = 'wxtest0000000oa01';
const SCENE = 'wl_AAAAAAAAAAAAAAAA';
function push(type: string, rest: string, createTime = 1714037059, from = 'o-person') {
  return toOaMessage(
    APPID,
    parseCallbackXml(
      `<xml><ToUserName>gh_acme</ToUserName><FromUserName>${from}</FromUserName><CreateTime>${createTime}</CreateTime><MsgType>${type}</MsgType>${rest}</xml>`,
    ),
  );
}

describe('pushDedupKey()', () => {
  it('keys messages by MsgId and events by FromUserName + CreateTime + Event + a digest of the fields', () => {
    expect(pushDedupKey(push('text', '<Content>a</Content><MsgId>987654321987654321</MsgId>'))).toBe(`oa:${APPID}:msg:987654321987654321`);
    expect(pushDedupKey(push('event', '<Event>subscribe</Event>'))).toMatch(new RegExp(`^oa:${APPID}:evt:o-person:1714037059:subscribe:[\\w-]{22}$`));
    expect(pushDedupKey(push('event', '<Event>unsubscribe</Event>'))).toMatch(new RegExp(`^oa:${APPID}:evt:o-person:1714037059:unsubscribe:[\\w-]{22}$`));
    expect(pushDedupKey(push('event', '<Event>subscribe</Event>'))).toBe(pushDedupKey(push('event', '<Event>subscribe</Event>')));
  });

  it('tells apart events that differ in person, time or kind', () => {
    const keys = new Set([
      pushDedupKey(push('event', '<Event>subscribe</Event>')),
      pushDedupKey(push('event', '<Event>subscribe</Event>', 1714037060)),
      pushDedupKey(push('event', '<Event>subscribe</Event>', 1714037059, 'o-other')),
      pushDedupKey(push('event', '<Event>unsubscribe</Event>')),
    ]);
    expect(keys.size).toBe(4);
  });

  it('keys a message without MsgId like an event, by its MsgType', () => {
    expect(pushDedupKey(push('text', '<Content>a</Content>'))).toMatch(new RegExp(`^oa:${APPID}:evt:o-person:1714037059:text:[\\w-]{22}$`));
  });
});

describe('planPushJob()', () => {
  it('looks up the sender of messages, subscribes, scans and menu events', () => {
    expect(planPushJob(push('text', '<Content>a</Content><MsgId>1</MsgId>'))).toMatchObject({
      kind: 'oa.lookup',
      payload: { appid: APPID, openid: 'o-person', reason: 'message', createTime: 1714037059 },
    });
    expect(planPushJob(push('event', '<Event>subscribe</Event>'))).toMatchObject({ kind: 'oa.lookup', payload: { reason: 'subscribe' } });
    expect(planPushJob(push('event', '<Event>SCAN</Event><EventKey>123</EventKey>'))).toMatchObject({ kind: 'oa.lookup', payload: { reason: 'scan' } });
    expect(planPushJob(push('event', '<Event>CLICK</Event><EventKey>M</EventKey>'))).toMatchObject({ kind: 'oa.lookup', payload: { reason: 'event' } });
  });

  it('records an unsubscribe, and only records events weunion does not act on', () => {
    expect(planPushJob(push('event', '<Event>unsubscribe</Event>'))).toMatchObject({
      kind: 'oa.unsubscribe',
      payload: { appid: APPID, openid: 'o-person', createTime: 1714037059 },
    });
    expect(planPushJob(push('event', '<Event>MASSSENDJOBFINISH</Event>'))).toMatchObject({
      kind: 'oa.event',
      payload: { appid: APPID, event: 'MASSSENDJOBFINISH' },
    });
  });

  it('carries the login scene of a scan-to-follow QR code (subscribe with qrscene_ prefix, or SCAN)', () => {
    expect(planPushJob(push('event', `<Event>subscribe</Event><EventKey>qrscene_${SCENE}</EventKey><Ticket>T</Ticket>`)).payload.qrScene).toBe(SCENE);
    expect(planPushJob(push('event', `<Event>SCAN</Event><EventKey>${SCENE}</EventKey><Ticket>T</Ticket>`)).payload.qrScene).toBe(SCENE);
    expect(planPushJob(push('event', '<Event>subscribe</Event><EventKey>qrscene_123</EventKey>')).payload).not.toHaveProperty('qrScene');
  });
});
