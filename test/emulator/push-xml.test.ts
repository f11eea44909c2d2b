import { describe, expect, it } from 'vitest';
import { cdata, envelope, eventXml, textXml, xmlField } from '../../src/emulator/push-xml.js';
import { V67 } from './vector-6-7.js';

describe('emulator push XML', () => {
  it('eventXml() builds the vector plaintext byte for byte', () => {
    const xml = eventXml({ toUser: V67.toUser, fromUser: V67.openid, createTime: 1714037059, event: 'subscribe', eventKey: 'qrscene_123', ticket: 'TICKET' });
    expect(xml).toBe(V67.plaintext);
  });

  it('textXml() puts Content in CDATA and MsgId bare, after CreateTime and MsgType', () => {
    expect(textXml({ toUser: 'gh_x', fromUser: 'o1', createTime: 5, content: 'hi', msgId: '12345678901234567' })).toBe(
      '<xml><ToUserName><![CDATA[gh_x]]></ToUserName><FromUserName><![CDATA[o1]]></FromUserName><CreateTime>5</CreateTime>' +
        '<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hi]]></Content><MsgId>12345678901234567</MsgId></xml>',
    );
  });

  it('cdata() splits "]]>" so user text cannot close the section', () => {
    expect(cdata('a]]>b')).toBe('<![CDATA[a]]]]><![CDATA[>b]]>');
    const xml = textXml({ toUser: 'g', fromUser: 'o', createTime: 1, content: ']]><Evil/>', msgId: '1' });
    const inner = /<Content>(.*)<\/Content>/.exec(xml)?.[1] ?? '';
    // An XML reader joins the sections back into the original text; nothing outside a section.
    const sections = [...inner.matchAll(/<!\[CDATA\[([\s\S]*?)\]\]>/g)];
    expect(sections.map((m) => m[0]).join('')).toBe(inner);
    expect(sections.map((m) => m[1]).join('')).toBe(']]><Evil/>');
  });

  it('envelope() keeps plain bodies, appends Encrypt in compatible mode, and sends only ToUserName + Encrypt in safe mode', () => {
    const xml = '<xml><ToUserName><![CDATA[gh]]></ToUserName><MsgType><![CDATA[event]]></MsgType></xml>';
    expect(envelope('plain', xml, 'gh', null)).toBe(xml);
    expect(envelope('compatible', xml, 'gh', 'ENC')).toBe(
      '<xml><ToUserName><![CDATA[gh]]></ToUserName><MsgType><![CDATA[event]]></MsgType><Encrypt><![CDATA[ENC]]></Encrypt></xml>',
    );
    expect(envelope('safe', xml, 'gh', 'ENC')).toBe('<xml><ToUserName><![CDATA[gh]]></ToUserName><Encrypt><![CDATA[ENC]]></Encrypt></xml>');
    expect(() => envelope('safe', xml, 'gh', null)).toThrow(TypeError);
  });

  it('xmlField() reads CDATA and bare fields', () => {
    expect(xmlField(V67.plaintext, 'EventKey')).toBe('qrscene_123');
    expect(xmlField(V67.plaintext, 'CreateTime')).toBe('1714037059');
    expect(xmlField(V67.plaintext, 'Nope')).toBeUndefined();
  });
});
