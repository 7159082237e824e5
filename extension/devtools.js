// AuthLens devtools_page: creates the "AuthLens" panel beside Network. Nothing else runs here;
// the panel page does the work (PLATFORM.md: the devtools page lives as long as DevTools is open).

import { api } from './browser-compat.js';

api.devtools.panels.create('AuthLens', 'icons/icon-32.png', 'panel.html');
