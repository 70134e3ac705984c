#!/usr/bin/env node
// A browser that only finishes logins on another device: given a device verification address (it holds
// `user_code`), it logs in as the scripted browser does; any other URL (the browser login's) it leaves
// unvisited, like a tab the user never looked at.
import {browse} from '../helpers/scripted-browser.mjs';

const [url] = process.argv.slice(2);
if (url !== undefined && new URL(url).searchParams.has('user_code')) await browse(url);
