/**
 * Control API standing in for WeChat Pay: `POST /__emulator/pay {appid, person}` records a payment by the person in
 * a mini program and answers `{ transactionId, mchId, outTradeNo }`; getpaidunionid finds it for 5 minutes.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { CONTROL_PREFIX, type EmulatorContext } from '../context.js';
import { parseBody, requireApp, requirePerson } from '../control-request.js';

const callSchema = z.strictObject({ appid: z.string().min(1), person: z.string().min(1) });

export function registerControlPay(app: FastifyInstance, ctx: EmulatorContext): void {
  const { state } = ctx;
  app.post(`${CONTROL_PREFIX}/pay`, async (request) => {
    const call = parseBody(callSchema, request.body);
    const person = requirePerson(state, call.person);
    const target = requireApp(state, call.appid, ['miniprogram']);
    const { transactionId, mchId, outTradeNo } = state.payments.pay(target.appid, person.id);
    return { transactionId, mchId, outTradeNo };
  });
}
