/**
 * Turns what a person does with an official account (follow, unfollow, scan a parameterised QR code, send a text)
 * into the push WeChat would make to the account's callback. No callback URL configured → no push (`null`).
 */
import type { EmulatorContext } from './context.js';
import type { EmulatorApp } from './emulator-app.js';
import type { Person } from './persons.js';
import type { PushKind } from './push-record.js';
import { eventXml, textXml } from './push-xml.js';

/** A MsgId: a positive 64-bit integer in decimal, 17 digits like the ones WeChat sends. */
export function mintMsgId(ctx: Pick<EmulatorContext, 'ids'>): string {
  const n = BigInt(`0x${ctx.ids.bytes(8).toString('hex')}`);
  return (10n ** 16n + (n % (9n * 10n ** 16n))).toString();
}

type PushEvent =
  | { kind: 'subscribe' | 'unsubscribe'; eventKey?: string; ticket?: string }
  | { kind: 'SCAN'; eventKey: string; ticket: string }
  | { kind: 'text'; content: string; msgId: string };

/** Per-push knobs from the control call: a fixed encryption prefix, answers to treat as lost. */
export interface PushOptions {
  random?: Buffer | undefined;
  loseAnswers?: number | undefined;
}

/** Builds and starts the push for `event`; the push id, or null when the app has no callback URL. */
export function pushPersonEvent(ctx: EmulatorContext, app: EmulatorApp, person: Person, event: PushEvent, o: PushOptions = {}): string | null {
  const settings = ctx.state.callbacks.get(app.appid);
  if (settings === undefined || settings.callbackUrl === null) return null;
  const openid = ctx.state.persons.openid(person.id, app.appid);
  const common = { toUser: settings.originalId, fromUser: openid, createTime: Math.floor(ctx.options.pushClock.now() / 1000) };
  const kind: PushKind = event.kind;
  const xml =
    event.kind === 'text'
      ? textXml({ ...common, content: event.content, msgId: event.msgId })
      : eventXml({ ...common, event: event.kind, eventKey: event.eventKey ?? '', ticket: event.ticket });
  return ctx.pushes.start({
    appid: app.appid,
    person: person.id,
    openid,
    kind,
    xml,
    createTime: common.createTime,
    msgId: event.kind === 'text' ? event.msgId : null,
    settings,
    random: o.random,
    loseAnswers: o.loseAnswers,
  });
}
