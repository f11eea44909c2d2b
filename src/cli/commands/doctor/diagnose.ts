/**
 * `weunion doctor [<any id>]`: why a unionid is missing — for every configured app (or `--app`), and for one person
 * when an id is given (our user id, an openid, a unionid, a phone number). Reads the configured storage directly
 * and, unless `--offline`, asks WeChat (the configured `wechat.baseUrl`: WeChat or the emulator) for each app's
 * access_token, its Open Platform binding (open/get) and the time. docs/doctor.md lists every finding.
 */
import { parseArgs } from 'node:util';
import { systemClock } from '../../../clock.js';
import type { AppConfig } from '../../../config/schema.js';
import { AppError } from '../../../errors.js';
import { createAdminFlows } from '../../../flows/admin/admin-flows.js';
import { appFindings, type WeChatProbe } from '../../../flows/doctor/app-findings.js';
import { clockFinding } from '../../../flows/doctor/clock-finding.js';
import type { Finding } from '../../../flows/doctor/finding.js';
import { personFindings } from '../../../flows/doctor/person-findings.js';
import { reportLanguage, reportText } from '../../../flows/doctor/report-text.js';
import { getOpenAccount } from '../../../wechat/api/open.js';
import { serverClockSkew } from '../../../wechat/api/server-clock.js';
import { openDataContext, weChatClient } from '../../data-context.js';
import type { CliCommand, CliContext } from '../command.js';

const USAGE = 'weunion doctor [<user id | openid | unionid | phone>] [--app <appid>] [--union <id>] [--offline] [--lang en|zh|both] [--json]';

const HELP = `Explains why a unionid is missing, in English and Chinese (--lang, default from LANG). For each app:
bound to a union in the config and, per WeChat's open/get, to which Open Platform account; whether its
access_token comes (secret, IP whitelist); how many of its users have a unionid and which rule decides it; for an
official account, how its callbacks went (Token / EncodingAESKey / message mode / clock, from what WeChat last
sent). For one person (any id): which roads were taken and what would give the unionid. Each finding links the
WeChat document. Exit code 1 when a finding is an error.

usage: ${USAGE}

options:
  --app <appid>   only this app (with an id: look the openid up in this app only)
  --union <id>    with an id: look the unionid up in this union only
  --offline       ask WeChat nothing (no token, no open/get, no clock check)
  --lang <l>      en, zh or both
  --json          the findings as JSON: [{ id, level, subject, en, zh, doc }]

examples:
  npx weunion doctor
  npx weunion doctor oXyZ123 --app wx0fa1b2c3d4e5f6a7 --lang zh`;

type Values = { app?: string; union?: string; offline?: boolean; lang?: string; json?: boolean };

async function run(ctx: CliContext): Promise<number> {
  let values: Values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...ctx.args],
      allowPositionals: true,
      strict: true,
      options: { app: { type: 'string' }, union: { type: 'string' }, offline: { type: 'boolean' }, lang: { type: 'string' }, json: { type: 'boolean' } },
    }) as { values: Values; positionals: string[] });
  } catch (e) {
    ctx.err(`${(e as Error).message}\nusage: ${USAGE}\n`);
    return 1;
  }
  const lang = reportLanguage(values.lang, ctx.env);
  if (!lang || positionals.length > 1) {
    ctx.err(`${lang ? 'at most one id' : '--lang is en, zh or both'}\nusage: ${USAGE}\n`);
    return 1;
  }
  const data = await openDataContext(ctx);
  try {
    const { config } = data;
    if (values.app !== undefined && !config.apps.some((a) => a.appid === values.app)) {
      ctx.err(`weunion doctor: ${JSON.stringify(values.app)} is not a configured app\n`);
      return 1;
    }
    const wechat = values.offline ? null : probe(config);
    const findings: Finding[] = [];
    let apps: AppConfig[] = config.apps.filter((a) => values.app === undefined || a.appid === values.app);
    if (positionals[0] !== undefined) {
      const store = data.opened.store;
      const admin = createAdminFlows({ config, store: store.admin, profile: store.profile, sessions: store.sessions, clock: systemClock });
      const actor = { name: 'cli:doctor', union: null };
      const matches = await admin.find(actor, { id: positionals[0], appid: values.app, union: values.union });
      if (matches.length === 0)
        throw new AppError('ERR_USER_NOT_FOUND', { message: `No user has the id ${positionals[0]} (as a user id, openid, unionid or phone).` });
      const used = new Set<string>();
      const people = new Map(matches.map((m) => [m.userId, m.mergedFrom ?? m.userId])); // a merged id asked for: say so
      for (const asked of people.values()) {
        const view = await admin.show(actor, asked);
        findings.push(...personFindings(config, view));
        for (const a of view.apps) used.add(a.appid);
      }
      apps = config.apps.filter((a) => used.has(a.appid));
    }
    for (const app of apps)
      findings.push(...(await appFindings({ config, data: data.opened.store.data, health: data.opened.store.health, wechat: wechat?.probe ?? null }, app)));
    if (wechat) findings.push(clockFinding(await wechat.skew().catch((e: Error) => e)));
    const headings = new Map(
      apps.map((a) => [a.appid, `${a.appid} (${a.kind}${a.name ? `, ${a.name}` : ''}, ${a.union === null ? 'no union' : `union ${a.union}`})`]),
    );
    ctx.out(values.json ? `${JSON.stringify(findings, null, 2)}\n` : reportText(findings, headings, lang));
    return findings.some((f) => f.level === 'error') ? 1 : 0;
  } catch (e) {
    if (e instanceof AppError) {
      ctx.err(`${e.code}: ${e.message}\n`);
      return 1;
    }
    throw e;
  } finally {
    await data.close();
  }
}

function probe(config: Parameters<typeof weChatClient>[0]): { probe: WeChatProbe; skew: () => Promise<number | null> } {
  const { http, tokens } = weChatClient(config);
  return {
    probe: {
      token: (appid) => tokens.withToken(appid, async () => undefined),
      openAccount: (appid) => tokens.withToken(appid, (accessToken) => getOpenAccount(http, { accessToken, appid })),
    },
    skew: () => serverClockSkew(fetch, config.wechat.baseUrl, () => systemClock.now(), config.wechat.timeoutMs),
  };
}

export const doctor: CliCommand = {
  name: 'doctor',
  aliases: [],
  summary: 'explain why a unionid is missing, for the apps and for one person (en/zh)',
  help: HELP,
  takesArgs: true,
  run,
};
