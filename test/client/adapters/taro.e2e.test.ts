/** The mini program suite over Taro's promise API, on weapp and with the H5 build's rejecting `Taro.request`. */
import { FRAMEWORKS } from '../frameworks.js';
import { miniProgramClientSuite } from '../mini-program-suite.js';

miniProgramClientSuite(FRAMEWORKS.taroWeapp);
miniProgramClientSuite(FRAMEWORKS.taroH5);
