/**
 * Injected faults for WeChat paths: an errcode, an HTTP status, a raw (e.g. invalid JSON) body, a delay, or a
 * dropped connection; for the next `count` matching calls and/or a random `rate` share of them.
 */
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { IdMinter } from './ids.js';
import type { WeChatReplier } from './wechat-reply.js';

export const faultSpecSchema = z
  .strictObject({
    path: z
      .string()
      .startsWith('/')
      .refine((p) => !p.startsWith('/__emulator'), 'faults apply to WeChat paths only'),
    errcode: z.number().int().optional(),
    errmsg: z.string().optional(),
    status: z.number().int().min(100).max(599).optional(),
    body: z.string().optional(),
    delayMs: z.number().int().min(0).max(600_000).optional(),
    drop: z.literal(true).optional(),
    count: z.number().int().positive().optional(),
    rate: z.number().min(0).max(1).optional(),
  })
  .refine((f) => f.errcode !== undefined || f.status !== undefined || f.body !== undefined || f.delayMs !== undefined || f.drop, {
    message: 'a fault needs at least one of errcode, status, body, delayMs, drop',
  })
  .refine((f) => !(f.body !== undefined && (f.errcode !== undefined || f.errmsg !== undefined)), {
    message: 'body and errcode/errmsg are exclusive',
  })
  .refine((f) => !(f.drop && (f.errcode !== undefined || f.status !== undefined || f.body !== undefined)), {
    message: 'drop only combines with delayMs',
  })
  .refine((f) => f.errmsg === undefined || f.errcode !== undefined, { message: 'errmsg needs errcode' });

export type FaultSpec = z.infer<typeof faultSpecSchema>;

export interface Fault extends FaultSpec {
  readonly id: string;
  /** Calls left when `count` was given; null = unlimited. */
  remaining: number | null;
}

/** The registered faults, in registration order; the first match wins. */
export class FaultRegistry {
  readonly #ids: IdMinter;
  #faults: Fault[] = [];
  #next = 1;

  constructor(ids: IdMinter) {
    this.#ids = ids;
  }

  add(spec: FaultSpec): Fault {
    const fault: Fault = { ...spec, id: `f_${this.#next++}`, remaining: spec.count ?? null };
    this.#faults.push(fault);
    return fault;
  }

  list(): Fault[] {
    return this.#faults.map((f) => ({ ...f }));
  }

  remove(id: string): boolean {
    const before = this.#faults.length;
    this.#faults = this.#faults.filter((f) => f.id !== id);
    return this.#faults.length !== before;
  }

  clear(): void {
    this.#faults = [];
    this.#next = 1;
  }

  /** The fault to apply to this call, if any (spends one `count`; a `rate` draw uses the injected random). */
  take(path: string): Fault | undefined {
    for (const fault of this.#faults) {
      if (fault.path !== path) continue;
      if (fault.rate !== undefined && !(this.#ids.fraction() < fault.rate)) continue;
      if (fault.remaining !== null && --fault.remaining <= 0) this.remove(fault.id);
      return fault;
    }
    return undefined;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Applies `fault` to a call. Returns true when the fault answered (or dropped) the call, false when the call
 * should proceed normally (a pure delay).
 */
export async function applyFault(fault: Fault, reply: FastifyReply, wx: WeChatReplier): Promise<boolean> {
  if (fault.delayMs !== undefined && fault.delayMs > 0) await sleep(fault.delayMs);
  if (fault.drop) {
    reply.hijack();
    reply.raw.socket?.destroy();
    reply.raw.destroy();
    return true;
  }
  if (fault.body !== undefined) {
    wx.raw(reply, fault.body, fault.status ?? 200);
    return true;
  }
  if (fault.errcode !== undefined) {
    wx.error(reply, fault.errcode, { errmsg: fault.errmsg, status: fault.status });
    return true;
  }
  if (fault.status !== undefined) {
    // A status alone looks like WeChat's gateway failing: an HTML page, not JSON.
    reply.code(fault.status).header('content-type', 'text/html').send(`<html><body><h1>${fault.status}</h1></body></html>`);
    return true;
  }
  return false;
}
