/**
 * The scan of a callback body for markup WeChat never sends and that could declare entities (docs/wechat-api.md §6): any
 * `<!` other than a CDATA section (DOCTYPE, ENTITY, comments — which could hide a DOCTYPE from a pattern check) and
 * any processing instruction after the leading XML declaration. It runs over the whole text when reading a document
 * failed (callback-xml.ts), so a DOCTYPE is reported as one (ERR_CALLBACK_XML_DOCTYPE) wherever it sits, even in an
 * otherwise broken document.
 */

/** True when an XML declaration (`<?xml` and white space) starts at `i`. */
export function isDeclarationAt(text: string, i: number): boolean {
  if (!text.startsWith('<?xml', i)) return false;
  const c = text.charCodeAt(i + 5);
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** A left-to-right scan, so CDATA is skipped only as real CDATA (not as CDATA-looking text inside a comment). */
export function hasForbiddenMarkup(text: string): boolean {
  let i = text.search(/\S/);
  if (i < 0) return false;
  if (isDeclarationAt(text, i)) {
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
