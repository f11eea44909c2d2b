/**
 * What the callback protocol needs to know of an official account: the Token and EncodingAESKey(s) set in its
 * console (开发 → 基本配置), and the message mode. An app's config (`AppConfig` with a token) fits it as is.
 * https://developers.weixin.qq.com/doc/offiaccount/Basic_Information/Access_Overview.html
 */
export interface CallbackAccount {
  readonly appid: string;
  /** The callback Token: signs every push and the URL verification. */
  readonly token: string;
  /** The current EncodingAESKey (compatible and safe mode). */
  readonly encodingAesKey?: string | undefined;
  /** The key before the last rotation, still accepted while WeChat switches over. */
  readonly previousEncodingAesKey?: string | undefined;
  /** 明文 / 兼容 / 安全; default `safe` with an EncodingAESKey, else `plain`. */
  readonly callbackMode?: 'plain' | 'compatible' | 'safe' | undefined;
  /** The account's original id (`gh_…`), the ToUserName of its pushes; when set, pushes to another are refused. */
  readonly originalId?: string | undefined;
}
