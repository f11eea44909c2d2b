/**
 * WeChat's side of the official-account callback: pushes a message or event to the account's callback URL, signed
 * and (per message mode) encrypted, waits for the answer (5 s), and tries again — 3 tries in total — when none comes,
 * the connection fails or the status is not 2xx (docs/wechat-api.md §6.2–§6.5). Every try carries the same XML (same
 * CreateTime and MsgId, so the receiver can deduplicate); each try is signed afresh (new timestamp, nonce and
 * encryption random, like a new request), unless a fixed `random` was given for reproducible ciphertexts.
 * Pushes run in the background; `close()` cancels them and leaves no timer behind.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../clock.js';
import type { CallbackSettings } from './app-callbacks.js';
import type { IdMinter } from './ids.js';
import { callbackSignature, encryptMessage } from './msg-crypt.js';
import { copyPush, type PushAttempt, type PushKind, type PushRecord } from './push-record.js';
import { readReply } from './push-reply.js';
import { GLOBAL_TIMERS, sendPush, type Timers } from './push-sender.js';
import { envelope } from './push-xml.js';

/** A push to make. `settings.callbackUrl` must be set. */
export interface PushInput {
  appid: string;
  person: string;
  openid: string;
  kind: PushKind;
  xml: string;
  createTime: number;
  msgId: string | null;
  settings: CallbackSettings;
  /** A fixed 16-byte encryption prefix (reproducible Encrypt); default fresh random per try. */
  random?: Buffer | undefined;
  /**
   * Treat the first n 2xx answers as lost on the way back (recorded with `error: 'answer lost (simulated)'`), so
   * WeChat tries again although the receiver already handled the push: how a receiver's deduplication gets tested.
   */
  loseAnswers?: number | undefined;
}

export interface PushSimulatorOptions {
  clock: Clock;
  ids: IdMinter;
  timeoutMs: number;
  retryDelayMs: number;
  attempts: number;
  logger: FastifyBaseLogger | false;
  /** The real-time timers of the answer timeout and the retry pause; default the global ones (tests count them). */
  timers?: Timers;
}

/** A real-time pause that ends early (false) when `signal` aborts. */
function pause(ms: number, signal: AbortSignal, timers: Timers): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const onAbort = (): void => {
      timers.clearTimeout(timer);
      resolve(false);
    };
    const timer = timers.setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export class PushSimulator {
  readonly #o: PushSimulatorOptions;
  readonly #timers: Timers;
  readonly #records = new Map<string, PushRecord>();
  readonly #running = new Map<string, Promise<void>>();
  #abort = new AbortController();
  #next = 1;
  #closed = false;

  constructor(options: PushSimulatorOptions) {
    this.#o = options;
    this.#timers = options.timers ?? GLOBAL_TIMERS;
  }

  /** Records the push, starts it in the background and returns its id. */
  start(input: PushInput): string {
    if (this.#closed) throw new TypeError('the emulator is closed');
    const url = input.settings.callbackUrl;
    if (url === null) throw new TypeError('PushSimulator.start: no callback URL');
    const id = `push_${this.#next++}`;
    const record: PushRecord = {
      id,
      appid: input.appid,
      person: input.person,
      openid: input.openid,
      kind: input.kind,
      createTime: input.createTime,
      msgId: input.msgId,
      xml: input.xml,
      mode: input.settings.messageMode,
      callbackUrl: url,
      attempts: [],
      done: false,
      answered: false,
      reply: null,
    };
    this.#records.set(id, record);
    const run = this.#run(record, input, this.#abort.signal).finally(() => this.#running.delete(id));
    this.#running.set(id, run);
    return id;
  }

  list(): PushRecord[] {
    return [...this.#records.values()].map(copyPush);
  }

  get(id: string): PushRecord | undefined {
    const p = this.#records.get(id);
    return p === undefined ? undefined : copyPush(p);
  }

  /** Resolves when push `id` is done (at once when unknown or done), or every push in flight when no id is given. */
  async settled(id?: string): Promise<void> {
    if (id !== undefined) return this.#running.get(id);
    while (this.#running.size > 0) await Promise.all(this.#running.values());
  }

  /** Cancels pushes in flight and forgets every record. */
  async clear(): Promise<void> {
    this.#abort.abort();
    this.#abort = new AbortController();
    this.#records.clear();
    await this.settled();
  }

  /** Cancels pushes in flight and refuses new ones; resolves once nothing is left running. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#abort.abort();
    await this.settled();
  }

  async #run(record: PushRecord, input: PushInput, signal: AbortSignal): Promise<void> {
    for (let i = 0; i < this.#o.attempts && !signal.aborted; i++) {
      if (i > 0 && this.#o.retryDelayMs > 0 && !(await pause(this.#o.retryDelayMs, signal, this.#timers))) break;
      let attempt: PushAttempt;
      try {
        attempt = await this.#try(input, signal);
      } catch (e) {
        // A bug of ours, not the receiver's: record it and stop rather than leave an unhandled rejection.
        record.attempts.push({
          at: this.#o.clock.now(),
          status: null,
          body: null,
          ms: 0,
          error: `emulator error: ${(e as Error).message}`,
          sent: { query: {}, body: '' },
        });
        break;
      }
      if (attempt.error === undefined && i < (input.loseAnswers ?? 0)) attempt = { ...attempt, error: 'answer lost (simulated)' };
      record.attempts.push(attempt);
      this.#log(record, attempt);
      if (attempt.error === undefined) {
        record.answered = true;
        record.reply = attempt.reply ?? null;
        break;
      }
    }
    record.done = true;
  }

  async #try(input: PushInput, signal: AbortSignal): Promise<PushAttempt> {
    const { settings } = input;
    const at = this.#o.clock.now();
    const timestamp = String(Math.floor(at / 1000));
    const nonce = String(this.#o.ids.bytes(4).readUInt32BE(0));
    const token = settings.token ?? '';
    const encrypt =
      settings.messageMode === 'plain' || settings.encodingAesKey === null
        ? null
        : encryptMessage({ encodingAesKey: settings.encodingAesKey, appid: input.appid, message: input.xml, random: input.random ?? this.#o.ids.bytes(16) });
    const body = envelope(settings.messageMode, input.xml, settings.originalId, encrypt);
    const query: Record<string, string> = { signature: callbackSignature(token, timestamp, nonce), timestamp, nonce, openid: input.openid };
    if (encrypt !== null) {
      query.encrypt_type = 'aes';
      query.msg_signature = callbackSignature(token, timestamp, nonce, encrypt);
    }
    const url = new URL(settings.callbackUrl as string);
    for (const [k, v] of Object.entries(query)) url.searchParams.append(k, v);
    const started = performance.now();
    const outcome = await sendPush(url, body, this.#o.timeoutMs, signal, this.#timers);
    const ms = Math.round(performance.now() - started);
    const sent = { query, body };
    if (!outcome.ok) return { at, status: null, body: null, ms, error: outcome.error, sent };
    if (outcome.status < 200 || outcome.status > 299) return { at, status: outcome.status, body: outcome.body, ms, error: `HTTP ${outcome.status}`, sent };
    return { at, status: outcome.status, body: outcome.body, ms, sent, ...readReply(outcome.body, settings, input.appid) };
  }

  #log(record: PushRecord, a: PushAttempt): void {
    if (this.#o.logger === false) return;
    // Never the query (signatures) nor the bodies.
    this.#o.logger.info(
      { push: record.id, appid: record.appid, kind: record.kind, try: record.attempts.length, status: a.status, error: a.error, ms: a.ms },
      'emulator push',
    );
  }
}
