import { describe, expect, it } from 'vitest';
import { parseCallbackXml } from '../../../src/wechat/callback/callback-xml.js';
import { buildReplyXml, checkPassiveReply } from '../../../src/wechat/callback/passive-reply.js';

describe('buildReplyXml()', () => {
  it('addresses the reply back to the sender and survives "]]>" in content', () => {
    const xml = buildReplyXml({ type: 'text', content: 'a]]>b' }, { toUser: 'o-1', fromUser: 'gh_1', createTime: 1714037059.9 });
    expect(xml).toBe(
      '<xml><ToUserName><![CDATA[o-1]]></ToUserName><FromUserName><![CDATA[gh_1]]></FromUserName><CreateTime>1714037059</CreateTime>' +
        '<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[a]]]]><![CDATA[>b]]></Content></xml>',
    );
    expect(parseCallbackXml(xml).Content).toBe('a]]>b');
  });

  it('builds news with its article count', () => {
    const xml = buildReplyXml({ type: 'news', articles: [{ title: 'T', url: 'https://x' }] }, { toUser: 'o', fromUser: 'g', createTime: 1 });
    const fields = parseCallbackXml(xml);
    expect(fields.ArticleCount).toBe('1');
    expect(fields.Articles).toEqual({ item: { Title: 'T', Url: 'https://x' } });
  });

  it('checkPassiveReply() refuses malformed replies', () => {
    expect(() => checkPassiveReply({ type: 'news', articles: [] })).toThrow(TypeError);
    expect(() => checkPassiveReply({ type: 'image', mediaId: '' })).toThrow(TypeError);
    expect(() => checkPassiveReply('hello')).toThrow(TypeError);
    expect(checkPassiveReply({ type: 'voice', mediaId: 'm' })).toEqual({ type: 'voice', mediaId: 'm' });
  });
});
