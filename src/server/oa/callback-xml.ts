/**
 * Safe parsing of the XML WeChat pushes to an official account's callback: `<xml><Field>…</Field>…</xml>`.
 * https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Receiving_standard_messages.html
 *
 * A strict reader of the subset of XML 1.0 WeChat uses — elements without attributes, text with the five predefined
 * entities and character references, CDATA — and nothing else: a DOCTYPE, comment or processing instruction is
 * refused before parsing (no entity can be declared, so no expansion bomb and no external entity), and so is any
 * document that is not well-formed. Written by hand rather than with fast-xml-parser (validator + parser) because
 * those two passes, twice per safe-mode push, were ~14% of the server's busy CPU in a BENCH_PROFILE run of
 * bench/callback.ts; this reader and its pre-scan are ~5% (bench/profile-summary.ts, BENCHMARKS.md).
 * test/fuzz/callback-xml-differential.test.ts checks it against fast-xml-parser.
 */
import { AppError } from '../../errors.js';
import { hasForbiddenMarkup, isDeclarationAt } from './forbidden-markup.js';

/** A parsed element: text, or (rarely, e.g. `SendPicsInfo`) nested elements; repeated elements become arrays. */
export type XmlValue = string | XmlValue[] | { [name: string]: XmlValue };

/** The children of the `<xml>` root. */
export type XmlFields = Readonly<Record<string, XmlValue>>;

/** Parses one callback document into the root's fields; throws AppError ERR_CALLBACK_XML(_DOCTYPE). */
export type XmlFieldsParser = (text: string) => XmlFields;

/** WeChat's deepest documents (e.g. SendPicsInfo/PicList/item/PicMd5Sum) have 4 levels below the root. */
const MAX_DEPTH = 16;
/** Element names: ASCII XML names (WeChat's are all ASCII); a sticky pattern read at a position. */
const NAME = /[A-Za-z_:][A-Za-z0-9_.:-]*/y;
/**
 * Names that would reach or shadow an object's prototype machinery (`__proto__`, `constructor`, `toString`,
 * `hasOwnProperty`…): WeChat uses none, and as own fields they would break `String(fields)` and the like.
 */
const REFUSED_NAMES = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);
/** Characters XML 1.0 does not allow in a document (C0 controls but tab, LF and CR; U+FFFE, U+FFFF). */
const NOT_XML_CHAR = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/;
const ENTITY = /&(?:(lt|gt|amp|apos|quot)|#0*([0-9]{1,7})|#x0*([0-9A-Fa-f]{1,6}));/y;
const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' };

function malformed(reason: string): AppError {
  return new AppError('ERR_CALLBACK_XML', { message: `The callback body is not well-formed WeChat XML: ${reason}.` });
}

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;

function skipSpace(text: string, i: number): number {
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}

/** XML's line-end handling: CR LF and lone CR become LF. */
const normalizeLines = (s: string) => (s.includes('\r') ? s.replace(/\r\n?/g, '\n') : s);

function checkChars(s: string): void {
  if (NOT_XML_CHAR.test(s)) throw malformed('a character XML does not allow');
}

/** A character reference's code point, when XML allows it as a character. */
function isXmlCodePoint(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

/** Text between markup, trimmed of XML white space (before decoding, so `&#32;` survives) and decoded. */
function charData(raw: string): string {
  checkChars(raw);
  if (raw.includes(']]>')) throw malformed("']]>' outside CDATA");
  let start = 0;
  let end = raw.length;
  while (start < end && isSpace(raw.charCodeAt(start))) start++;
  while (end > start && isSpace(raw.charCodeAt(end - 1))) end--;
  const text = normalizeLines(start === 0 && end === raw.length ? raw : raw.slice(start, end));
  if (!text.includes('&')) return text;
  let out = '';
  let from = 0;
  for (let amp = text.indexOf('&'); amp >= 0; amp = text.indexOf('&', from)) {
    ENTITY.lastIndex = amp;
    const m = ENTITY.exec(text);
    if (!m) throw malformed("a '&' that is not one of the predefined entities or a character reference");
    let decoded: string;
    if (m[1]) decoded = PREDEFINED[m[1]]!;
    else {
      const cp = m[2] ? Number(m[2]) : parseInt(m[3]!, 16);
      if (!isXmlCodePoint(cp)) throw malformed('a character reference to a character XML does not allow');
      decoded = String.fromCodePoint(cp);
    }
    out += text.slice(from, amp) + decoded;
    from = ENTITY.lastIndex;
  }
  return out + text.slice(from);
}

function readName(text: string, at: number): string {
  NAME.lastIndex = at;
  const m = NAME.exec(text);
  if (!m) throw malformed('a tag without a valid element name');
  return m[0];
}

interface Parsed {
  name: string;
  value: XmlValue;
  end: number;
}

/** Reads the element whose `<` is at `lt`. */
function element(text: string, lt: number, depth: number): Parsed {
  if (depth > MAX_DEPTH) throw malformed(`nesting deeper than ${MAX_DEPTH} levels`);
  const name = readName(text, lt + 1);
  if (REFUSED_NAMES.has(name)) throw malformed(`the element name ${name}`);
  let i = skipSpace(text, lt + 1 + name.length);
  if (text.startsWith('/>', i)) return { name, value: '', end: i + 2 };
  if (text.charCodeAt(i) !== 0x3e) throw malformed(`attributes or junk in the <${name}> tag`);
  i++;
  let fields: Record<string, XmlValue> | undefined;
  let value = '';
  let hasText = false;
  for (;;) {
    const next = text.indexOf('<', i);
    if (next < 0) throw malformed(`<${name}> is never closed`);
    if (next > i) {
      const t = charData(text.slice(i, next));
      if (t !== '') (value += t), (hasText = true);
    }
    if (text.startsWith('<![CDATA[', next)) {
      const end = text.indexOf(']]>', next + 9);
      if (end < 0) throw malformed('an unterminated CDATA section');
      const cdata = text.slice(next + 9, end);
      checkChars(cdata);
      value += normalizeLines(cdata);
      hasText = true;
      i = end + 3;
      continue;
    }
    if (text.charCodeAt(next + 1) === 0x2f) {
      const closing = readName(text, next + 2);
      if (closing !== name) throw malformed(`<${name}> closed by </${closing}>`);
      const gt = skipSpace(text, next + 2 + closing.length);
      if (text.charCodeAt(gt) !== 0x3e) throw malformed(`junk in the </${name}> tag`);
      if (fields && hasText) throw malformed(`<${name}> mixes text and elements`);
      return { name, value: fields ?? value, end: gt + 1 };
    }
    if (text.charCodeAt(next + 1) === 0x21 || text.charCodeAt(next + 1) === 0x3f) throw new AppError('ERR_CALLBACK_XML_DOCTYPE');
    const child = element(text, next, depth + 1);
    fields ??= {};
    const seen = Object.hasOwn(fields, child.name) ? fields[child.name] : undefined;
    // Only repetition makes arrays (a child's value is text or an object), so `seen` is ours to extend.
    if (seen === undefined) fields[child.name] = child.value;
    else if (Array.isArray(seen)) seen.push(child.value);
    else fields[child.name] = [seen, child.value];
    i = child.end;
  }
}

/**
 * The default `XmlFieldsParser`.
 * @example
 *   parseCallbackXml('<xml><MsgType><![CDATA[text]]></MsgType></xml>'); // → { MsgType: 'text' }
 */
export const parseCallbackXml: XmlFieldsParser = (text) => {
  if (hasForbiddenMarkup(text)) throw new AppError('ERR_CALLBACK_XML_DOCTYPE');
  let i = skipSpace(text, text.charCodeAt(0) === 0xfeff ? 1 : 0);
  if (isDeclarationAt(text, i)) i = skipSpace(text, text.indexOf('?>', i) + 2); // its end exists: hasForbiddenMarkup checked
  if (text.charCodeAt(i) !== 0x3c) throw malformed('no root element');
  const root = element(text, i, 1);
  if (skipSpace(text, root.end) !== text.length) throw malformed('content after the root element');
  if (root.name !== 'xml' || typeof root.value !== 'object' || Array.isArray(root.value)) {
    throw malformed('the root must be a single <xml> element with child elements');
  }
  return root.value;
};

/** The text of a top-level field, or undefined when absent or not a single text element. */
export function xmlText(fields: XmlFields, name: string): string | undefined {
  const v = Object.hasOwn(fields, name) ? fields[name] : undefined;
  return typeof v === 'string' ? v : undefined;
}
