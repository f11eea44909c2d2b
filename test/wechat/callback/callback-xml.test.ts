import { describe, expect, it } from 'vitest';
import { parseCallbackXml, xmlText } from '../../../src/wechat/callback/callback-xml.js';
import { codeOf } from '../../helpers/expect-error.js';

describe('parseCallbackXml()', () => {
  it('returns the root fields as strings, CDATA unwrapped and 64-bit MsgIds intact', () => {
    const fields = parseCallbackXml(
      '<?xml version="1.0"?><xml><ToUserName><![CDATA[gh_1]]></ToUserName><CreateTime>1714037059</CreateTime>' +
        '<MsgId>23456789012345678901</MsgId><Content><![CDATA[a & b <x>]]></Content><Empty></Empty></xml>',
    );
    expect(fields).toEqual({ ToUserName: 'gh_1', CreateTime: '1714037059', MsgId: '23456789012345678901', Content: 'a & b <x>', Empty: '' });
  });

  it('decodes the predefined entities and character references, and refuses any other reference or bare &', () => {
    const fields = parseCallbackXml('<xml><A>x &lt; y &amp;&amp; &#20320;&#x597D;&#x1F600;&#x0000041;&#00066;</A></xml>');
    expect(xmlText(fields, 'A')).toBe('x < y && 你好😀AB');
    for (const text of [
      '<xml><A>&foo;</A></xml>',
      '<xml><A>a & b</A></xml>',
      '<xml><A>&#0;</A></xml>',
      '<xml><A>&#xD800;</A></xml>',
      '<xml><A>&#x110000;</A></xml>',
    ]) {
      expect(
        codeOf(() => parseCallbackXml(text)),
        text,
      ).toBe('ERR_CALLBACK_XML');
    }
  });

  it('keeps CDATA verbatim, trims the text around it, and normalises line ends as XML does', () => {
    expect(parseCallbackXml('<xml>\r\n <A> <![CDATA[ x ]]>\n</A>\r\n</xml>')).toEqual({ A: ' x ' });
    expect(parseCallbackXml('<xml><A>a\r\nb\rc</A><B><![CDATA[a\r\nb]]></B></xml>')).toEqual({ A: 'a\nb\nc', B: 'a\nb' });
    expect(parseCallbackXml('\ufeff<?xml version="1.0"?>\n<xml ><A/><B >1</B ></xml >\n')).toEqual({ A: '', B: '1' });
  });

  it('reads flat pushes (the common shape) exactly as it reads the same fields in any other layout', () => {
    const flat = '<xml>\n<ToUserName><![CDATA[gh_1]]></ToUserName>\n\t<CreateTime>1714037059</CreateTime> <Content><![CDATA[a]]]]></Content><E></E></xml>\n';
    const general =
      '<?xml version="1.0"?><xml><ToUserName> <![CDATA[gh_1]]> </ToUserName><CreateTime >1714037059</CreateTime><Content><![CDATA[a]]]]></Content><E/></xml>';
    expect(parseCallbackXml(flat)).toEqual({ ToUserName: 'gh_1', CreateTime: '1714037059', Content: 'a]]', E: '' });
    expect(parseCallbackXml(general)).toEqual(parseCallbackXml(flat));
    // A CDATA section never runs on into the next one; text next to CDATA is kept; `]]>` outside CDATA is refused.
    expect(parseCallbackXml('<xml><A><![CDATA[x]]>y<![CDATA[z]]></A></xml>')).toEqual({ A: 'xyz' });
    expect(parseCallbackXml('<xml><A><![CDATA[x]]></A><B><![CDATA[]]></B></xml>')).toEqual({ A: 'x', B: '' });
    expect(codeOf(() => parseCallbackXml('<xml><A>x]]>y</A></xml>'))).toBe('ERR_CALLBACK_XML');
    // Repeated names become arrays; refused names, mismatched tags and an empty root are errors, flat or not.
    expect(parseCallbackXml('<xml><A>1</A><A>2</A></xml>')).toEqual({ A: ['1', '2'] });
    for (const text of ['<xml><constructor>1</constructor></xml>', '<xml><A>1</B></xml>', '<xml></xml>', '<xml><A>1</A></xml><x/>', '<xml><A>1</A>']) {
      expect(
        codeOf(() => parseCallbackXml(text)),
        text,
      ).toBe('ERR_CALLBACK_XML');
    }
    // Characters XML does not allow, in CDATA too (U+FFFE: a fuzz counterexample fast-xml-parser accepts).
    for (const c of ['\u0001', '\uFFFE', '\uFFFF']) {
      expect(codeOf(() => parseCallbackXml(`<xml><A><![CDATA[${c}]]></A></xml>`))).toBe('ERR_CALLBACK_XML');
      expect(codeOf(() => parseCallbackXml(`<xml><A><a><![CDATA[${c}]]></a></A><A/></xml>`))).toBe('ERR_CALLBACK_XML');
    }
  });

  it('reads nested and repeated elements (SendPicsInfo)', () => {
    const fields = parseCallbackXml(
      '<xml><SendPicsInfo><Count>2</Count><PicList><item><PicMd5Sum><![CDATA[a]]></PicMd5Sum></item>' +
        '<item><PicMd5Sum><![CDATA[b]]></PicMd5Sum></item></PicList></SendPicsInfo></xml>',
    );
    expect(fields).toEqual({ SendPicsInfo: { Count: '2', PicList: { item: [{ PicMd5Sum: 'a' }, { PicMd5Sum: 'b' }] } } });
  });

  it('refuses what WeChat never sends: attributes, mixed content, control characters, ]]> in text', () => {
    for (const text of [
      '<xml><A x="1">v</A></xml>',
      '<xml><A>v</A>t</xml>',
      '<xml><A><B>1</B><![CDATA[t]]></A></xml>',
      '<xml><A>\u0001</A></xml>',
      '<xml><A><![CDATA[\u0000]]></A></xml>',
      '<xml><A>]]></A></xml>',
      '<xml><1A>1</1A></xml>',
      '<xml><A>1</A ></xml',
      '<xml><A>1</A></xml><xml/>',
    ]) {
      expect(
        codeOf(() => parseCallbackXml(text)),
        text,
      ).toBe('ERR_CALLBACK_XML');
    }
  });

  it('accepts DOCTYPE-looking text inside CDATA (a person may send it as a message)', () => {
    const fields = parseCallbackXml('<xml><Content><![CDATA[<!DOCTYPE html><!ENTITY x "y">]]></Content></xml>');
    expect(xmlText(fields, 'Content')).toBe('<!DOCTYPE html><!ENTITY x "y">');
  });

  it('refuses an entity bomb with ERR_CALLBACK_XML_DOCTYPE', () => {
    const bomb =
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">' +
      '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><xml><Content>&lol3;</Content></xml>';
    expect(codeOf(() => parseCallbackXml(bomb))).toBe('ERR_CALLBACK_XML_DOCTYPE');
  });

  it('refuses a DOCTYPE anywhere outside CDATA, in any case, and an external entity', () => {
    expect(codeOf(() => parseCallbackXml('<xml><A>1</A></xml><!doctype x>'))).toBe('ERR_CALLBACK_XML_DOCTYPE');
    expect(codeOf(() => parseCallbackXml('<xml><A>1</A><!DOCTYPE x [<!ENTITY a "b">]></xml>'))).toBe('ERR_CALLBACK_XML_DOCTYPE');
    expect(codeOf(() => parseCallbackXml('<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><A>&xxe;</A></xml>'))).toBe('ERR_CALLBACK_XML_DOCTYPE');
  });

  it('refuses a DOCTYPE hidden behind CDATA-looking text in a comment, and comments and PIs generally', () => {
    const hidden = '<!-- <![CDATA[ --><!DOCTYPE x [<!ENTITY a "pwned">]><!-- ]]> --><xml><Content>&a;</Content></xml>';
    for (const text of [hidden, '<xml><!-- c --><A>1</A></xml>', '<xml><?pi x?><A>1</A></xml>', '<xml><A><![CDATA[x</A></xml>']) {
      expect(() => parseCallbackXml(text), text).toThrow(expect.objectContaining({ code: 'ERR_CALLBACK_XML_DOCTYPE' }));
    }
    expect(parseCallbackXml('<?xml version="1.0" encoding="UTF-8"?><xml><A><![CDATA[<!-- fine ]]></A></xml>')).toEqual({ A: '<!-- fine ' });
  });

  it('refuses malformed XML, other roots and empty bodies with ERR_CALLBACK_XML', () => {
    for (const text of ['', 'success', '<xml><A>1</B></xml>', '<xml><A>1</A></xml>junk', '<root><A>1</A></root>', '<xml></xml>', '<xml>text</xml>']) {
      expect(
        codeOf(() => parseCallbackXml(text)),
        text,
      ).toBe('ERR_CALLBACK_XML');
    }
  });

  it('refuses prototype-polluting or -shadowing element names with ERR_CALLBACK_XML', () => {
    expect(codeOf(() => parseCallbackXml('<xml><__proto__><A>1</A></__proto__></xml>'))).toBe('ERR_CALLBACK_XML');
    for (const n of ['constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty']) {
      expect(
        codeOf(() => parseCallbackXml(`<xml><${n}>1</${n}></xml>`)),
        n,
      ).toBe('ERR_CALLBACK_XML');
    }
  });

  it('refuses nesting deeper than a WeChat message ever has', () => {
    const deep = `<xml>${'<a>'.repeat(40)}x${'</a>'.repeat(40)}</xml>`;
    expect(codeOf(() => parseCallbackXml(deep))).toBe('ERR_CALLBACK_XML');
  });
});

describe('xmlText()', () => {
  it('returns only single text elements', () => {
    const fields = parseCallbackXml('<xml><A>1</A><B>1</B><B>2</B><C><D>x</D></C></xml>');
    expect(xmlText(fields, 'A')).toBe('1');
    expect(xmlText(fields, 'B')).toBeUndefined();
    expect(xmlText(fields, 'C')).toBeUndefined();
    expect(xmlText(fields, 'toString')).toBeUndefined();
  });
});
