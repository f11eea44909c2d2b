/**
 * What a plain-mode callback signature may be used for, remembered in the flow store for twice the timestamp window
 * (so any instance sees it). Plain mode signs only (token, timestamp, nonce), not the body: a signed URL seen once
 * could otherwise carry any XML for the whole window.
 * - A push: the first body seen with a signature is bound to it (its SHA-256); the same signature with another body
 *   is refused (ERR_CALLBACK_REPLAYED), while WeChat's retry of the very same push passes.
 * - The URL verification (GET): signed the same way but over no body, so its signature is bound to "verification":
 *   a POST presenting it (someone who saw the verification URL) is refused whatever its body.
 * Keyed on the signature alone: digits can move between timestamp and nonce without changing the sorted
 * concatenation it signs.
 * https://developers.weixin.qq.com/doc/offiaccount/Basic_Information/Access_Overview.html
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../../clock.js';
import { AppError } from '../../errors.js';
import { type FlowStore, UniqueViolationError } from '../../store/port.js';

export interface SignatureBindingDeps {
  flows: Pick<FlowStore, 'putFlow' | 'findFlow'>;
  clock: Clock;
  /** `callback.timestampWindowSeconds`. */
  windowSeconds: number;
}

export interface SignatureBinding {
  /** Binds `signature` to this push body; ERR_CALLBACK_REPLAYED when it was used with another, or to verify the URL. */
  toBody(signature: string, body: string): Promise<void>;
  /** Remembers `signature` as a URL verification's. A verification repeated is fine: its echo reveals nothing. */
  toVerification(signature: string): Promise<void>;
}

type Use = { bodyHash: string } | { verification: true };

const sha256 = (text: string) => createHash('sha256').update(text).digest('base64url');

export function createSignatureBinding(deps: SignatureBindingDeps): SignatureBinding {
  /** The use already recorded for `signature`, or null when this is its first. */
  async function record(signature: string, use: Use): Promise<Record<string, unknown> | null> {
    const now = deps.clock.now();
    const id = `cs_${sha256(signature)}`;
    try {
      await deps.flows.putFlow({ id, kind: 'callback_signature', status: 'seen', data: use, expiresAt: now + deps.windowSeconds * 2000 }, now);
      return null;
    } catch (e) {
      if (!(e instanceof UniqueViolationError)) throw e;
      return (await deps.flows.findFlow(id))?.data ?? null;
    }
  }

  return Object.freeze({
    async toBody(signature: string, body: string): Promise<void> {
      const bodyHash = sha256(body);
      const seen = await record(signature, { bodyHash });
      if (seen?.verification === true) {
        throw new AppError('ERR_CALLBACK_REPLAYED', { message: 'This signature was used for the URL verification; a push cannot carry it.' });
      }
      if (seen && seen.bodyHash !== bodyHash) throw new AppError('ERR_CALLBACK_REPLAYED');
    },
    async toVerification(signature: string): Promise<void> {
      await record(signature, { verification: true });
    },
  });
}
