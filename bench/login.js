// Part 3 of the bench: a whole `mcp-auth-wizard login <url> --json` against the Fastmail-like sandbox,
// signed in by the scripted browser, without and with a fixed delay on every request to the sandbox.
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {challengeUrlOf, delayMs, roundsOf} from './discovery.js';
import {cliPath, median, timeCommand} from './lib.js';
import {startSandboxProcess} from './sandbox-process.js';

const runs = Number(process.env.BENCH_RUNS ?? 7);
const scriptedBrowser = fileURLToPath(new URL('../test/helpers/scripted-browser.mjs', import.meta.url));

/**
 * The requests of a login that must follow one another, besides discovery's rounds: the registration
 * (it needs the registration endpoint, RFC 7591 3), the browser's walk through the authorization
 * server (authorize, login page, login form, authorize again, consent page, consent form, authorize
 * again: oidc-provider's interactions, each a redirect from the one before), the token request (it
 * needs the code, RFC 6749 4.1.3), and the MCP check (initialize, then tools/list in its session).
 * The callback goes to the CLI's own loopback listener, which has no delay.
 */
const afterDiscovery = 1 + 7 + 1 + 2;

/** One login with a new store (so a new registration, as on a first login); throws unless it exits 0. */
async function login(sandbox) {
	const home = mkdtempSync(join(tmpdir(), 'maw-bench-login-'));
	try {
		return await timeCommand(process.execPath, [cliPath, 'login', sandbox.mcpUrl, '--json', '--name', 'bench', '--timeout', '60s'], {
			env: {...process.env, MCP_AUTH_WIZARD_HOME: home, BROWSER: scriptedBrowser},
		});
	} finally {
		rmSync(home, {recursive: true, force: true});
	}
}

/** @returns {Promise<import('./lib.js').Row[]>} */
export async function run() {
	const direct = await startSandboxProcess('fastmail', 0);
	const delayed = await startSandboxProcess('fastmail', delayMs);
	try {
		const sequential = roundsOf(delayed, await challengeUrlOf(delayed)).floor + afterDiscovery;
		// Interleaved, so that a slow moment of the machine hits both alike; the first pair warms up.
		const samples = {direct: [], delayed: []};
		for (let i = 0; i <= runs; i++) {
			const directMs = await login(direct);
			const delayedMs = await login(delayed);
			if (i === 0) continue;
			samples.direct.push(directMs);
			samples.delayed.push(delayedMs);
		}

		const withoutDelay = median(samples.direct);
		return [
			{group: 'login', name: 'login --json, no delay', value: withoutDelay, unit: 'ms', note: `fastmail sandbox, scripted browser; spawn to exit: CLI start, the browser's start, the MCP check; median of ${runs}`},
			{
				group: 'login',
				name: `login --json, ${delayMs} ms on every request`,
				value: median(samples.delayed),
				unit: 'ms',
				reference: {name: `floor, the no-delay run + ${sequential} requests in a row × ${delayMs} ms`, value: withoutDelay + sequential * delayMs},
				note: `median of ${runs}`,
			},
		];
	} finally {
		await Promise.all([direct.close(), delayed.close()]);
	}
}
