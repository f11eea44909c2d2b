/** The mini program suite and the refresh suite (mini-program-suite.ts) over the `wx` global itself. */
import { FRAMEWORKS } from './frameworks.js';
import { miniProgramClientSuite } from './mini-program-suite.js';
import { refreshSuite } from './refresh-suite.js';

miniProgramClientSuite(FRAMEWORKS.wx);
refreshSuite(FRAMEWORKS.wx);
