/**
 * The frameworks the mini program suite (mini-program-suite.ts) runs over: each builds the SDK over a `wx` the way
 * an app on that framework would, through the framework's adapter and a fake of the framework's documented API
 * (src/client/testing/emulator-uni.ts, emulator-taro.ts) wrapped around that `wx`.
 */
import { createTaroClient } from '../../src/client/adapters/taro.js';
import { createUniClient } from '../../src/client/adapters/uni.js';
import { createMiniProgramClient, type MiniProgramClient, type MiniProgramClientOptions } from '../../src/client/index.js';
import { taroFromWx } from '../../src/client/testing/emulator-taro.js';
import { uniFromWx } from '../../src/client/testing/emulator-uni.js';

export interface Framework {
  name: string;
  client(options: MiniProgramClientOptions): MiniProgramClient;
}

export const FRAMEWORKS = {
  wx: { name: 'wx', client: (o) => createMiniProgramClient(o) },
  uniVue2: { name: 'uni-app (Vue 2)', client: ({ wx, ...o }) => createUniClient({ ...o, uni: uniFromWx(wx, 'vue2') }) },
  uniVue3: { name: 'uni-app (Vue 3)', client: ({ wx, ...o }) => createUniClient({ ...o, uni: uniFromWx(wx, 'vue3') }) },
  taroWeapp: { name: 'Taro (weapp)', client: ({ wx, ...o }) => createTaroClient({ ...o, taro: taroFromWx(wx, 'weapp') }) },
  taroH5: { name: 'Taro (H5 request)', client: ({ wx, ...o }) => createTaroClient({ ...o, taro: taroFromWx(wx, 'h5') }) },
} satisfies Record<string, Framework>;
