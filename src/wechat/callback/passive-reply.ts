/**
 * Passive replies: the XML an official account may answer a push with, shown to the person at once.
 * https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Passive_user_reply_message.html
 */

/** A reply a callback hook may return. `news` holds 1–8 articles (WeChat shows only the first in recent clients). */
export type PassiveReply =
  | { type: 'text'; content: string }
  | { type: 'image'; mediaId: string }
  | { type: 'voice'; mediaId: string }
  | { type: 'video'; mediaId: string; title?: string; description?: string }
  | { type: 'music'; title?: string; description?: string; musicUrl?: string; hqMusicUrl?: string; thumbMediaId: string }
  | { type: 'news'; articles: ReadonlyArray<{ title: string; description?: string; picUrl?: string; url?: string }> };

/** CDATA that survives any content: `]]>` is split across two sections. */
function cdata(value: string): string {
  return `<![CDATA[${value.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}

function el(name: string, value: string | undefined): string {
  return value === undefined ? '' : `<${name}>${cdata(value)}</${name}>`;
}

function body(reply: PassiveReply): string {
  switch (reply.type) {
    case 'text':
      return el('Content', reply.content);
    case 'image':
      return `<Image>${el('MediaId', reply.mediaId)}</Image>`;
    case 'voice':
      return `<Voice>${el('MediaId', reply.mediaId)}</Voice>`;
    case 'video':
      return `<Video>${el('MediaId', reply.mediaId)}${el('Title', reply.title)}${el('Description', reply.description)}</Video>`;
    case 'music':
      return `<Music>${el('Title', reply.title)}${el('Description', reply.description)}${el('MusicUrl', reply.musicUrl)}${el('HQMusicUrl', reply.hqMusicUrl)}${el('ThumbMediaId', reply.thumbMediaId)}</Music>`;
    case 'news': {
      const items = reply.articles
        .map((a) => `<item>${el('Title', a.title)}${el('Description', a.description)}${el('PicUrl', a.picUrl)}${el('Url', a.url)}</item>`)
        .join('');
      return `<ArticleCount>${reply.articles.length}</ArticleCount><Articles>${items}</Articles>`;
    }
  }
}

/** Throws TypeError for a reply object a hook got wrong (a programming error, surfaced in the log). */
export function checkPassiveReply(reply: unknown): PassiveReply {
  const r = reply as PassiveReply | null;
  const ok =
    typeof r === 'object' &&
    r !== null &&
    ((r.type === 'text' && typeof r.content === 'string') ||
      ((r.type === 'image' || r.type === 'voice' || r.type === 'video') && typeof r.mediaId === 'string' && r.mediaId !== '') ||
      (r.type === 'music' && typeof r.thumbMediaId === 'string') ||
      (r.type === 'news' &&
        Array.isArray(r.articles) &&
        r.articles.length >= 1 &&
        r.articles.length <= 8 &&
        r.articles.every((a) => typeof a?.title === 'string')));
  if (!ok) throw new TypeError('A callback hook returned an invalid passive reply (see PassiveReply).');
  return r;
}

/**
 * The plain reply XML: addressed back to the sender, from the account.
 * @example
 *   buildReplyXml({ type: 'text', content: 'hi' }, { toUser: msg.fromUserName, fromUser: msg.toUserName, createTime: 1714037059 });
 */
export function buildReplyXml(reply: PassiveReply, to: { toUser: string; fromUser: string; createTime: number }): string {
  return (
    `<xml>${el('ToUserName', to.toUser)}${el('FromUserName', to.fromUser)}<CreateTime>${Math.floor(to.createTime)}</CreateTime>` +
    `${el('MsgType', reply.type)}${body(reply)}</xml>`
  );
}
