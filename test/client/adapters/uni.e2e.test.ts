/** The mini program suite and the refresh suite over uni-app's `uni`, with either promise style (the adapter uses the callback form). */
import { FRAMEWORKS } from '../frameworks.js';
import { miniProgramClientSuite } from '../mini-program-suite.js';
import { refreshSuite } from '../refresh-suite.js';

miniProgramClientSuite(FRAMEWORKS.uniVue2);
refreshSuite(FRAMEWORKS.uniVue2);
miniProgramClientSuite(FRAMEWORKS.uniVue3);
refreshSuite(FRAMEWORKS.uniVue3);
