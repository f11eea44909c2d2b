import { describe, expect, it } from 'vitest';
import { createCallbackHooks } from '../../../src/flows/oa/callback-hooks.js';
import { parseCallbackXml } from '../../../src/wechat/callback/callback-xml.js';
import { toOaMessage, type OaMessage } from '../../../src/wechat/callback/oa-message.js';

function push(type: string, rest: string): OaMessage {
  return toOaMessage(
    'wxapp',
    parseCallbackXml(`<xml><ToUserName>gh_1</ToUserName><FromUserName>o-1</FromUserName><CreateTime>1</CreateTime><MsgType>${type}</MsgType>${rest}</xml>`),
  );
}
const text = push('text', '<Content>hi</Content><MsgId>1</MsgId>');
const scan = push('event', '<Event>SCAN</Event><EventKey>k</EventKey>');

function logSink() {
  const lines: string[] = [];
  return { lines, warn: (_obj: Record<string, unknown>, msg: string) => void lines.push(msg) };
}

describe('createCallbackHooks()', () => {
  it('dispatch() runs the specific hooks, then "*", and answers the first passive reply', async () => {
    const hooks = createCallbackHooks();
    const calls: string[] = [];
    hooks.on('*', () => void calls.push('*'));
    hooks.on('text', (m) => {
      calls.push(`text:${m.content}`);
      return { type: 'text', content: 'first' };
    });
    hooks.on('text', () => {
      calls.push('second');
      return { type: 'text', content: 'second' };
    });
    expect(await hooks.dispatch(text)).toEqual({ type: 'text', content: 'first' });
    expect(calls).toEqual(['text:hi', 'second', '*']);
  });

  it('matches event names case-insensitively, and not other kinds', async () => {
    const hooks = createCallbackHooks();
    hooks.on('event:scan', (e) => ({ type: 'text', content: `scanned ${'eventKey' in e ? e.eventKey : ''}` }));
    expect(await hooks.dispatch(scan)).toEqual({ type: 'text', content: 'scanned k' });
    expect(await hooks.dispatch(text)).toBeUndefined();
  });

  it('on() returns a function that removes the hook', async () => {
    const hooks = createCallbackHooks();
    const off = hooks.on('text', () => ({ type: 'text', content: 'x' }));
    off();
    expect(await hooks.dispatch(text)).toBeUndefined();
  });

  it('logs and skips a throwing hook or an invalid reply', async () => {
    const hooks = createCallbackHooks();
    const log = logSink();
    hooks.on('text', () => {
      throw new Error('boom');
    });
    hooks.on('text', () => ({ type: 'text' }) as never);
    hooks.on('*', async () => ({ type: 'image', mediaId: 'm' }));
    expect(await hooks.dispatch(text, log)).toEqual({ type: 'image', mediaId: 'm' });
    expect(log.lines).toHaveLength(2);
  });

  it('gives up after timeoutMs and answers no reply', async () => {
    const hooks = createCallbackHooks({ timeoutMs: 20 });
    const log = logSink();
    hooks.on('text', () => new Promise((resolve) => setTimeout(() => resolve({ type: 'text', content: 'late' }), 500)));
    expect(await hooks.dispatch(text, log)).toBeUndefined();
    expect(log.lines[0]).toMatch(/timed out/);
  });

  it('throws TypeError for misuse', () => {
    expect(() => createCallbackHooks({ timeoutMs: 0 })).toThrow(TypeError);
    expect(() => createCallbackHooks().on('', () => undefined)).toThrow(TypeError);
    expect(() => createCallbackHooks().on('text', 'x' as never)).toThrow(TypeError);
  });
});
