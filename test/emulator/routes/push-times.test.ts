import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/clock.js';
import { decryptMessage } from '../../../src/emulator/msg-crypt.js';
import { xmlField } from '../../../src/emulator/push-xml.js';
import { OA_PUSH, T0, startEmulator, type Harness } from '../helpers.js';
import { startReceiver, type Receiver } from '../push-receiver.js';

/** The receiver's own clock: one minute before the virtual start, and never moved by the control API. */
const RECEIVER_NOW = T0 - 60_000;

describe('push timestamps: the receiver clock unless asked', () => {
  let h: Harness;
  let rx: Receiver;
  afterEach(async () => {
    await h.close();
    await rx.close();
  });

  async function follow(): Promise<{ createTime: string; timestamp: string; recordedCreateTime: number }> {
    h.emu.configureApp(OA_PUSH.appid, { callbackUrl: rx.url });
    const p = await h.person();
    await h.advance(30 * 86_400); // the virtual clock runs a month ahead
    const r = await h.post(`/__emulator/persons/${p}/follow`, { appid: OA_PUSH.appid });
    await h.emu.settlePushes(r.json.pushId);
    const got = rx.received[0]!;
    const xml = decryptMessage({ encodingAesKey: OA_PUSH.encodingAesKey as string, encrypt: xmlField(got.body, 'Encrypt') as string }).message;
    return { createTime: xmlField(xml, 'CreateTime') as string, timestamp: got.query.timestamp as string, recordedCreateTime: h.emu.pushes()[0]!.createTime };
  }

  describe('default (receiver)', () => {
    beforeEach(async () => {
      h = await startEmulator({ receiverClock: new ManualClock({ now: () => RECEIVER_NOW }) });
      rx = await startReceiver();
    });
    it('stamps CreateTime and the signature timestamp with the receiver clock, however far the virtual clock moved', async () => {
      const t = await follow();
      expect(t).toEqual({ createTime: String(RECEIVER_NOW / 1000), timestamp: String(RECEIVER_NOW / 1000), recordedCreateTime: RECEIVER_NOW / 1000 });
    });
  });

  describe("pushTimes: 'virtual'", () => {
    beforeEach(async () => {
      h = await startEmulator({ pushTimes: 'virtual', receiverClock: new ManualClock({ now: () => RECEIVER_NOW }) });
      rx = await startReceiver();
    });
    it('stamps them with the virtual clock', async () => {
      const virtual = String(T0 / 1000 + 30 * 86_400);
      expect(await follow()).toMatchObject({ createTime: virtual, timestamp: virtual });
    });
  });

  it('a bad pushTimes is refused when the emulator is built, naming the option', async () => {
    h = await startEmulator();
    rx = await startReceiver();
    await expect(startEmulator({ pushTimes: 'wall' as never })).rejects.toThrow(/pushTimes/);
  });
});
