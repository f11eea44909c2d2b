/**
 * Scan-to-follow website login, as state in the FlowStore (kind `qr_login`): `pending` (QR shown) → `scanned` (the
 * callback saw the subscribe/SCAN event) → `done` (the job resolved the person). The login code is issued only when
 * a poll finds the login done, and only to the browser that created it: `create` hands out a random *binding* the
 * route sets as an HttpOnly cookie, and a poll without it sees the status but not the code
 * (ERR_QR_LOGIN_BROWSER_MISMATCH), so the QR id — which travels in URLs — is not a credential by itself. The row keeps
 * neither the id nor a login code in clear: its key is the SHA-256 of the id, the binding is kept as a hash, and the
 * code is minted at read time. The first read that sees `done` consumes the row; later reads are ERR_QR_LOGIN_USED;
 * past its expiry an unfinished login is ERR_QR_LOGIN_EXPIRED. Every change wakes the waiters (FlowSignals).
 * Residual risk (docs/design.md): a phisher who shows the victim a QR code created in the phisher's own browser still
 * logs in as the victim if the victim scans it — nothing asks the phone to confirm; a passive reply hook can warn.
 * https://developers.weixin.qq.com/doc/offiaccount/Account_Management/Generating_a_Parametric_QR_Code.html
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../../clock.js';
import type { AppConfig } from '../../config/schema.js';
import { AppError } from '../../errors.js';
import type { FlowRow, FlowStore } from '../../store/port.js';
import type { LoginCodes } from '../login-codes.js';
import type { FlowSignals, OfficialAccountGateway, RandomBytes } from '../ports.js';
import { newQrLoginScene } from './qr-scene.js';

export type QrLoginStatus = 'pending' | 'scanned' | 'done';

/** What a poll sees: the status, and once `done` the one-time login code for `POST /v1/session/exchange`. */
export interface QrLoginState {
  id: string;
  status: QrLoginStatus;
  expiresAt: number;
  loginCode?: string;
}

export interface CreatedQrLogin {
  id: string;
  /** The QR code image to show (`showqrcode?ticket=`, from the gateway). */
  qrUrl: string;
  /** WeChat's ticket of the QR code (public: it is in the image URL). */
  ticket: string;
  /** Epoch ms. */
  expiresAt: number;
  expiresIn: number;
}

export interface QrLoginDeps {
  flows: Pick<FlowStore, 'putFlow' | 'findFlow' | 'consumeFlow' | 'updateFlow' | 'findFlowByLookupKey'>;
  wechat: Pick<OfficialAccountGateway, 'createTempQrCode'>;
  loginCodes: Pick<LoginCodes, 'issue'>;
  signals: FlowSignals;
  clock: Clock;
  random: RandomBytes;
  /** `flows.qrLoginTtlSeconds`. */
  ttlSeconds: number;
}

/** The person the job resolved, kept on the done row until a poll of the creating browser takes it. */
export interface QrLoginPerson {
  appid: string;
  scene: string;
  openid: string;
  userId: string;
  unionid: string | null;
  unionidConfirmed: boolean;
  isNewUser: boolean;
}

export interface QrLogin {
  /** Creates the flow and its temporary QR code (`cgi-bin/qrcode/create`, QR_STR_SCENE); `binding` goes in a cookie. */
  create(app: AppConfig): Promise<CreatedQrLogin & { binding: string }>;
  /** The callback's part: the first scan of a pending login marks it scanned (by whom is kept for the job). */
  markScanned(input: { appid: string; scene: string; openid: string }): Promise<void>;
  /** The job's part: the person is resolved; the login is done. Idempotent. */
  complete(input: QrLoginPerson): Promise<boolean>;
  /**
   * Reads a login: `pending`/`scanned`, or `done` with a fresh login code (consuming the row, unless `peek`) when
   * `browser(hash)` says the request carries the binding whose hash was stored. Throws ERR_QR_LOGIN_NOT_FOUND,
   * ERR_QR_LOGIN_EXPIRED, ERR_QR_LOGIN_USED, ERR_QR_LOGIN_BROWSER_MISMATCH.
   */
  read(id: string, options?: { peek?: boolean; browser?: (storedHash: unknown) => boolean }): Promise<QrLoginState>;
  /** Waits until the login may have changed (a wake-up), `ms` passed, or `signal` aborted. */
  changed(id: string, ms: number, signal: AbortSignal): Promise<void>;
}

const ID = /^[A-Za-z0-9_-]{22}$/;
const sha256 = (v: string) => createHash('sha256').update(v).digest('base64url');
/** The row of login `id`: keyed by the id's hash, so a database reader cannot poll it. */
const rowId = (id: string): string => `ql_${sha256(id)}`;

function stateOf(id: string, row: FlowRow): QrLoginState {
  const status = row.status === 'scanned' || row.status === 'done' ? row.status : 'pending';
  return { id, status, expiresAt: row.expiresAt };
}

export function createQrLogin(deps: QrLoginDeps): QrLogin {
  const { flows, clock, signals } = deps;
  const flow: QrLogin = {
    async create(app) {
      const ttl = deps.ttlSeconds;
      const scene = newQrLoginScene(deps.random);
      const id = deps.random(16).toString('base64url');
      const binding = deps.random(16).toString('base64url');
      // WeChat first: a failure there leaves nothing stored.
      const qr = await deps.wechat.createTempQrCode(app, scene, ttl);
      const now = clock.now();
      const expiresAt = now + Math.min(ttl, qr.expireSeconds) * 1000;
      const data = { appid: app.appid, lookupKey: scene, browserHash: sha256(binding) };
      await flows.putFlow({ id: rowId(id), kind: 'qr_login', status: 'pending', data, expiresAt }, now);
      return { id, binding, qrUrl: qr.url, ticket: qr.ticket, expiresAt, expiresIn: Math.round((expiresAt - now) / 1000) };
    },

    async markScanned(input) {
      const found = await flows.findFlowByLookupKey('qr_login', input.scene, clock.now());
      if (!found || found.data.appid !== input.appid || found.status !== 'pending') return;
      if (await flows.updateFlow(found.id, { status: 'scanned', data: { openid: input.openid } }, clock.now())) signals.notify(found.id);
    },

    async complete(input) {
      const found = await flows.findFlowByLookupKey('qr_login', input.scene, clock.now());
      if (!found || found.data.appid !== input.appid || found.status === 'done') return false;
      // Two people scanned the same code: the first scan (recorded by the callback) wins.
      if (typeof found.data.openid === 'string' && found.data.openid !== input.openid) return false;
      const { openid, userId, unionid, unionidConfirmed, isNewUser } = input;
      const person = { openid, userId, unionid, unionidConfirmed, isNewUser };
      const updated = await flows.updateFlow(found.id, { status: 'done', data: { person } }, clock.now());
      if (updated) signals.notify(found.id);
      return updated !== undefined;
    },

    async read(id, options = {}) {
      const row = ID.test(id) ? await flows.findFlow(rowId(id)) : undefined;
      if (row?.kind !== 'qr_login') throw new AppError('ERR_QR_LOGIN_NOT_FOUND');
      if (row.consumedAt !== null) throw new AppError('ERR_QR_LOGIN_USED');
      const now = clock.now();
      if (row.expiresAt <= now) throw new AppError('ERR_QR_LOGIN_EXPIRED');
      if (row.status !== 'done' || options.peek) return stateOf(id, row);
      // Checked before consuming: a poll from elsewhere must not spoil the creating browser's login.
      if (!options.browser?.(row.data.browserHash)) throw new AppError('ERR_QR_LOGIN_BROWSER_MISMATCH');
      const consumed = await flows.consumeFlow(row.id, 'qr_login', now);
      if (!consumed) throw new AppError('ERR_QR_LOGIN_USED');
      const p = consumed.data.person as Omit<QrLoginPerson, 'appid' | 'scene'>;
      const appid = String(consumed.data.appid);
      const loginCode = await deps.loginCodes.issue({ ...p, appid, unionidConfirmed: p.unionidConfirmed === true });
      return { ...stateOf(id, consumed), status: 'done', loginCode };
    },

    changed: (id, ms, signal) => signals.wait(rowId(id), ms, signal),
  };
  return Object.freeze(flow);
}
