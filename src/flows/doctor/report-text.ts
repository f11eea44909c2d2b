/** The doctor's findings as the terminal shows them: grouped by subject, worst first, in English, Chinese or both. */
import { byLevel, type Finding, type FindingLevel } from './finding.js';

export type ReportLanguage = 'en' | 'zh' | 'both';

const MARK: Record<FindingLevel, string> = { error: '✗', warn: '!', info: '·', ok: '✓' };

/** `headings`: a line to print above each subject's findings (e.g. "wx… (miniprogram, union acme)"). */
export function reportText(findings: readonly Finding[], headings: ReadonlyMap<string, string>, lang: ReportLanguage): string {
  const subjects = [...new Set(findings.map((f) => f.subject))];
  const lines: string[] = [];
  const errors = findings.filter((f) => f.level === 'error').length;
  const warnings = findings.filter((f) => f.level === 'warn').length;
  if (lang !== 'zh') lines.push(`weunion doctor: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`);
  if (lang !== 'en') lines.push(`weunion doctor：${errors} 个错误，${warnings} 个警告`);
  for (const subject of subjects) {
    lines.push('', headings.get(subject) ?? subject);
    for (const f of byLevel(findings.filter((x) => x.subject === subject))) {
      const text = lang === 'zh' ? [f.zh] : lang === 'en' ? [f.en] : [f.en, f.zh];
      lines.push(`  ${MARK[f.level]} [${f.id}] ${text[0]}`);
      for (const t of text.slice(1)) lines.push(`      ${t}`);
      lines.push(`      → ${f.doc}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** `--lang`, else the locale (LC_ALL, LC_MESSAGES, LANG): Chinese for zh*, English otherwise. */
export function reportLanguage(flag: string | undefined, env: Record<string, string | undefined>): ReportLanguage | undefined {
  if (flag !== undefined) return flag === 'en' || flag === 'zh' || flag === 'both' ? flag : undefined;
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return /^zh/i.test(locale) ? 'zh' : 'en';
}
