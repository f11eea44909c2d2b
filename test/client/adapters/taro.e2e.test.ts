/** The mini program suite and the refresh suite over Taro's promise API, on weapp and with the H5 build's rejecting `Taro.request`. */
import { FRAMEWORKS } from '../frameworks.js';
import { miniProgramClientSuite } from '../mini-program-suite.js';
import { refreshSuite } from '../refresh-suite.js';

miniProgramClientSuite(FRAMEWORKS.taroWeapp);
refreshSuite(FRAMEWORKS.taroWeapp);
miniProgramClientSuite(FRAMEWORKS.taroH5);
refreshSuite(FRAMEWORKS.taroH5);
