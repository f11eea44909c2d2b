/**
 * Safe parsing of the XML WeChat pushes to an official account's callback: `<xml><Field>…</Field>…</xml>`.
 * https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Receiving_standard_messages.html
 *
 * A strict reader of the subset of XML 1.0 WeChat uses — elements without attributes, text with the five predefined
 * entities and character references, CDATA — and nothing else: a DOCTYPE, comment or processing instruction stops
 * the reader where it stands (no entity can be declared, so no expansion bomb and no external entity), and so does
 * anything not well-formed. Written by hand rather than with fast-xml-parser (validator + parser) because those two
 * passes, twice per safe-mode push, were ~14% of the server's busy CPU in a BENCH_PROFILE run of bench/callback.ts
 * (bench/profile-summary.ts, BENCHMARKS.md).
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
/**
 * Names that would reach or shadow an object's prototype machinery (`__proto__`, `constructor`, `toString`,
 * `hasOwnProperty`…): WeChat uses none, and as own fields they would break `String(fields)` and the like.
 */
const REFUSED_NAMES = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);
/**
 * Characters XML 1.0 does not allow in a document (C0 controls but tab, LF and CR; U+FFFE, U+FFFF). Tested once on
 * the whole text: no part of a well-formed document may hold one, and character references are checked apart.
 */
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
const normalizeLines = (s: string) => s.replace(/\r\n?/g, '\n');

/** A character reference's code point, when XML allows it as a character. */
function isXmlCodePoint(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

/** Text between markup, trimmed of XML white space (before decoding, so `&#32;` survives) and decoded. */
function charData(raw: string, cr: boolean): string {
  if (raw.includes(']]>')) throw malformed("']]>' outside CDATA");
  let start = 0;
  let end = raw.length;
  while (start < end && isSpace(raw.charCodeAt(start))) start++;
  while (end > start && isSpace(raw.charCodeAt(end - 1))) end--;
  const trimmed = start === 0 && end === raw.length ? raw : raw.slice(start, end);
  const text = cr ? normalizeLines(trimmed) : trimmed;
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

/** Element names are ASCII XML names (WeChat's all are): `[A-Za-z_:][A-Za-z0-9_.:-]*`. */
const isNameStart = (c: number) => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x3a;
const isNameChar = (c: number) => isNameStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e;

/** The end of the element name starting at `at`. */
function nameEnd(text: string, at: number): number {
  if (!isNameStart(text.charCodeAt(at))) throw malformed('a tag without a valid element name');
  let i = at + 1;
  while (isNameChar(text.charCodeAt(i))) i++;
  return i;
}

/** The document being read, and what the last `element` call read (so no result object is made per element). */
interface Reader {
  readonly text: string;
  /** Whether the text holds a CR at all: only then are line ends normalised. */
  readonly cr: boolean;
  /** The name of the element just read, and the index after its end tag. */
  name: string;
  end: number;
}

/** Reads the element whose `<` is at `lt`; returns its value and leaves its name and end in `r`. */
function element(r: Reader, lt: number, depth: number): XmlValue {
  if (depth > MAX_DEPTH) throw malformed(`nesting deeper than ${MAX_DEPTH} levels`);
  const { text } = r;
  const afterName = nameEnd(text, lt + 1);
  const name = text.slice(lt + 1, afterName);
  if (REFUSED_NAMES.has(name)) throw malformed(`the element name ${name}`);
  let i = skipSpace(text, afterName);
  if (text.charCodeAt(i) === 0x2f && text.charCodeAt(i + 1) === 0x3e) {
    r.name = name;
    r.end = i + 2;
    return '';
  }
  if (text.charCodeAt(i) !== 0x3e) throw malformed(`attributes or junk in the <${name}> tag`);
  i++;
  let fields: Record<string, XmlValue> | undefined;
  let value = '';
  let hasText = false;
  for (;;) {
    const next = text.indexOf('<', i);
    if (next < 0) throw malformed(`<${name}> is never closed`);
    if (next > i) {
      // Mostly the white space between elements: skipped without making a string of it.
      const from = skipSpace(text, i);
      if (from < next) {
        const t = charData(text.slice(i, next), r.cr);
        if (t !== '') (value += t), (hasText = true);
      }
    }
    const c = text.charCodeAt(next + 1);
    if (c === 0x21 && text.startsWith('<![CDATA[', next)) {
      const end = text.indexOf(']]>', next + 9);
      if (end < 0) throw malformed('an unterminated CDATA section');
      const cdata = text.slice(next + 9, end);
      value += r.cr ? normalizeLines(cdata) : cdata;
      hasText = true;
      i = end + 3;
      continue;
    }
    if (c === 0x2f) {
      const closingEnd = nameEnd(text, next + 2);
      if (closingEnd - next - 2 !== name.length || !text.startsWith(name, next + 2)) {
        throw malformed(`<${name}> closed by </${text.slice(next + 2, closingEnd)}>`);
      }
      const gt = skipSpace(text, closingEnd);
      if (text.charCodeAt(gt) !== 0x3e) throw malformed(`junk in the </${name}> tag`);
      if (fields && hasText) throw malformed(`<${name}> mixes text and elements`);
      r.name = name;
      r.end = gt + 1;
      return fields ?? value;
    }
    if (c === 0x21 || c === 0x3f) throw new AppError('ERR_CALLBACK_XML_DOCTYPE');
    const child = element(r, next, depth + 1);
    const childName = r.name;
    fields ??= {};
    const seen = Object.hasOwn(fields, childName) ? fields[childName] : undefined;
    // Only repetition makes arrays (a child's value is text or an object), so `seen` is ours to extend.
    if (seen === undefined) fields[childName] = child;
    else if (Array.isArray(seen)) seen.push(child);
    else fields[childName] = [seen, child];
    i = r.end;
  }
}

/**
 * The shape of nearly every push: `<xml>` holding only leaf elements, each one CDATA section or plain text (no
 * entity, no white space, no `]`), with spaces, tabs or LFs between them. One sticky pattern per element; the CDATA
 * content may not hold `]]>` (so the pattern cannot run on into a second section). Anything else — nesting,
 * entities, empty tags, a repeated or refused name, a declaration, a CR anywhere — goes to the general reader, which
 * reads the same fields from every document this path accepts (test/wechat/callback/callback-xml.test.ts, and the
 * differential fuzz test against fast-xml-parser).
 */
const FLAT_ROOT_START = /[ \t\n]*<xml>/y;
const FLAT_FIELD = /[ \t\n]*<([A-Za-z_:][A-Za-z0-9_.:-]*)>(?:<!\[CDATA\[([^\]]*(?:\](?!\]>)[^\]]*)*)\]\]>|([^<&\]\s]*))<\/\1>/y;
const FLAT_ROOT_END = /[ \t\n]*<\/xml>[ \t\n]*$/y;

/** The fields of a flat document (see FLAT_FIELD), or undefined for any other document. */
function readFlat(text: string): XmlFields | undefined {
  FLAT_ROOT_START.lastIndex = 0;
  if (!FLAT_ROOT_START.test(text)) return undefined;
  const fields: Record<string, XmlValue> = {};
  let at = FLAT_ROOT_START.lastIndex;
  let count = 0;
  for (;;) {
    FLAT_FIELD.lastIndex = at;
    const m = FLAT_FIELD.exec(text);
    if (!m) break;
    const name = m[1]!;
    if (REFUSED_NAMES.has(name) || Object.hasOwn(fields, name)) return undefined;
    fields[name] = m[2] ?? m[3]!;
    at = FLAT_FIELD.lastIndex;
    count++;
  }
  FLAT_ROOT_END.lastIndex = at;
  return count > 0 && FLAT_ROOT_END.test(text) ? fields : undefined;
}

/** Reads a whole document (whose markup may still be forbidden: see parseCallbackXml). */
function readDocument(text: string): XmlFields {
  if (NOT_XML_CHAR.test(text)) throw malformed('a character XML does not allow');
  const cr = text.includes('\r');
  const flat = cr ? undefined : readFlat(text);
  if (flat) return flat;
  let i = skipSpace(text, text.charCodeAt(0) === 0xfeff ? 1 : 0);
  if (isDeclarationAt(text, i)) {
    const end = text.indexOf('?>', i);
    if (end < 0) throw malformed('an unterminated XML declaration');
    i = skipSpace(text, end + 2);
  }
  if (text.charCodeAt(i) !== 0x3c) throw malformed('no root element');
  const r: Reader = { text, cr, name: '', end: 0 };
  const root = element(r, i, 1);
  if (skipSpace(text, r.end) !== text.length) throw malformed('content after the root element');
  if (r.name !== 'xml' || typeof root !== 'object' || Array.isArray(root)) {
    throw malformed('the root must be a single <xml> element with child elements');
  }
  return root;
}

/**
 * The default `XmlFieldsParser`. Forbidden markup (forbidden-markup.ts) is looked for only when reading fails: a
 * document read to its end holds none (every `<!` but CDATA and every `<?` but the leading declaration stops the
 * reader), and a failed one is reported as ERR_CALLBACK_XML_DOCTYPE whenever it holds any, wherever it sits.
 * @example
 *   parseCallbackXml('<xml><MsgType><![CDATA[text]]></MsgType></xml>'); // → { MsgType: 'text' }
 */
export const parseCallbackXml: XmlFieldsParser = (text) => {
  try {
    return readDocument(text);
  } catch (e) {
    if (hasForbiddenMarkup(text)) throw new AppError('ERR_CALLBACK_XML_DOCTYPE');
    throw e;
  }
};

/** The text of a top-level field, or undefined when absent or not a single text element. */
export function xmlText(fields: XmlFields, name: string): string | undefined {
  const v = Object.hasOwn(fields, name) ? fields[name] : undefined;
  return typeof v === 'string' ? v : undefined;
}
