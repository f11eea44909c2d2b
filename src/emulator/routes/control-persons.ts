/**
 * Control API for persons: create, read, flag (risk-blocked, declines user info), set the phone number, record an
 * OAuth authorisation, and rotate a session_key behind the app's back. Follow / unfollow / scan / message, which push
 * to the official account's callback, are in control-person-actions.ts.
 * `POST /persons/bulk { count, follows? }` makes `count` persons at once (a benchmark's million followers), each
 * following the given official accounts from now (scene ADD_SCENE_OTHERS) as `/follow` would, but pushing nothing.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import { CONTROL_PREFIX, type EmulatorContext } from '../context.js';
import { parseBody, requireApp, requirePerson } from '../control-request.js';

const createSchema = z.strictObject({
  name: z.string().min(1).max(64).optional(),
  riskBlocked: z.boolean().optional(),
  declinesUserInfo: z.boolean().optional(),
});
/** `+<country code> <number>` or a bare number (then +86): e.g. `+86 13800138000`, `+1 2025550123`, `13800138000`. */
const PHONE = /^(?:\+(\d{1,4})[ -])?(\d{5,15})$/;
const patchSchema = z.strictObject({
  riskBlocked: z.boolean().optional(),
  declinesUserInfo: z.boolean().optional(),
  phoneNumber: z.string().regex(PHONE, 'a phone number like +86 13800138000').optional(),
});
const appidSchema = z.strictObject({ appid: z.string().min(1) });
/** The most persons one bulk call makes. */
const BULK_MAX = 1_000_000;
const bulkSchema = z.strictObject({
  count: z.number().int().min(1).max(BULK_MAX),
  follows: z.array(z.string().min(1)).max(16).default([]),
});

type IdParams = { Params: { id: string } };

export function registerControlPersons(app: FastifyInstance, ctx: EmulatorContext): void {
  const { state, clock } = ctx;
  const base = `${CONTROL_PREFIX}/persons`;

  app.post(base, async (request, reply) => {
    const person = state.persons.create(parseBody(createSchema, request.body));
    return reply.code(201).send({ id: person.id });
  });

  app.post(`${base}/bulk`, async (request, reply) => {
    const call = parseBody(bulkSchema, request.body);
    const follows = call.follows.map((appid) => requireApp(state, appid, ['officialAccount']).appid); // all checked before any is made
    const sub = { at: clock.now(), scene: 'ADD_SCENE_OTHERS', qrScene: 0, qrSceneStr: '' };
    let first = '';
    let last = '';
    for (let i = 0; i < call.count; i++) {
      const person = state.persons.create({});
      for (const appid of follows) state.persons.follow(person, appid, sub);
      if (i === 0) first = person.id;
      last = person.id;
    }
    return reply.code(201).send({ created: call.count, first, last });
  });

  app.get(base, async () => state.persons.list().map((p) => state.persons.snapshot(p)));

  app.get<IdParams>(`${base}/:id`, async (request) => state.persons.snapshot(requirePerson(state, request.params.id)));

  app.patch<IdParams>(`${base}/:id`, async (request) => {
    const person = requirePerson(state, request.params.id);
    const patch = parseBody(patchSchema, request.body);
    if (patch.riskBlocked !== undefined) person.riskBlocked = patch.riskBlocked;
    if (patch.declinesUserInfo !== undefined) person.declinesUserInfo = patch.declinesUserInfo;
    if (patch.phoneNumber !== undefined) {
      const [, countryCode, number] = PHONE.exec(patch.phoneNumber) as RegExpExecArray;
      person.phone = { countryCode: countryCode ?? '86', number: number as string };
    }
    return state.persons.snapshot(person);
  });

  app.post<IdParams>(`${base}/:id/authorize`, async (request) => {
    const person = requirePerson(state, request.params.id);
    const target = requireApp(state, parseBody(appidSchema, request.body).appid, ['officialAccount', 'website', 'mobile']);
    person.authorized.add(target.appid);
    return state.persons.snapshot(person);
  });

  app.post<IdParams>(`${base}/:id/rotate-session-key`, async (request) => {
    const person = requirePerson(state, request.params.id);
    const target = requireApp(state, parseBody(appidSchema, request.body).appid, ['miniprogram']);
    if (state.sessionKeys.current(person.id, target.appid) === undefined) {
      throw new AppError('ERR_EMULATOR_BAD_REQUEST', { message: `${person.id} has no session with ${target.appid}: call wx.login first.` });
    }
    state.sessionKeys.rotate(person.id, target.appid);
    return state.persons.snapshot(person); // never the key itself
  });
}
