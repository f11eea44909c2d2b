/**
 * Scan-to-follow website login, as state in the FlowStore (kind `qr_login`, row id `ql_<id>`, data.lookupKey = the
 * QR scene): `pending` (QR shown) → `scanned` (the callback saw the subscribe/SCAN event) → `done` (the job resolved
 * the person and issued a one-time login code). The first read that sees `done` consumes the row and hands the code
 * out; later reads are ERR_QR_LOGIN_USED. Past its expiry an unfinished login is ERR_QR_LOGIN_EXPIRED.
 * https://developers.weixin.qq.com/doc/offiaccount/Account_Management/Generating_a_Parametric_QR_Code.html
 */
import type { Clock } from '../../clock.js';
import type { AppConfig } from '../../config/schema.js';
import { AppError } from '../../errors.js';
import type { FlowRow, FlowStore } from '../../store/port.js';
import type { LoginCodes } from '../login-codes.js';
import type { OfficialAccountGateway, RandomBytes } from '../ports.js';
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
  clock: Clock;
  random: RandomBytes;
  /** `flows.qrLoginTtlSeconds`. */
  ttlSeconds: number;
}

export interface QrLogin {
  /** Creates the flow and its temporary QR code (`cgi-bin/qrcode/create`, QR_STR_SCENE). */
  create(app: AppConfig): Promise<CreatedQrLogin>;
  /** The callback's part: the first scan of a pending login marks it scanned (by whom is kept for the job). */
  markScanned(input: { appid: string; scene: string; openid: string }): Promise<void>;
  /** The job's part: the person is resolved; issue the login code and mark the login done. Idempotent. */
  complete(input: { appid: string; scene: string; openid: string; userId: string; unionid: string | null; isNewUser: boolean }): Promise<boolean>;
  /**
   * Reads a login: `pending`/`scanned`, or `done` with the login code (consuming the row, unless `peek`). Throws
   * ERR_QR_LOGIN_NOT_FOUND, ERR_QR_LOGIN_EXPIRED, ERR_QR_LOGIN_USED.
   */
  read(id: string, options?: { peek?: boolean }): Promise<QrLoginState>;
}

const ID = /^[A-Za-z0-9_-]{22}$/;
const rowId = (id: string): string => `ql_${id}`;

function stateOf(id: string, row: FlowRow): QrLoginState {
  const status = row.status === 'scanned' || row.status === 'done' ? row.status : 'pending';
  return { id, status, expiresAt: row.expiresAt };
}

export function createQrLogin(deps: QrLoginDeps): QrLogin {
  const { flows, clock } = deps;
  const flow: QrLogin = {
    async create(app: AppConfig) {
      const ttl = deps.ttlSeconds;
      const scene = newQrLoginScene(deps.random);
      const id = deps.random(16).toString('base64url');
      // WeChat first: a failure there leaves nothing stored.
      const qr = await deps.wechat.createTempQrCode(app, scene, ttl);
      const now = clock.now();
      const expiresAt = now + Math.min(ttl, qr.expireSeconds) * 1000;
      await flows.putFlow({ id: rowId(id), kind: 'qr_login', status: 'pending', data: { appid: app.appid, lookupKey: scene }, expiresAt }, now);
      return { id, qrUrl: qr.url, ticket: qr.ticket, expiresAt, expiresIn: Math.round((expiresAt - now) / 1000) };
    },

    async markScanned(input) {
      const flow = await flows.findFlowByLookupKey('qr_login', input.scene, clock.now());
      if (!flow || flow.data.appid !== input.appid || flow.status !== 'pending') return;
      await flows.updateFlow(flow.id, { status: 'scanned', data: { openid: input.openid } }, clock.now());
    },

    async complete(input) {
      const flow = await flows.findFlowByLookupKey('qr_login', input.scene, clock.now());
      if (!flow || flow.data.appid !== input.appid || flow.status === 'done') return false;
      // Two people scanned the same code: the first scan (recorded by the callback) wins.
      if (typeof flow.data.openid === 'string' && flow.data.openid !== input.openid) return false;
      const { appid, openid, userId, unionid, isNewUser } = input;
      const loginCode = await deps.loginCodes.issue({ userId, appid, openid, unionid, isNewUser });
      const updated = await flows.updateFlow(flow.id, { status: 'done', data: { openid: input.openid, loginCode } }, clock.now());
      return updated !== undefined;
    },

    async read(id, options = {}) {
      const row = ID.test(id) ? await flows.findFlow(rowId(id)) : undefined;
      if (row?.kind !== 'qr_login') throw new AppError('ERR_QR_LOGIN_NOT_FOUND');
      if (row.consumedAt !== null) throw new AppError('ERR_QR_LOGIN_USED');
      const now = clock.now();
      if (row.expiresAt <= now) throw new AppError('ERR_QR_LOGIN_EXPIRED');
      if (row.status !== 'done' || options.peek) return stateOf(id, row);
      const consumed = await flows.consumeFlow(row.id, 'qr_login', now);
      if (!consumed) throw new AppError('ERR_QR_LOGIN_USED');
      return { ...stateOf(id, consumed), status: 'done', loginCode: String(consumed.data.loginCode) };
    },
  };
  return Object.freeze(flow);
}
