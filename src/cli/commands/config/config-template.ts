/**
 * The weunion.config.json `weunion init` writes: one app of each of the four kinds, every secret from the environment
 * (`${VAR}`), each field explained in English and 中文. Comments are allowed in this file (config/json-comments.ts).
 */
export const CONFIG_TEMPLATE = `// weunion config. Comments are allowed here. \${NAME} is read from the environment at start.
// weunion 配置文件。此文件允许注释。\${NAME} 在启动时从环境变量读取。
// Every field: src/config/schema.ts · Production: README.md "Production start" / README.zh-CN.md「生产环境启动」
{
  "server": {
    // Where to listen. 监听地址与端口（容器内用 0.0.0.0）。
    "host": "127.0.0.1",
    "port": 3000,
    // Behind a proxy, which hops may say who the client is (X-Forwarded-For). 反向代理后面时信任的跳数。
    "trustProxy": false
  },
  // This service's public URL, the one registered with WeChat (OAuth redirect_uri, callback URL).
  // 本服务对外的地址，须与微信后台登记的域名一致（网页授权回调、消息推送 URL）。
  "publicUrl": "https://id.example.com",
  // sqlite:<file> for one instance; postgres://… for several. 单实例用 SQLite，多实例用 PostgreSQL。
  "storage": "sqlite:./.weunion/weunion.db",
  // "memory" for one instance; redis://… shared by every instance. 多实例时共享的 Redis。
  "cache": "memory",
  // The deployment's keys, given, so every instance has the same ones (production refuses to generate them).
  //   atRestKey:  openssl rand -base64 32
  //   signingJwk: node -e "console.log(JSON.stringify(require('crypto').generateKeyPairSync('ec',{namedCurve:'P-256'}).privateKey.export({format:'jwk'})))"
  // 部署密钥：由配置给出，各实例一致（生产环境拒绝自动生成）。生成方法见上两行。
  "keys": {
    "atRestKey": "\${WEUNION_AT_REST_KEY}",
    "signingJwk": "\${WEUNION_SIGNING_JWK}"
  },
  // One union = one WeChat Open Platform account (开放平台账号): its apps share a unionid. 同一开放平台下的应用共享 unionid。
  "unions": [{ "id": "acme", "openAppid": "wx0000000000open01", "name": "ACME Open Platform" }],
  "apps": [
    // A mini program (小程序). Login: POST /v1/mp/<appid>/login { code }.
    { "appid": "wx0000000000000mp1", "secret": "\${MP_SECRET}", "kind": "miniprogram", "union": "acme", "name": "ACME Shop" },
    // An official account (公众号): callback Token, EncodingAESKey and original id (原始 ID gh_…) from 基本配置.
    // Browser login: GET /v1/oa/<appid>/authorize?redirect=…; pushes: <publicUrl>/v1/oa/<appid>/callback.
    {
      "appid": "wx0000000000000oa1",
      "secret": "\${OA_SECRET}",
      "kind": "officialAccount",
      "union": "acme",
      "token": "\${OA_TOKEN}",
      "encodingAesKey": "\${OA_ENCODING_AES_KEY}",
      "originalId": "gh_000000000000",
      // Where a login may send the browser back to. 登录完成后允许跳回的地址前缀。
      "redirectAllowList": ["https://www.example.com"]
    },
    // A website app (网站应用, QR login 扫码登录): GET /v1/web/<appid>/authorize?redirect=…
    { "appid": "wx000000000000web1", "secret": "\${WEB_SECRET}", "kind": "website", "union": "acme", "redirectAllowList": ["https://www.example.com"] },
    // A mobile app (移动应用): POST /v1/app/<appid>/login { code } with the code of the app's WeChat SDK.
    { "appid": "wx000000000000app1", "secret": "\${APP_SECRET}", "kind": "mobile", "union": "acme" }
  ]
}
`;
