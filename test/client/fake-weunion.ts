/**
 * A small fake of weunion + the emulator's wx side, speaking the HTTP contract the SDK codes against.
 * "Sealed" data is `sealed:<person>:<keyVersion>`; the server checks the version against the one it saw
 * at code2session, like a real session_key check. Knobs let a test force each branch.
 */
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';

interface Person {
  id: string;
  keyVersion: number;
  declinesUserInfo: boolean;
}
interface Session {
  userId: string;
  openid: string;
  person: string;
  keyVersion: number;
  expired: boolean;
}

export interface FakeKnobs {
  /** code2session returns the unionid (app bound + person known to the open platform). */
  unionidOnLogin: boolean;
  /** The app is bound to an Open Platform account (else /unionid → 422 ERR_UNIONID_UNAVAILABLE). */
  bound: boolean;
  /** Answer the next N data checks with 409 ERR_SESSION_KEY_STALE regardless of the key. */
  forceStale: number;
  /** Every wx.login mints a new session_key (as WeChat may). */
  rotateOnLogin: boolean;
  /** Every token reads as expired (401 ERR_AUTH_EXPIRED), even fresh ones. */
  allTokensExpired: boolean;
}

export async function startFakeWeUnion() {
  const knobs: FakeKnobs = { unionidOnLogin: false, bound: true, forceStale: 0, rotateOnLogin: false, allTokensExpired: false };
  const persons = new Map<string, Person>();
  const codes = new Map<string, { person: string; used: boolean }>();
  const sessions = new Map<string, Session>();
  const userByOpenid = new Map<string, string>();
  const userByUnionid = new Map<string, string>();
  const log: string[] = [];
  let n = 0;

  const openidOf = (appid: string, person: string) => `o_${appid}_${person}`;
  const unionidOf = (person: string) => `u_${person}`;
  const fail = (reply: FastifyReply, status: number, code: string) => reply.code(status).send({ error: { code, message: code } });

  function resolveUser(openid: string, unionid: string | null): { userId: string; isNewUser: boolean } {
    const a = userByOpenid.get(openid);
    const u = unionid ? userByUnionid.get(unionid) : undefined;
    let userId = u ?? a;
    let isNewUser = false;
    if (userId === undefined) {
      userId = `user${++n}`;
      isNewUser = true;
    }
    // Merge: the unionid's owner survives; the openid moves to it.
    userByOpenid.set(openid, userId);
    if (unionid) userByUnionid.set(unionid, userId);
    return { userId, isNewUser };
  }

  function issue(_appid: string, person: Person, openid: string, unionid: string | null, keyVersion: number) {
    const { userId, isNewUser } = resolveUser(openid, unionid);
    const token = `t${++n}`;
    sessions.set(token, { userId, openid, person: person.id, keyVersion, expired: false });
    return { userId, openid, unionid, isNewUser, token, expiresIn: 3600 };
  }

  /** True when the sealed data matches the session_key the server holds. */
  function checkSealed(data: unknown, person: string, keyVersion: number): boolean {
    if (knobs.forceStale > 0) {
      knobs.forceStale--;
      return false;
    }
    return data === `sealed:${person}:${keyVersion}`;
  }

  function bearer(req: FastifyRequest): Session | string {
    const h = req.headers.authorization;
    if (!h?.startsWith('Bearer ')) return 'ERR_AUTH_MISSING';
    const s = sessions.get(h.slice(7));
    if (!s) return 'ERR_AUTH_INVALID';
    return s.expired || knobs.allTokensExpired ? 'ERR_AUTH_EXPIRED' : s;
  }

  const app = Fastify();
  app.addHook('onRequest', async (req) => {
    log.push(`${req.method} ${req.url.split('?')[0]}`);
  });

  app.post('/__emulator/wx.login', async (req) => {
    const { person } = req.body as { person: string };
    const p = persons.get(person)!;
    if (knobs.rotateOnLogin) p.keyVersion++;
    const code = `code${++n}`;
    codes.set(code, { person, used: false });
    return { code };
  });
  app.post('/__emulator/wx.getUserInfo', async (req, reply) => {
    const { person } = req.body as { person: string };
    const p = persons.get(person)!;
    if (p.declinesUserInfo) return reply.code(403).send({ errMsg: 'auth deny' });
    return { encryptedData: `sealed:${person}:${p.keyVersion}`, iv: 'iv', rawData: '{}', signature: 'sig', userInfo: { nickName: 'x' } };
  });

  app.post('/v1/mp/:appid/login', async (req, reply) => {
    const { appid } = req.params as { appid: string };
    const body = req.body as { code?: string; encryptedData?: string };
    const c = body.code === undefined ? undefined : codes.get(body.code);
    if (!c) return fail(reply, 400, 'ERR_WECHAT_CODE_INVALID');
    if (c.used) return fail(reply, 400, 'ERR_WECHAT_CODE_USED');
    c.used = true;
    const p = persons.get(c.person)!;
    let unionid = knobs.unionidOnLogin && knobs.bound ? unionidOf(p.id) : null;
    if (unionid === null && body.encryptedData !== undefined) {
      if (!checkSealed(body.encryptedData, p.id, p.keyVersion)) return fail(reply, 409, 'ERR_SESSION_KEY_STALE');
      if (knobs.bound) unionid = unionidOf(p.id);
    }
    return issue(appid, p, openidOf(appid, p.id), unionid, p.keyVersion);
  });

  app.post('/v1/mp/:appid/unionid', async (req, reply) => {
    const { appid } = req.params as { appid: string };
    const s = bearer(req);
    if (typeof s === 'string') return fail(reply, 401, s);
    const body = req.body as { encryptedData?: string; iv?: string };
    if (typeof body.encryptedData !== 'string' || typeof body.iv !== 'string') return fail(reply, 400, 'ERR_VALIDATION');
    if (!checkSealed(body.encryptedData, s.person, s.keyVersion)) return fail(reply, 409, 'ERR_SESSION_KEY_STALE');
    if (!knobs.bound) return fail(reply, 422, 'ERR_UNIONID_UNAVAILABLE');
    return issue(appid, persons.get(s.person)!, s.openid, unionidOf(s.person), s.keyVersion);
  });

  app.get('/v1/me', async (req, reply) => {
    const s = bearer(req);
    if (typeof s === 'string') return fail(reply, 401, s);
    return { userId: userByOpenid.get(s.openid), identities: {} };
  });

  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    url,
    knobs,
    log,
    createPerson(opts: { declinesUserInfo?: boolean } = {}): string {
      const id = `p${++n}`;
      persons.set(id, { id, keyVersion: 1, declinesUserInfo: opts.declinesUserInfo ?? false });
      return id;
    },
    /** The user owning this person's unionid, as if they had logged in elsewhere first. */
    seedUnionUser(person: string): string {
      return resolveUser(`o_elsewhere_${person}`, unionidOf(person)).userId;
    },
    setDeclines(person: string, declinesUserInfo: boolean): void {
      persons.get(person)!.declinesUserInfo = declinesUserInfo;
    },
    /** WeChat rotated the person's session_key (e.g. a later wx.login elsewhere). */
    rotateSessionKey(person: string): void {
      persons.get(person)!.keyVersion++;
    },
    expireAllTokens(): void {
      for (const s of sessions.values()) s.expired = true;
    },
    unionidOf,
    openidOf,
    close: () => app.close(),
  };
}

export type FakeWeUnion = Awaited<ReturnType<typeof startFakeWeUnion>>;
