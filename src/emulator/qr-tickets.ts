/**
 * Parameterised QR codes (`cgi-bin/qrcode/create`): temporary ones (QR_SCENE / QR_STR_SCENE) expire on the virtual
 * clock, permanent ones (QR_LIMIT_SCENE / QR_LIMIT_STR_SCENE) never do
 * (https://developers.weixin.qq.com/doc/offiaccount/Account_Management/Generating_a_Parametric_QR_Code.html).
 */
import type { Clock } from '../clock.js';
import type { IdMinter } from './ids.js';

export interface QrTicket {
  readonly appid: string;
  /** scene_id (number) or scene_str (string). */
  readonly scene: number | string;
  /** Epoch ms; null for a permanent code. */
  readonly expiresAt: number | null;
  readonly url: string;
}

export type TicketLookup = { ok: true; ticket: QrTicket } | { ok: false; reason: 'unknown' | 'expired' };

export class QrTickets {
  readonly #clock: Clock;
  readonly #ids: IdMinter;
  readonly #tickets = new Map<string, QrTicket>();

  constructor(clock: Clock, ids: IdMinter) {
    this.#clock = clock;
    this.#ids = ids;
  }

  /**
   * Creates a code; `expireSeconds` null = permanent. Tickets look like WeChat's today: `gQ` + URL-safe base64 without
   * padding (`-` and `_`, never `+ / =`), so a library that puts one in the showqrcode URL unencoded still finds it.
   */
  create(appid: string, scene: number | string, expireSeconds: number | null): { ticket: string; record: QrTicket } {
    const ticket = `gQ${this.#ids.bytes(70).toString('base64url')}`;
    const url = `http://weixin.qq.com/q/02${this.#ids.bytes(16).toString('base64url')}`;
    const record: QrTicket = { appid, scene, expiresAt: expireSeconds === null ? null : this.#clock.now() + expireSeconds * 1000, url };
    this.#tickets.set(ticket, record);
    return { ticket, record };
  }

  /** The code a ticket stands for, if it is one of `appid`'s and still valid. */
  lookup(ticket: string, appid?: string): TicketLookup {
    const record = this.#tickets.get(ticket);
    if (record === undefined || (appid !== undefined && record.appid !== appid)) return { ok: false, reason: 'unknown' };
    if (record.expiresAt !== null && this.#clock.now() >= record.expiresAt) return { ok: false, reason: 'expired' };
    return { ok: true, ticket: record };
  }

  get size(): number {
    return this.#tickets.size;
  }

  clear(): void {
    this.#tickets.clear();
  }
}
