// co-wechat 2.4 ships no types; the bench uses its documented Koa 2 middleware only.
declare module 'co-wechat' {
  import type { Context, Middleware } from 'koa';
  interface Wechat {
    middleware(handle: (message: Record<string, unknown>, ctx: Context) => Promise<unknown>): Middleware;
  }
  const wechat: (config: { token: string; appid: string; encodingAESKey: string }) => Wechat;
  export default wechat;
}
