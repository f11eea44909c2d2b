import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import type { CallbackSettings } from '../../src/emulator/app-callbacks.js';
import { IdMinter } from '../../src/emulator/ids.js';
import { callbackSignature, decryptMessage, encryptMessage } from '../../src/emulator/msg-crypt.js';
import type { Timers } from '../../src/emulator/push-sender.js';
import { PushSimulator, type PushInput } from '../../src/emulator/push-simulator.js';
import { xmlField } from '../../src/emulator/push-xml.js';
import { startReceiver, type Receiver } from './push-receiver.js';
import { V67 } from './vector-6-7.js';

/** Real timers that record what the simulator asks for and which of its timers are still armed. */
function countingTimers(): Timers & { live: Set<unknown>; requested: number[] } {
  const live = new Set<unknown>();
  const requested: number[] = [];
  return {
    live,
    requested,
    setTimeout(fn, ms) {
      requested.push(ms);
      const handle = setTimeout(() => {
        live.delete(handle);
        fn();
      }, ms);
      live.add(handle);
      return handle;
    },
    clearTimeout(handle) {
      live.delete(handle);
      clearTimeout(handle as NodeJS.Timeout);
    },
  };
}

/** A byte source that hands out the given buffers first, then zeros. */
function scripted(...chunks: Buffer[]): (n: number) => Buffer {
  return (n) => chunks.shift() ?? Buffer.alloc(n);
}

const nonceBytes = (nonce: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(nonce, 0);
  return b;
};

describe('PushSimulator', () => {
  let receiver: Receiver;
  let sim: PushSimulator;
  afterEach(async () => {
    await sim?.close();
    await receiver?.close();
  });

  const settings = (over: Partial<CallbackSettings> = {}): CallbackSettings => ({
    callbackUrl: receiver.url,
    token: V67.token,
    encodingAesKey: V67.encodingAesKey,
    messageMode: 'safe',
    originalId: V67.toUser,
    ...over,
  });
  const input = (over: Partial<PushInput> = {}): PushInput => ({
    appid: V67.appid,
    person: 'p_1',
    openid: V67.openid,
    kind: 'subscribe',
    xml: V67.plaintext,
    createTime: 1714037059,
    msgId: null,
    settings: settings(),
    ...over,
  });
  const simulator = (random: (n: number) => Buffer, o: { timeoutMs?: number; retryDelayMs?: number; timers?: Timers } = {}) =>
    new PushSimulator({
      clock: new ManualClock({ now: () => 1714037059_000 }),
      ids: new IdMinter(random),
      timeoutMs: o.timeoutMs ?? 300,
      retryDelayMs: o.retryDelayMs ?? 0,
      attempts: 3,
      logger: false,
      ...(o.timers ? { timers: o.timers } : {}),
    });

  it('start() sends the §6.7 vector exactly: safe-mode body, signature and msg_signature', async () => {
    receiver = await startReceiver();
    sim = simulator(scripted(Buffer.alloc(32), nonceBytes(Number(V67.nonce))));
    const id = sim.start(input({ random: Buffer.from(V67.random) }));
    await sim.settled(id);
    expect(receiver.received).toHaveLength(1);
    const got = receiver.received[0]!;
    expect(got.contentType).toBe('text/xml');
    expect(got.body).toBe(`<xml><ToUserName><![CDATA[${V67.toUser}]]></ToUserName><Encrypt><![CDATA[${V67.encrypt}]]></Encrypt></xml>`);
    expect(got.query).toEqual({
      signature: V67.signature,
      timestamp: V67.timestamp,
      nonce: V67.nonce,
      openid: V67.openid,
      encrypt_type: 'aes',
      msg_signature: V67.msgSignature,
    });
    expect(sim.get(id)).toMatchObject({ done: true, answered: true, reply: null, attempts: [{ status: 200, body: 'success' }] });
  });

  it('start() retries a timeout and a 500 with the same XML, signing each try afresh', async () => {
    receiver = await startReceiver();
    receiver.script('timeout', '500', 'success');
    sim = simulator(scripted(Buffer.alloc(32), nonceBytes(1), Buffer.alloc(16, 1), nonceBytes(2), Buffer.alloc(16, 2), nonceBytes(3)), { timeoutMs: 200 });
    const id = sim.start(input({ kind: 'text', msgId: '12345678901234567' }));
    await sim.settled(id);
    const p = sim.get(id)!;
    expect(p.attempts.map((a) => a.error ?? 'ok')).toEqual(['timeout', 'HTTP 500', 'ok']);
    expect(p.attempts[0]!.ms).toBeGreaterThanOrEqual(190);
    expect(p.attempts[1]).toMatchObject({ status: 500, body: 'oops' });
    expect(receiver.received.map((r) => r.query.nonce)).toEqual(['1', '2', '3']);
    for (const r of receiver.received) {
      const encrypt = xmlField(r.body, 'Encrypt')!;
      expect(r.query.signature).toBe(callbackSignature(V67.token, r.query.timestamp!, r.query.nonce!));
      expect(r.query.msg_signature).toBe(callbackSignature(V67.token, r.query.timestamp!, r.query.nonce!, encrypt));
      expect(decryptMessage({ encodingAesKey: V67.encodingAesKey, encrypt })).toEqual({ message: V67.plaintext, appid: V67.appid });
    }
    expect(new Set(receiver.received.map((r) => r.body)).size).toBe(3); // fresh random per try
  });

  it('start() gives up after 3 dropped connections and records each failure', async () => {
    receiver = await startReceiver();
    receiver.script('drop', 'drop', 'drop', 'success');
    sim = simulator(() => Buffer.alloc(32));
    const id = sim.start(input());
    await sim.settled(id);
    const p = sim.get(id)!;
    expect(p).toMatchObject({ done: true, answered: false, reply: null });
    expect(p.attempts).toHaveLength(3);
    for (const a of p.attempts) expect(a).toMatchObject({ status: null, body: null, error: expect.stringMatching(/^connection error/) });
    expect(receiver.received).toHaveLength(3);
  });

  it('start() waits pushRetryDelayMs between tries (real time), none after the last', async () => {
    receiver = await startReceiver();
    receiver.script('500', '500', '500');
    const timers = countingTimers();
    sim = simulator(() => Buffer.alloc(32), { retryDelayMs: 150, timers });
    await sim.settled(sim.start(input()));
    // Each try arms its answer timeout (300 ms); a 150 ms pause comes between tries, none after the last.
    expect(timers.requested).toEqual([300, 150, 300, 150, 300]);
    expect(timers.live.size).toBe(0);
  });

  it('start() records a connection refused when nothing listens at the callback URL', async () => {
    receiver = await startReceiver();
    const url = receiver.url;
    await receiver.close();
    sim = simulator(() => Buffer.alloc(32));
    const id = sim.start(input({ settings: settings({ callbackUrl: url }) }));
    await sim.settled(id);
    expect(sim.get(id)!.attempts.map((a) => a.error)).toEqual(Array(3).fill('connection error: ECONNREFUSED'));
  });

  it('an encrypted passive reply is verified, decrypted and recorded as XML', async () => {
    receiver = await startReceiver();
    const replyXml = '<xml><ToUserName><![CDATA[o1]]></ToUserName><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hi]]></Content></xml>';
    const enc = encryptMessage({ encodingAesKey: V67.encodingAesKey, appid: V67.appid, message: replyXml, random: Buffer.alloc(16, 9) });
    const sig = callbackSignature(V67.token, '1714037060', 'n1', enc);
    const body = `<xml><Encrypt><![CDATA[${enc}]]></Encrypt><MsgSignature><![CDATA[${sig}]]></MsgSignature><TimeStamp>1714037060</TimeStamp><Nonce><![CDATA[n1]]></Nonce></xml>`;
    receiver.script({ body }, { body: body.replace(sig, '0'.repeat(40)) });
    sim = simulator(() => Buffer.alloc(32));
    const ok = sim.start(input());
    await sim.settled(ok);
    expect(sim.get(ok)).toMatchObject({ answered: true, reply: replyXml });
    expect(sim.get(ok)!.attempts[0]!.replyError).toBeUndefined();
    const forged = sim.start(input());
    await sim.settled(forged);
    expect(sim.get(forged)!.attempts[0]).toMatchObject({ reply: replyXml, replyError: 'the reply MsgSignature does not match' });
  });

  it('a plaintext XML reply counts in plain mode, is flagged in safe mode, and an unparseable 2xx is answered but flagged, not retried', async () => {
    receiver = await startReceiver();
    const xml = '<xml><MsgType><![CDATA[text]]></MsgType></xml>';
    receiver.script({ body: xml }, { body: xml }, { body: 'hello' });
    sim = simulator(() => Buffer.alloc(32));
    const plain = sim.start(input({ settings: settings({ messageMode: 'plain' }) }));
    await sim.settled(plain);
    expect(sim.get(plain)).toMatchObject({ answered: true, reply: xml });
    expect(sim.get(plain)!.attempts[0]!.replyError).toBeUndefined();
    const safe = sim.start(input());
    await sim.settled(safe);
    expect(sim.get(safe)!.attempts[0]).toMatchObject({ reply: xml, replyError: 'a plaintext reply in safe mode' });
    const junk = sim.start(input());
    await sim.settled(junk);
    expect(sim.get(junk)!.attempts).toHaveLength(1);
    expect(sim.get(junk)).toMatchObject({ answered: true, reply: null });
    expect(sim.get(junk)!.attempts[0]!.replyError).toMatch(/neither success/);
  });

  it('close() cancels a push waiting on a silent callback at once and leaves no timer behind', async () => {
    receiver = await startReceiver();
    receiver.script('timeout');
    const timers = countingTimers();
    sim = simulator(() => Buffer.alloc(32), { timeoutMs: 60_000, retryDelayMs: 60_000, timers });
    const id = sim.start(input());
    await vi.waitFor(() => expect(receiver.received).toHaveLength(1));
    expect(timers.live.size).toBe(1); // the answer timeout of the one try in flight
    await sim.close(); // resolves without waiting out the 60 s answer timeout: the try is recorded as cancelled
    expect(sim.get(id)).toMatchObject({ done: true, answered: false, attempts: [{ error: 'cancelled' }] });
    expect(timers.live.size).toBe(0);
    expect(() => sim.start(input())).toThrow(TypeError);
  });

  it('start() logs each try (id, kind, status, ms) but never the signatures, nonce, body or Encrypt', async () => {
    receiver = await startReceiver();
    receiver.script('500');
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    sim = new PushSimulator({
      clock: new ManualClock({ now: () => 1714037059_000 }),
      ids: new IdMinter(scripted(Buffer.alloc(32), nonceBytes(Number(V67.nonce)))),
      timeoutMs: 300,
      retryDelayMs: 0,
      attempts: 3,
      logger: pino({ level: 'trace' }, sink),
    });
    await sim.settled(sim.start(input({ random: Buffer.from(V67.random) })));
    const log = lines.join('');
    expect(lines).toHaveLength(2);
    expect(log).toContain('"push":"push_1"');
    expect(log).toContain('"status":500');
    for (const secret of [V67.signature, V67.msgSignature, V67.encrypt.slice(0, 20), V67.nonce, V67.token, 'CDATA']) expect(log).not.toContain(secret);
  });

  it('clear() cancels pushes in flight and forgets every record', async () => {
    receiver = await startReceiver();
    receiver.script('timeout');
    sim = simulator(() => Buffer.alloc(32), { timeoutMs: 60_000 });
    sim.start(input());
    await new Promise((r) => setTimeout(r, 50));
    await sim.clear();
    expect(sim.list()).toEqual([]);
    const id = sim.start(input());
    expect(id).toBe('push_2'); // ids are never reused
    await sim.settled(id);
    expect(sim.list().map((p) => p.id)).toEqual(['push_2']);
  });
});
