/**
 * Simulated WeChat Pay payments, so `wxa/getpaidunionid` has something to find: it works only within 5 minutes of
 * the payment (https://developers.weixin.qq.com/miniprogram/dev/server/API/user-info/basic-info/api_getpaidunionid).
 */
import type { Clock } from '../clock.js';
import type { IdMinter } from './ids.js';

export interface Payment {
  readonly appid: string;
  readonly personId: string;
  readonly transactionId: string;
  readonly mchId: string;
  readonly outTradeNo: string;
  /** Virtual epoch ms. */
  readonly paidAt: number;
}

const digits = (b: Buffer, n: number): string =>
  [...b]
    .map((x) => String(x % 10))
    .join('')
    .slice(0, n);

export class Payments {
  readonly #clock: Clock;
  readonly #ids: IdMinter;
  readonly #byTransaction = new Map<string, Payment>();

  constructor(clock: Clock, ids: IdMinter) {
    this.#clock = clock;
    this.#ids = ids;
  }

  /** Records a payment: a 28-digit transaction id (`42…`), a 10-digit merchant id, a 32-char out_trade_no. */
  pay(appid: string, personId: string): Payment {
    const payment: Payment = {
      appid,
      personId,
      transactionId: `42${digits(this.#ids.bytes(26), 26)}`,
      mchId: `19${digits(this.#ids.bytes(8), 8)}`,
      outTradeNo: this.#ids.code(),
      paidAt: this.#clock.now(),
    };
    this.#byTransaction.set(payment.transactionId, payment);
    return payment;
  }

  /** By transaction id, or by merchant id + out_trade_no. */
  find(order: { transactionId?: string | undefined; mchId?: string | undefined; outTradeNo?: string | undefined }): Payment | undefined {
    if (order.transactionId !== undefined) return this.#byTransaction.get(order.transactionId);
    if (order.mchId === undefined || order.outTradeNo === undefined) return undefined;
    for (const p of this.#byTransaction.values()) if (p.mchId === order.mchId && p.outTradeNo === order.outTradeNo) return p;
    return undefined;
  }

  get size(): number {
    return this.#byTransaction.size;
  }

  clear(): void {
    this.#byTransaction.clear();
  }
}
