/**
 * What the secret-leak scan needs from one test stack (test/helpers/stack.ts wires it in when `WEUNION_LEAK_SCAN` or
 * `StackOptions.leakScan` names a folder): the server's log at debug level in a file, every response body the
 * stack helpers saw, and, when the stack closes, every secret that stack held — app secrets, callback Tokens and
 * EncodingAESKeys, keys.json, session_keys (the emulator's and those WeChat handed out), access and OAuth tokens
 * (seen by a spying transport) and the session tokens weunion issued. test/leaks/scan.ts reads the three files.
 */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../src/config/schema.js';
import type { HttpTransport } from '../../src/wechat/api/http-transport.js';
import { REDACT_PATHS } from '../../src/compose/redact-paths.js';

/** Where a secret may legitimately appear besides nowhere: a session token is the point of a login answer. */
export type SecretScope = 'nowhere' | 'success-responses';

export interface RecordedSecret {
  what: string;
  value: string;
  /** `success-responses`: allowed in 2xx bodies (still never in a log line nor an error response). */
  allowed: SecretScope;
}

/** The `<id>.secrets.json` file of one stack. */
export interface StackRecord {
  id: string;
  /** The test file that started the stack, when it could be told. */
  test: string | null;
  log: string;
  responses: string;
  secrets: RecordedSecret[];
}

/** One line of `<id>.responses.jsonl`. */
export interface RecordedResponse {
  method: string;
  path: string;
  status: number;
  body: string;
}

let counter = 0;

/** The test file in the current call stack (the caller of startStack). */
function callerTestFile(): string | null {
  const frames = new Error().stack?.split('\n') ?? [];
  for (const f of frames) {
    const m = /(test\/[^\s():]+\.test\.ts)/.exec(f);
    if (m) return m[1]!;
  }
  return null;
}

const ACCESS_TOKEN_IN_JSON = /"(access_token|refresh_token|session_key)"\s*:\s*"([^"]+)"/g;

export interface LeakRecorder {
  readonly id: string;
  /** The server's logger: pino at debug level into `<id>.log`, with the server's redaction paths. */
  readonly logger: FastifyBaseLogger;
  /** Wraps the server's transport to WeChat: records every token and session_key that crosses it. */
  spy(inner: HttpTransport): HttpTransport;
  /** Records a response body a stack helper received. */
  response(method: string, pathname: string, status: number, body: string): void;
  /** Writes `<id>.secrets.json`. Call before the data folder is deleted (keys.json is read from it). */
  finish(input: { config: Config; dataDir: string; sessionKeys: Iterable<[string, string]> }): void;
}

/**
 * @example
 *   const rec = createLeakRecorder(process.env.WEUNION_LEAK_SCAN!);
 *   const composed = await compose(config, { logger: rec.logger, fetch: rec.spy(createUndiciTransport()) });
 */
export function createLeakRecorder(dir: string): LeakRecorder {
  const id = `${process.pid}-${++counter}-${Date.now().toString(36)}`;
  const logFile = path.join(dir, `${id}.log`);
  const responsesFile = path.join(dir, `${id}.responses.jsonl`);
  writeFileSync(logFile, '');
  writeFileSync(responsesFile, '');
  const destination = pino.destination({ dest: logFile, sync: true });
  const logger = pino({ level: 'debug', redact: { paths: [...REDACT_PATHS], censor: '[redacted]' } }, destination) as unknown as FastifyBaseLogger;
  const upstream = new Map<string, string>(); // value → what
  const test = callerTestFile();

  const noteJson = (text: string) => {
    for (const m of text.matchAll(ACCESS_TOKEN_IN_JSON)) upstream.set(m[2]!, m[1] === 'session_key' ? 'a session_key' : `an upstream ${m[1]}`);
  };

  return {
    id,
    logger,
    spy(inner) {
      return async (url, init) => {
        const t = url.searchParams.get('access_token');
        if (t) upstream.set(t, 'an upstream access_token');
        const res = await inner(url, init);
        const text = await res.text();
        noteJson(text);
        return { status: res.status, text: async () => text, body: { cancel: async () => undefined } };
      };
    },
    response(method, pathname, status, body) {
      const line: RecordedResponse = { method, path: pathname, status, body };
      appendFileSync(responsesFile, `${JSON.stringify(line)}\n`);
    },
    finish({ config, dataDir, sessionKeys }) {
      const secrets: RecordedSecret[] = [];
      const add = (what: string, value: unknown, allowed: SecretScope = 'nowhere') => {
        if (typeof value === 'string' && value.length >= 8) secrets.push({ what, value, allowed });
      };
      for (const a of config.apps) {
        add(`app secret of ${a.appid}`, a.secret);
        add(`callback Token of ${a.appid}`, (a as { token?: string }).token);
        add(`EncodingAESKey of ${a.appid}`, (a as { encodingAesKey?: string }).encodingAesKey);
        add(`previous EncodingAESKey of ${a.appid}`, (a as { previousEncodingAesKey?: string }).previousEncodingAesKey);
      }
      const keysFile = path.join(dataDir, 'keys.json');
      if (existsSync(keysFile)) {
        const keys = JSON.parse(readFileSync(keysFile, 'utf8')) as { atRestKey?: string; signingJwk?: { d?: string } };
        add('the at-rest key', keys.atRestKey);
        add('the signing key (d)', keys.signingJwk?.d);
      }
      for (const [what, value] of sessionKeys) add(what, value);
      for (const [value, what] of upstream) add(what, value);
      // Session tokens: issued in login answers (allowed there), never in a log line or an error.
      for (const line of readFileSync(responsesFile, 'utf8').split('\n')) {
        if (!line) continue;
        const r = JSON.parse(line) as RecordedResponse;
        for (const m of r.body.matchAll(/"token"\s*:\s*"([^"]+)"/g)) add('a session token', m[1], 'success-responses');
      }
      const record: StackRecord = { id, test, log: path.basename(logFile), responses: path.basename(responsesFile), secrets: dedupe(secrets) };
      destination.flushSync();
      destination.end();
      writeFileSync(path.join(dir, `${id}.secrets.json`), JSON.stringify(record));
    },
  };
}

function dedupe(secrets: RecordedSecret[]): RecordedSecret[] {
  const seen = new Map<string, RecordedSecret>();
  for (const s of secrets) if (!seen.has(s.value)) seen.set(s.value, s);
  return [...seen.values()];
}
