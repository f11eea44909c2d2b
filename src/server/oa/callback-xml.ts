/**
 * Safe parsing of the XML WeChat pushes to an official account's callback: `<xml><Field>…</Field>…</xml>`.
 * https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Receiving_standard_messages.html
 *
 * WeChat never sends a DOCTYPE, so one is refused outright (outside CDATA), which rules out entity-expansion bombs
 * and external entities whatever the parser does; only the five predefined XML entities are decoded. The parser
 * sits behind `XmlFieldsParser` so it can be swapped without touching the callback.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { AppError } from '../../errors.js';

/** A parsed element: text, or (rarely, e.g. `SendPicsInfo`) nested elements; repeated elements become arrays. */
export type XmlValue = string | XmlValue[] | { [name: string]: XmlValue };

/** The children of the `<xml>` root. */
export type XmlFields = Readonly<Record<string, XmlValue>>;

/** Parses one callback document into the root's fields; throws AppError ERR_CALLBACK_XML(_DOCTYPE). */
export type XmlFieldsParser = (text: string) => XmlFields;

/**
 * True when the text holds markup WeChat never sends and that could declare entities: any `<!` other than a CDATA
 * section (DOCTYPE, ENTITY, comments — which could hide a DOCTYPE from a pattern check) and any processing
 * instruction after the leading XML declaration. A left-to-right scan, so CDATA is skipped only as real CDATA.
 */
function hasForbiddenMarkup(text: string): boolean {
  let i = text.search(/\S/);
  if (i < 0) return false;
  if (text.startsWith('<?xml', i)) {
    const end = text.indexOf('?>', i);
    if (end < 0) return true;
    i = end + 2;
  }
  for (;;) {
    const lt = text.indexOf('<', i);
    if (lt < 0) return false;
    if (text.startsWith('<![CDATA[', lt)) {
      const end = text.indexOf(']]>', lt + 9);
      if (end < 0) return true;
      i = end + 3;
      continue;
    }
    if (text.startsWith('<!', lt) || text.startsWith('<?', lt)) return true;
    i = lt + 1;
  }
}

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false, // MsgId is a 64-bit integer: keep every value a string
  processEntities: true, // predefined entities only: a DOCTYPE (the only source of others) is refused before this
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  trimValues: true,
  maxNestedTags: 16,
});

/**
 * The default `XmlFieldsParser` (fast-xml-parser, validated first).
 * @example
 *   parseCallbackXml('<xml><MsgType><![CDATA[text]]></MsgType></xml>'); // → { MsgType: 'text' }
 */
export const parseCallbackXml: XmlFieldsParser = (text) => {
  if (hasForbiddenMarkup(text)) {
    throw new AppError('ERR_CALLBACK_XML_DOCTYPE');
  }
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    throw new AppError('ERR_CALLBACK_XML', { message: `The callback body is not well-formed XML (${valid.err.code} at line ${valid.err.line}).` });
  }
  let doc: unknown;
  try {
    doc = parser.parse(text);
  } catch {
    // e.g. an element named __proto__: refused by the parser's own prototype-pollution guard.
    throw new AppError('ERR_CALLBACK_XML', { message: 'The callback XML uses element names that are refused.' });
  }
  const root = isRecord(doc) ? doc.xml : undefined;
  if (!isRecord(doc) || Object.keys(doc).length !== 1 || !isRecord(root)) {
    throw new AppError('ERR_CALLBACK_XML', { message: 'The callback XML must have a single <xml> root element with child elements.' });
  }
  return root as XmlFields;
};

/** The text of a top-level field, or undefined when absent or not a single text element. */
export function xmlText(fields: XmlFields, name: string): string | undefined {
  const v = Object.hasOwn(fields, name) ? fields[name] : undefined;
  return typeof v === 'string' ? v : undefined;
}

function isRecord(v: unknown): v is Record<string, XmlValue> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
