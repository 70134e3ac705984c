#!/usr/bin/env node
// A browser with an old tab: BROWSER starts it with the login URL; it first opens the redirect URI with
// another login's state (what a reloaded old tab sends), then, unless STRAY_ONLY=1, logs in as the
// scripted browser does. Exit 0 once done; the stray request's status goes to stderr.
import {browse} from './scripted-browser.mjs';

const [target] = process.argv.slice(2);
const redirectUri = new URL(target).searchParams.get('redirect_uri');
const stray = await fetch(`${redirectUri}?code=old-code&state=old-tab-state`);
process.stderr.write(`stray-callback-browser: the old tab's request got HTTP ${stray.status}\n`);
await stray.body?.cancel();
if (process.env['STRAY_ONLY'] !== '1') await browse(target);
