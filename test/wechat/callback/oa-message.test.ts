import { describe, expect, it } from 'vitest';
import { parseCallbackXml } from '../../../src/wechat/callback/callback-xml.js';
import { isOaEvent, toOaMessage } from '../../../src/wechat/callback/oa-message.js';
import { codeOf } from '../../helpers/expect-error.js';

const APPID = 'wxtest0000000oa01';
const head = (type: string) =>
  `<ToUserName><![CDATA[gh_acme]]></ToUserName><FromUserName><![CDATA[o-person]]></FromUserName><CreateTime>1714037059</CreateTime><MsgType><![CDATA[${type}]]></MsgType>`;
const msg = (type: string, rest: string) => toOaMessage(APPID, parseCallbackXml(`<xml>${head(type)}${rest}</xml>`));

describe('toOaMessage()', () => {
  it('builds a text message with its MsgId kept as a string', () => {
    const m = msg('text', '<Content><![CDATA[hi]]></Content><MsgId>23456789012345678901</MsgId>');
    expect(m).toMatchObject({
      appid: APPID,
      toUserName: 'gh_acme',
      fromUserName: 'o-person',
      createTime: 1714037059,
      msgType: 'text',
      content: 'hi',
      msgId: '23456789012345678901',
    });
    expect(isOaEvent(m)).toBe(false);
  });

  it('builds subscribe events with and without a QR scene', () => {
    expect(msg('event', '<Event><![CDATA[subscribe]]></Event><EventKey><![CDATA[]]></EventKey>')).toMatchObject({ event: 'subscribe' });
    expect(msg('event', '<Event><![CDATA[subscribe]]></Event>')).not.toHaveProperty('eventKey');
    const scanned = msg('event', '<Event><![CDATA[subscribe]]></Event><EventKey><![CDATA[qrscene_123]]></EventKey><Ticket><![CDATA[T]]></Ticket>');
    expect(scanned).toMatchObject({ msgType: 'event', event: 'subscribe', eventKey: 'qrscene_123', ticket: 'T' });
    expect(isOaEvent(scanned)).toBe(true);
  });

  it('builds SCAN, LOCATION, CLICK and unknown events', () => {
    expect(msg('event', '<Event><![CDATA[SCAN]]></Event><EventKey><![CDATA[123]]></EventKey><Ticket><![CDATA[T]]></Ticket>')).toMatchObject({
      event: 'SCAN',
      eventKey: '123',
      ticket: 'T',
    });
    expect(msg('event', '<Event><![CDATA[LOCATION]]></Event><Latitude>23.1</Latitude><Longitude>113.3</Longitude><Precision>119.4</Precision>')).toMatchObject({
      event: 'LOCATION',
      latitude: 23.1,
      longitude: 113.3,
      precision: 119.4,
    });
    expect(msg('event', '<Event><![CDATA[CLICK]]></Event><EventKey><![CDATA[MENU_1]]></EventKey>')).toMatchObject({ event: 'CLICK', eventKey: 'MENU_1' });
    const other = msg('event', '<Event><![CDATA[TEMPLATESENDJOBFINISH]]></Event><Status><![CDATA[success]]></Status>');
    expect(other).toMatchObject({ event: 'TEMPLATESENDJOBFINISH' });
    expect(other.fields.Status).toBe('success');
  });

  it('builds the other message types', () => {
    expect(msg('image', '<PicUrl><![CDATA[http://p]]></PicUrl><MediaId><![CDATA[m]]></MediaId><MsgId>1</MsgId>')).toMatchObject({
      msgType: 'image',
      picUrl: 'http://p',
      mediaId: 'm',
    });
    expect(
      msg('location', '<Location_X>23.1</Location_X><Location_Y>113.3</Location_Y><Scale>20</Scale><Label><![CDATA[here]]></Label><MsgId>2</MsgId>'),
    ).toMatchObject({
      msgType: 'location',
      latitude: 23.1,
      longitude: 113.3,
      scale: 20,
      label: 'here',
    });
    expect(msg('miniprogrampage', '<MsgId>3</MsgId>')).toMatchObject({ msgType: 'miniprogrampage', msgId: '3' });
  });

  it('refuses a push without the common fields or with a malformed CreateTime (ERR_CALLBACK_XML)', () => {
    const bad = [
      '<xml><FromUserName>o</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType></xml>',
      '<xml><ToUserName>g</ToUserName><FromUserName>o</FromUserName><CreateTime>soon</CreateTime><MsgType>text</MsgType></xml>',
      '<xml><ToUserName>g</ToUserName><FromUserName>o</FromUserName><CreateTime>1</CreateTime></xml>',
      '<xml><ToUserName>g</ToUserName><FromUserName>o</FromUserName><CreateTime>1</CreateTime><MsgType>event</MsgType></xml>',
      '<xml><ToUserName>g</ToUserName><FromUserName><A>o</A></FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType></xml>',
    ];
    for (const xml of bad) {
      expect(
        codeOf(() => toOaMessage(APPID, parseCallbackXml(xml))),
        xml,
      ).toBe('ERR_CALLBACK_XML');
    }
  });
});
