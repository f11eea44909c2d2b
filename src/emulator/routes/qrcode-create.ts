/**
 * POST /cgi-bin/qrcode/create — parameterised QR codes
 * (https://developers.weixin.qq.com/doc/offiaccount/Account_Management/Generating_a_Parametric_QR_Code.html).
 * Body `{ expire_seconds?, action_name, action_info: { scene: { scene_id | scene_str } } }`:
 * - QR_SCENE / QR_STR_SCENE: temporary, expire_seconds ≤ 2,592,000 (larger values are clamped), default
 *   `qrDefaultExpireSeconds` (30 s in older docs, 60 s in newer ones [unconf]) → `{ ticket, expire_seconds, url }`;
 * - QR_LIMIT_SCENE (scene_id 1..100,000) / QR_LIMIT_STR_SCENE (scene_str 1..64 chars): permanent → `{ ticket, url }`.
 * A missing `scene` wrapper gives scene 0 (EventKey `qrscene_0`, [obs]). Other malformed bodies → 40097 "invalid args"
 * (WeChat's generic argument error; the exact code per field is not documented).
 */
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../context.js';
import { checkAppToken } from '../token-check.js';
import { jsonObjectBody } from '../wechat-body.js';

const MAX_EXPIRE = 2_592_000;
const ACTIONS = ['QR_SCENE', 'QR_STR_SCENE', 'QR_LIMIT_SCENE', 'QR_LIMIT_STR_SCENE'] as const;
type Action = (typeof ACTIONS)[number];

/** The scene of the request, or null when malformed. */
function sceneOf(action: Action, info: unknown): number | string | null {
  const scene = typeof info === 'object' && info !== null ? (info as Record<string, unknown>).scene : undefined;
  if (scene === undefined) return 0;
  if (typeof scene !== 'object' || scene === null) return null;
  const s = scene as Record<string, unknown>;
  if (action === 'QR_SCENE' || action === 'QR_LIMIT_SCENE') {
    const id = s.scene_id ?? 0;
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id > 0xffffffff) return null;
    if (action === 'QR_LIMIT_SCENE' && (id < 1 || id > 100_000)) return null;
    return id;
  }
  const text = s.scene_str;
  if (typeof text !== 'string' || text.length < 1 || text.length > 64) return null;
  return text;
}

export function registerQrcodeCreate(app: FastifyInstance, ctx: EmulatorContext): void {
  const { state, wx, options } = ctx;
  app.post('/cgi-bin/qrcode/create', async (request, reply) => {
    const gate = checkAppToken(state, request.query, ['officialAccount']);
    if (!gate.ok) return wx.error(reply, gate.errcode);
    const parsed = jsonObjectBody(request.body);
    if (!parsed.ok) return wx.error(reply, parsed.errcode);
    const b = parsed.body;
    const action = ACTIONS.find((a) => a === b.action_name);
    if (action === undefined) return wx.error(reply, 40097);
    const scene = sceneOf(action, b.action_info);
    if (scene === null) return wx.error(reply, 40097);
    if (action.startsWith('QR_LIMIT')) {
      const { ticket, record } = state.tickets.create(gate.app.appid, scene, null);
      return wx.ok(reply, { ticket, url: record.url });
    }
    const asked = b.expire_seconds;
    if (asked !== undefined && (typeof asked !== 'number' || !Number.isFinite(asked))) return wx.error(reply, 40097);
    const expireSeconds = asked === undefined || asked <= 0 ? options.qrDefaultExpireSeconds : Math.min(Math.max(1, Math.floor(asked)), MAX_EXPIRE);
    const { ticket, record } = state.tickets.create(gate.app.appid, scene, expireSeconds);
    return wx.ok(reply, { ticket, expire_seconds: expireSeconds, url: record.url });
  });
}
