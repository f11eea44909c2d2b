/**
 * Control API for what a person does with an official account, each pushed to the account's callback (when set) in
 * the background — the answer comes at once with the push id (null when no callback URL is configured or nothing
 * changed):
 * - `POST /persons/:id/follow {appid}` → `subscribe` (EventKey empty); already following → no push;
 * - `POST /persons/:id/unfollow {appid}` → `unsubscribe`; not following → no push;
 * - `POST /persons/:id/scan {appid, ticket}` → not following: `subscribe` with EventKey `qrscene_<scene>` + Ticket,
 *   and the person follows (scene ADD_SCENE_QR_CODE); following: `SCAN` with EventKey `<scene>` + Ticket.
 *   An unknown or other account's ticket → 404, an expired one → 400 (WeChat's app says the code expired; no push);
 * - `POST /persons/:id/message {appid, text}` → a text message with a fresh MsgId (followers only, as in WeChat).
 * Optional on each: `random` (16 characters), the encryption prefix, for reproducible ciphertexts; `loseAnswers`
 * (0–2), how many of the receiver's answers to treat as lost so WeChat retries a push the receiver already handled.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import { CONTROL_PREFIX, type EmulatorContext } from '../context.js';
import { parseBody, requireApp, requirePerson } from '../control-request.js';
import { mintMsgId, pushPersonEvent } from '../person-pushes.js';

const random = z
  .string()
  .refine((s) => Buffer.byteLength(s, 'utf8') === 16, 'random is 16 bytes')
  .transform((s) => Buffer.from(s, 'utf8'))
  .optional();
const loseAnswers = z.number().int().min(0).max(2).optional();
const knobs = { random, loseAnswers };
const followSchema = z.strictObject({
  appid: z.string().min(1),
  scene: z
    .string()
    .regex(/^ADD_SCENE_[A-Z_]+$/)
    .optional(),
  ...knobs,
});
const unfollowSchema = z.strictObject({ appid: z.string().min(1), ...knobs });
const scanSchema = z.strictObject({ appid: z.string().min(1), ticket: z.string().min(1), ...knobs });
const messageSchema = z.strictObject({ appid: z.string().min(1), text: z.string().min(1).max(2048), ...knobs });

type IdParams = { Params: { id: string } };

export function registerControlPersonActions(app: FastifyInstance, ctx: EmulatorContext): void {
  const { state, clock } = ctx;
  const base = `${CONTROL_PREFIX}/persons`;
  const oa = (appid: string) => requireApp(state, appid, ['officialAccount']);

  app.post<IdParams>(`${base}/:id/follow`, async (request) => {
    const person = requirePerson(state, request.params.id);
    const call = parseBody(followSchema, request.body);
    const target = oa(call.appid);
    const sub = { at: clock.now(), scene: call.scene ?? 'ADD_SCENE_OTHERS', qrScene: 0, qrSceneStr: '' };
    const pushId = state.persons.follow(person, target.appid, sub) ? pushPersonEvent(ctx, target, person, { kind: 'subscribe' }, call) : null;
    return { pushId, ...state.persons.snapshot(person) };
  });

  app.post<IdParams>(`${base}/:id/unfollow`, async (request) => {
    const person = requirePerson(state, request.params.id);
    const call = parseBody(unfollowSchema, request.body);
    const target = oa(call.appid);
    const pushId = state.persons.unfollow(person, target.appid) ? pushPersonEvent(ctx, target, person, { kind: 'unsubscribe' }, call) : null;
    return { pushId, ...state.persons.snapshot(person) };
  });

  app.post<IdParams>(`${base}/:id/scan`, async (request) => {
    const person = requirePerson(state, request.params.id);
    const call = parseBody(scanSchema, request.body);
    const target = oa(call.appid);
    const found = state.tickets.lookup(call.ticket, target.appid);
    if (!found.ok && found.reason === 'expired') {
      throw new AppError('ERR_EMULATOR_BAD_REQUEST', { message: 'This QR code has expired.', details: { reason: 'ticket_expired' } });
    }
    if (!found.ok)
      throw new AppError('ERR_EMULATOR_NOT_FOUND', { message: `No QR ticket like this for ${target.appid}.`, details: { reason: 'ticket_unknown' } });
    const scene = String(found.ticket.scene);
    if (person.follows.has(target.appid)) {
      const pushId = pushPersonEvent(ctx, target, person, { kind: 'SCAN', eventKey: scene, ticket: call.ticket }, call);
      return { pushId, event: 'SCAN' };
    }
    const numeric = typeof found.ticket.scene === 'number';
    state.persons.follow(person, target.appid, {
      at: clock.now(),
      scene: 'ADD_SCENE_QR_CODE',
      qrScene: numeric ? (found.ticket.scene as number) : 0,
      qrSceneStr: numeric ? '' : scene,
    });
    const pushId = pushPersonEvent(ctx, target, person, { kind: 'subscribe', eventKey: `qrscene_${scene}`, ticket: call.ticket }, call);
    return { pushId, event: 'subscribe' };
  });

  app.post<IdParams>(`${base}/:id/message`, async (request) => {
    const person = requirePerson(state, request.params.id);
    const call = parseBody(messageSchema, request.body);
    const target = oa(call.appid);
    if (!person.follows.has(target.appid)) {
      throw new AppError('ERR_EMULATOR_BAD_REQUEST', { message: `${person.id} does not follow ${target.appid}: only followers can send messages.` });
    }
    const msgId = mintMsgId(ctx);
    return { pushId: pushPersonEvent(ctx, target, person, { kind: 'text', content: call.text, msgId }, call), msgId };
  });
}
