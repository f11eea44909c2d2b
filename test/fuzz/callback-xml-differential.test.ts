/**
 * The callback XML reader (src/wechat/callback/callback-xml.ts, hand-written for speed) against fast-xml-parser, the
 * library it replaced, as an oracle: on WeChat-shaped documents both read the same fields; on anything else the
 * reader accepts, fast-xml-parser's validator agrees it is well-formed; and the reader only ever fails with its two
 * typed codes. `npm run fuzz` runs 10,000 inputs per property, `npm test` 1,000.
 */
import fc from 'fast-check';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../src/errors.js';
import { parseCallbackXml, type XmlValue } from '../../src/wechat/callback/callback-xml.js';
import { fcOptions } from './fuzz-harness.js';

// The options weunion used with fast-xml-parser before the reader replaced it.
const oracle = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  processEntities: true,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  trimValues: true,
});

const refused = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);
const name = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.-]{0,11}$/).filter((n) => !refused.has(n));
/** Text as WeChat writes it outside CDATA: no markup characters but entities, no white space at the ends. */
const plainText = fc
  .array(
    fc.oneof(fc.constantFrom('&lt;', '&gt;', '&amp;', '&apos;', '&quot;'), fc.string({ unit: fc.constantFrom('a', '9', '中', ' ', '"', "'", '-', '😀') })),
    { maxLength: 4 },
  )
  .map((parts) => parts.join('').trim());
/**
 * CDATA content: anything XML allows but `]]>`. U+FFFE and U+FFFF are not XML characters: the reader refuses them
 * where fast-xml-parser lets them through, so they are left out here (seed -1789441982 found one; the refusal is
 * pinned in test/wechat/callback/callback-xml.test.ts).
 */
const cdataText = fc
  .oneof(fc.string({ unit: fc.constantFrom('<', '>', '&', ']', '!', '[', '\n', '\t', ' ', 'x', '你') }), fc.string({ unit: 'binary' }))
  .map((s) => s.replace(/[\x00-\x08\x0B\x0C\x0E-\x1F\r\uFFFE\uFFFF]/g, ''))
  .filter((s) => !s.includes(']]>'));

interface Node {
  name: string;
  body: string;
}
const leaf: fc.Arbitrary<Node> = fc.record({
  name,
  body: fc.oneof(
    plainText,
    cdataText.map((t) => `<![CDATA[${t}]]>`),
    fc.constant(''),
  ),
});
const tree = fc.letrec<{ node: Node }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.record({ name, kids: fc.array(tie('node'), { minLength: 1, maxLength: 4 }) }).map(({ name: n, kids }) => ({ name: n, body: kids.map(render).join('') })),
  ),
})).node;
const render = (n: Node) => (n.body === '' ? `<${n.name}/>` : `<${n.name}>${n.body}</${n.name}>`);
const document = fc
  .tuple(fc.array(tree, { minLength: 1, maxLength: 6 }), fc.boolean(), fc.constantFrom('', '\n', '\r\n  '))
  .map(([fields, decl, ws]) => `${decl ? '<?xml version="1.0" encoding="UTF-8"?>' : ''}${ws}<xml>${ws}${fields.map(render).join(ws)}${ws}</xml>${ws}`);

function read(text: string): { ok: true; value: unknown } | { ok: false; code: string } {
  try {
    return { ok: true, value: parseCallbackXml(text) };
  } catch (e) {
    if (!isAppError(e)) throw e;
    return { ok: false, code: e.code };
  }
}

/** fast-xml-parser's reading, as plain data (its empty elements are '' like the reader's). */
function oracleFields(text: string): XmlValue {
  return (oracle.parse(text) as { xml: XmlValue }).xml;
}

/** A document with up to three characters inserted, deleted or replaced by markup-ish ones. */
const mutated = fc
  .tuple(
    document,
    fc.array(
      fc.tuple(
        fc.nat(),
        fc.constantFrom('insert', 'delete', 'replace'),
        fc.constantFrom('<', '>', '/', '&', ';', '!', '?', '[', ']', '"', '=', ' ', 'x', '#', '\u0001'),
      ),
      { minLength: 1, maxLength: 3 },
    ),
  )
  .map(([doc, edits]) => {
    let s = doc;
    for (const [at, op, ch] of edits) {
      const i = at % (s.length + 1);
      s = op === 'insert' ? s.slice(0, i) + ch + s.slice(i) : op === 'delete' ? s.slice(0, i) + s.slice(i + 1) : s.slice(0, i) + ch + s.slice(i + 1);
    }
    return s;
  });

describe('parseCallbackXml() against fast-xml-parser', () => {
  it('reads every WeChat-shaped document as fast-xml-parser does', () => {
    fc.assert(
      fc.property(document, (text) => {
        expect(XMLValidator.validate(text)).toBe(true);
        const ours = read(text);
        expect(ours).toEqual({ ok: true, value: oracleFields(text) });
      }),
      fcOptions(1000),
    );
  });

  it('accepts nothing fast-xml-parser finds malformed, and fails only with its typed codes', () => {
    fc.assert(
      fc.property(
        fc.oneof(mutated, fc.string(), fc.string({ unit: fc.constantFrom('<', '>', '/', 'x', 'm', 'l', '!', '[', 'CDATA', ']', '&', ';') })),
        (text) => {
          const ours = read(text);
          if (ours.ok) expect(XMLValidator.validate(text), text).toBe(true);
          else expect(['ERR_CALLBACK_XML', 'ERR_CALLBACK_XML_DOCTYPE']).toContain(ours.code);
        },
      ),
      fcOptions(1000),
    );
  });
});
