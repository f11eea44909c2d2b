/**
 * One line of a `weunion import` file: `appid, openid, unionid?, userId?` as a JSON object per line (JSONL) or as
 * CSV (a header naming the columns, or these four in this order). A line is either a row or a reason it is not one;
 * a bad line never stops the import.
 */

export interface ImportRow {
  appid: string;
  openid: string;
  unionid: string | null;
  /** The business's own id, to be kept as ours when this row creates the user. */
  userId: string | null;
}

export type ParsedLine = { ok: true; row: ImportRow } | { ok: false; reason: string } | { ok: 'skip' };

export type ImportFormat = 'jsonl' | 'csv';

const COLUMNS = ['appid', 'openid', 'unionid', 'userId'] as const;
/** An id WeChat or the business gives: printable, no spaces or separators, at most 128 characters. */
const ID = /^[A-Za-z0-9_\-.:@=+/]{1,128}$/;

/** The CSV column order: from a header line naming them (case-insensitive, `user_id` too), or the default. */
export function csvColumns(headerLine: string): (typeof COLUMNS)[number][] | undefined {
  const names = (splitCsv(headerLine) ?? []).map((n) => n.trim().toLowerCase().replace('_', ''));
  if (!names.includes('appid') || !names.includes('openid')) return undefined;
  return names.map((n) => COLUMNS.find((c) => c.toLowerCase() === n) ?? ('ignored' as never));
}

/**
 * @example
 *   parseImportLine('{"appid":"wx1","openid":"o1"}', 'jsonl'); // { ok: true, row: { appid: 'wx1', openid: 'o1', unionid: null, userId: null } }
 */
export function parseImportLine(line: string, format: ImportFormat, columns: readonly string[] = COLUMNS): ParsedLine {
  if (line.trim() === '') return { ok: 'skip' };
  let fields: Record<string, unknown>;
  if (format === 'jsonl') {
    try {
      const parsed: unknown = JSON.parse(line);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { ok: false, reason: 'not a JSON object' };
      fields = parsed as Record<string, unknown>;
      if ('user_id' in fields && !('userId' in fields)) fields.userId = fields.user_id;
    } catch {
      return { ok: false, reason: 'not valid JSON' };
    }
  } else {
    const cells = splitCsv(line);
    if (cells === undefined) return { ok: false, reason: 'unbalanced quotes' };
    fields = {};
    columns.forEach((c, i) => {
      const v = cells[i]?.trim();
      if (v !== undefined && v !== '') fields[c] = v;
    });
  }
  const get = (k: string): unknown => (fields[k] === '' ? undefined : fields[k]);
  for (const k of ['appid', 'openid'] as const) {
    const v = get(k);
    if (typeof v !== 'string') return { ok: false, reason: `${k} is missing` };
    if (!ID.test(v)) return { ok: false, reason: `${k} is not a valid id` };
  }
  for (const k of ['unionid', 'userId'] as const) {
    const v = get(k);
    if (v !== undefined && v !== null && (typeof v !== 'string' || !ID.test(v))) return { ok: false, reason: `${k} is not a valid id` };
  }
  const opt = (k: string): string | null => (typeof get(k) === 'string' ? (get(k) as string) : null);
  return { ok: true, row: { appid: get('appid') as string, openid: get('openid') as string, unionid: opt('unionid'), userId: opt('userId') } };
}

/** Splits one CSV line (RFC 4180 quoting, no line breaks inside a field); undefined on unbalanced quotes. */
function splitCsv(line: string): string[] | undefined {
  const out: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell.trim() === '') {
      quoted = true;
      cell = '';
    } else if (ch === ',') {
      out.push(cell);
      cell = '';
    } else cell += ch;
  }
  if (quoted) return undefined;
  out.push(cell.replace(/\r$/, ''));
  return out;
}
