/**
 * The baseline users write today: the seeds' "server decides" login recipe hand-rolled on Express 5, as an ordinary
 * backend does it — no weunion code. Node's fetch for code2session (axios is what such code often uses; fetch is
 * what it uses when no client library is installed), WXBizDataCrypt's AES-128-CBC decryption with node:crypto when
 * code2session gave no unionid, one `users` table keyed by unionid/openid on better-sqlite3 (WAL; `synchronous =
 * NORMAL` like weunion, so the comparison is not about fsync), a transaction per login, and an HS256 JWT signed
 * with jose (the `jsonwebtoken.sign(payload, secret, { expiresIn })` habit). Statements are prepared once, as
 * better-sqlite3's README shows. Deliberately not slowed down: it is what weunion has to beat.
 * https://developers.weixin.qq.com/miniprogram/dev/framework/open-ability/union-id.html
 * Env: EMULATOR_URL (WeChat), SEED_DB (SQLite file; default a temp dir). Prints `LISTENING <url>`.
 */
import { createDecipheriv } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import express, { type NextFunction, type Request, type Response } from 'express';
import { SignJWT } from 'jose';
import { DEMO_APPS } from '../../src/config/demo-config.js';

const APPID = DEMO_APPS.mp1;
const APP_SECRET = 'sandbox-secret-mp1';
const JWT_SECRET = new TextEncoder().encode('a-long-random-secret-from-the-environment-0123456789');
const wechatBase = process.env.EMULATOR_URL!;

const db = new Database(process.env.SEED_DB ?? path.join(mkdtempSync(path.join(tmpdir(), 'express-seed-')), 'app.db'));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.exec(`CREATE TABLE IF NOT EXISTS users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  openid TEXT NOT NULL UNIQUE,
  unionid TEXT UNIQUE,
  session_key TEXT NOT NULL,
  nickname TEXT,
  avatar_url TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
)`);
const byUnionid = db.prepare<[string], { id: number }>('SELECT id FROM users WHERE unionid = ?');
const byOpenid = db.prepare<[string], { id: number }>('SELECT id FROM users WHERE openid = ?');
const insertUser = db.prepare('INSERT INTO users (openid, unionid, session_key, nickname, avatar_url, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
const updateUser = db.prepare('UPDATE users SET openid = ?, unionid = COALESCE(?, unionid), session_key = ?, updated_at = ? WHERE id = ?');

interface WxUser {
  openid: string;
  unionid: string | null;
  sessionKey: string;
  nickname?: string | undefined;
  avatarUrl?: string | undefined;
}

/** Find by unionid, else by openid; update or insert — one transaction. */
const upsertUser = db.transaction((u: WxUser): number => {
  const now = Date.now();
  const row = (u.unionid ? byUnionid.get(u.unionid) : undefined) ?? byOpenid.get(u.openid);
  if (row) {
    updateUser.run(u.openid, u.unionid, u.sessionKey, now, row.id);
    return row.id;
  }
  return Number(insertUser.run(u.openid, u.unionid, u.sessionKey, u.nickname ?? null, u.avatarUrl ?? null, now, now).lastInsertRowid);
});

/** WXBizDataCrypt.decryptData, as in WeChat's Node sample. */
function decryptData(sessionKey: string, encryptedData: string, iv: string): Record<string, any> {
  const decipher = createDecipheriv('aes-128-cbc', Buffer.from(sessionKey, 'base64'), Buffer.from(iv, 'base64'));
  decipher.setAutoPadding(true);
  const decoded = JSON.parse(decipher.update(encryptedData, 'base64', 'utf8') + decipher.final('utf8'));
  if (decoded.watermark?.appid !== APPID) throw new Error('Illegal Buffer');
  return decoded;
}

const app = express();
app.use(express.json());

app.post('/login', async (req: Request, res: Response, next: NextFunction) => {
  try {
    const { code, encryptedData, iv } = req.body ?? {};
    if (!code) return void res.status(400).json({ error: 'code required' });
    const q = new URLSearchParams({ appid: APPID, secret: APP_SECRET, js_code: code, grant_type: 'authorization_code' });
    const session = (await (await fetch(`${wechatBase}/sns/jscode2session?${q}`)).json()) as {
      openid?: string;
      session_key?: string;
      unionid?: string;
      errcode?: number;
    };
    if (!session.openid || !session.session_key) return void res.status(401).json({ error: 'code2session failed', errcode: session.errcode });

    const user: WxUser = { openid: session.openid, unionid: session.unionid ?? null, sessionKey: session.session_key };
    if (!user.unionid && encryptedData && iv) {
      const data = decryptData(session.session_key, encryptedData, iv);
      if (data.openId !== session.openid) return void res.status(401).json({ error: 'openid mismatch' });
      user.unionid = data.unionId ?? null;
      user.nickname = data.nickName;
      user.avatarUrl = data.avatarUrl;
    }
    const userId = upsertUser(user);
    const token = await new SignJWT({ uid: userId, openid: user.openid })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt()
      .setExpirationTime('2h')
      .sign(JWT_SECRET);
    res.json({ userId, openid: user.openid, unionid: user.unionid, token });
  } catch (err) {
    next(err);
  }
});

const server = app.listen(0, '127.0.0.1', () => {
  const addr = server.address() as { port: number };
  process.stdout.write(`LISTENING http://127.0.0.1:${addr.port}\n`);
});
process.on('SIGTERM', () => server.close(() => (db.close(), process.exit(0))));
