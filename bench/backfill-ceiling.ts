/**
 * The ceiling of bench/backfill.ts: a bare fetch loop walking an official account's followers the way
 * `weunion backfill followers` does — one `cgi-bin/user/get` page after another, `cgi-bin/user/info/batchget` 100
 * openids a call, one call at a time — with no store, no schema checks, no retries. Run as its own process, as the
 * backfill is: `EMULATOR_URL=… BENCH_APPID=… BENCH_SECRET=… tsx bench/backfill-ceiling.ts`. Prints
 * `walked <followers> <with a unionid>`.
 */
const base = process.env.EMULATOR_URL!;
const appid = process.env.BENCH_APPID!;
const secret = process.env.BENCH_SECRET!;

async function json(url: string, init?: RequestInit): Promise<any> {
  const body = (await (await fetch(url, init)).json()) as any;
  if (body.errcode) throw new Error(`${url}: ${JSON.stringify(body)}`);
  return body;
}

const { access_token: token } = await json(`${base}/cgi-bin/stable_token`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ grant_type: 'client_credential', appid, secret }),
});
let next = '';
let walked = 0;
let withUnionid = 0;
for (;;) {
  const page = await json(`${base}/cgi-bin/user/get?access_token=${token}${next ? `&next_openid=${next}` : ''}`);
  const openids: string[] = page.data?.openid ?? [];
  if (openids.length === 0) break;
  for (let i = 0; i < openids.length; i += 100) {
    const r = await json(`${base}/cgi-bin/user/info/batchget?access_token=${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user_list: openids.slice(i, i + 100).map((openid) => ({ openid, lang: 'zh_CN' })) }),
    });
    for (const info of r.user_info_list) {
      walked++;
      if (info.unionid) withUnionid++;
    }
  }
  next = page.next_openid;
}
process.stdout.write(`walked ${walked} ${withUnionid}\n`);
