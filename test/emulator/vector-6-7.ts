/** docs/wechat-api.md §6.7: the self-generated callback vector (token, key, appid, timestamp, nonce, random → Encrypt, signatures). */
export const V67 = {
  token: 'AAAAA',
  encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
  aesKeyHex: '69b71d79f8218a39259a7a29aabb2dbafc31cb3d35db7e39ebbf3d0010831051',
  appid: 'wx1234567890abcdef',
  timestamp: '1714037059',
  nonce: '486452656',
  random: '0123456789abcdef',
  toUser: 'gh_97417a04a28d',
  openid: 'o9AgO5Kd5ggOC-bXrbNODIiE3bGY',
  plaintext:
    '<xml><ToUserName><![CDATA[gh_97417a04a28d]]></ToUserName><FromUserName><![CDATA[o9AgO5Kd5ggOC-bXrbNODIiE3bGY]]></FromUserName><CreateTime>1714037059</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event><EventKey><![CDATA[qrscene_123]]></EventKey><Ticket><![CDATA[TICKET]]></Ticket></xml>',
  encrypt:
    'Q3stYC6hdFzMh9T8HCvyDGe94eq+E3mlpGTnLDHWUhrVIBdIBunH/jIyWw4jgeHjsI6AP6Ka5FLx2Yrm/PE+fv6aPd0FPZ27X8bCbzu7dcsr2Be+ImPcEvrUAH1ZeVp0vsp6NwC2nP30S1WfRshI7riDi39Gt547Ce0siCGar08qLHJLOUwiMrmzS30PkzvBD9YvAna316+kCEIP/nNMKiSgj/gLkuRle+fdapwLT4+m0q/PUUgvPvC28X1uhqJhFcQ4Rt5I9jFjBajxZakjtQs4SY9psgQyvtND4LI7UcTAXq42htawjOM+nvDuVhEw0M5bdIN6yt1fuuzv5gIbdF+4/EMkqHYZrOcWAO0KImXEIu+vn2MYvbiduhYoprZZ4DaZvdYkuvsndNvRZlcPBc5w9nhpYONjFq4bn3CZIv4EmogEUR4mpjnPFZYbmmMcrvMR6GkXUh3zVqfQtm6zIHEbYhU3wqCNMYroLvGLsz8B6HL9mb9aWvCtNCRgjbHF',
  msgSignature: '330aec4548933b3ed137c83aba5d69c5723db0e6',
  signature: '899cf89e464efb63f54ddac96b0a0a235f53aa78',
} as const;
