/**
 * Callback hooks: how users of the library act on official-account messages and events, and answer them with a
 * passive reply (sent plain or encrypted to match the push). weunion's own work (user/info → link, follow state,
 * scan-to-follow logins) runs in durable jobs regardless of the hooks; hooks run once per push (never for WeChat's
 * retries of a push already accepted), while WeChat waits, so they must be quick: a hook still running after
 * `timeoutMs` is ignored and WeChat gets `success`.
 */
import type {
  OaImageMessage,
  OaLinkMessage,
  OaLocationEvent,
  OaLocationMessage,
  OaMenuEvent,
  OaMessage,
  OaOtherEvent,
  OaScanEvent,
  OaSubscribeEvent,
  OaTextMessage,
  OaUnsubscribeEvent,
  OaVideoMessage,
  OaVoiceMessage,
} from '../../wechat/callback/oa-message.js';
import { checkPassiveReply, type PassiveReply } from '../../wechat/callback/passive-reply.js';

/** Hook keys and the message each receives: a MsgType, `event:<Event>` (event names match case-insensitively), or `*`. */
export interface OaHookMap {
  text: OaTextMessage;
  image: OaImageMessage;
  voice: OaVoiceMessage;
  video: OaVideoMessage;
  shortvideo: OaVideoMessage;
  location: OaLocationMessage;
  link: OaLinkMessage;
  'event:subscribe': OaSubscribeEvent;
  'event:unsubscribe': OaUnsubscribeEvent;
  'event:SCAN': OaScanEvent;
  'event:LOCATION': OaLocationEvent;
  'event:CLICK': OaMenuEvent;
  'event:VIEW': OaMenuEvent;
  '*': OaMessage;
}

/** A hook: may return a passive reply (the first one returned is sent), or nothing. */
export type OaHook<M extends OaMessage = OaMessage> = (message: M) => PassiveReply | undefined | undefined | Promise<PassiveReply | undefined | undefined>;

/** What a hook failure or timeout is reported to (the callback route passes its request logger). */
export interface HookLogger {
  warn(obj: Record<string, unknown>, msg: string): void;
}

export interface CallbackHooks {
  /**
   * Registers a hook; returns a function that removes it.
   * @example
   *   hooks.on('event:subscribe', (e) => ({ type: 'text', content: 'Welcome!' }));
   *   hooks.on('text', (m) => (m.content === 'hi' ? { type: 'text', content: 'hello' } : undefined));
   */
  on<K extends keyof OaHookMap>(key: K, hook: OaHook<OaHookMap[K]>): () => void;
  on(key: `event:${string}`, hook: OaHook<OaOtherEvent>): () => void;
  on(key: string, hook: OaHook): () => void;
  /**
   * Runs the hooks for one message: the specific ones (MsgType or `event:<Event>`), then `*`, in registration order,
   * each awaited; a throwing hook is logged and skipped. Resolves to the first passive reply, or undefined.
   */
  dispatch(message: OaMessage, log?: HookLogger): Promise<PassiveReply | undefined>;
}

export interface CallbackHooksOptions {
  /** How long all hooks of one push may take together (WeChat gives up after 5 s). Default 3000. */
  timeoutMs?: number;
}

function keyOf(message: OaMessage): string {
  return 'event' in message && message.msgType === 'event' ? `event:${message.event.toLowerCase()}` : message.msgType;
}

function normalise(key: string): string {
  if (typeof key !== 'string' || key === '') throw new TypeError('A hook key is a MsgType, "event:<Event>" or "*".');
  return key.startsWith('event:') ? `event:${key.slice(6).toLowerCase()}` : key;
}

/**
 * An empty registry of hooks.
 * @example
 *   const hooks = createCallbackHooks();
 *   hooks.on('*', (m) => console.log(m.msgType));
 */
export function createCallbackHooks(options: CallbackHooksOptions = {}): CallbackHooks {
  const timeoutMs = options.timeoutMs ?? 3000;
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new TypeError('timeoutMs must be a positive integer');
  const hooks = new Map<string, OaHook[]>();

  async function runAll(list: OaHook[], message: OaMessage, log?: HookLogger): Promise<PassiveReply | undefined> {
    let reply: PassiveReply | undefined;
    for (const hook of list) {
      try {
        const r = await hook(message);
        if (r !== undefined && reply === undefined) reply = checkPassiveReply(r);
      } catch (err) {
        log?.warn({ err, msgType: message.msgType }, 'official-account callback hook failed');
      }
    }
    return reply;
  }

  return {
    on(key: string, hook: OaHook<never>): () => void {
      if (typeof hook !== 'function') throw new TypeError('A hook is a function.');
      const k = normalise(key);
      const list = hooks.get(k) ?? [];
      list.push(hook as OaHook);
      hooks.set(k, list);
      return () => {
        const i = list.indexOf(hook as OaHook);
        if (i >= 0) list.splice(i, 1);
      };
    },
    async dispatch(message, log) {
      const own = hooks.get(keyOf(message));
      const any = hooks.get('*');
      if (!own?.length && !any?.length) return undefined; // no hook: nothing built for this push
      const list = [...(own ?? []), ...(any ?? [])];
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<undefined>((resolve) => {
        timer = setTimeout(() => {
          log?.warn({ msgType: message.msgType, timeoutMs }, 'official-account callback hooks timed out; answering success');
          resolve(undefined);
        }, timeoutMs);
      });
      try {
        return await Promise.race([runAll(list, message, log), timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
