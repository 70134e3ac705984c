// Part of the bench: `mcp-auth-wizard proxy <server>` as an MCP client starts it (the MCP SDK's client
// over stdio), beside `mcp-remote <url>` (logged in with its own tokens, through the same scripted
// browser), against the Fastmail-like sandbox in a process of its own: the time from spawn to the
// first tools/list answer, the latency a tools/call gains over a direct streamable HTTP client, calls
// per second, and resident memory after the calls; then, with tokens of 5 seconds, the calls that
// fail, the refreshes per token lifetime and the browser logins of each.
import {execFileSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {Client, StreamableHTTPClientTransport} from '@modelcontextprotocol/client';
import {StdioClientTransport} from '@modelcontextprotocol/client/stdio';
import {cliPath, median} from './lib.js';
import {startSandboxProcess} from './sandbox-process.js';

const calls = Number(process.env.BENCH_CALLS ?? 200);
// BENCH_NODE_FLAGS: node flags for the proxy's process (e.g. --max-semi-space-size=1), to see what they cost and save.
const starts = Number(process.env.BENCH_RUNS ?? 7);
const scriptedBrowser = fileURLToPath(new URL('../test/helpers/scripted-browser.mjs', import.meta.url));

const percentile = (samples, p) => [...samples].sort((a, b) => a - b)[Math.min(samples.length - 1, Math.floor((samples.length * p) / 100))];

/** The resident memory of a process, in MiB (Linux: /proc; elsewhere undefined). */
function residentMib(pid) {
	if (pid === null) return undefined;
	try {
		const kib = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
		return Number.isFinite(kib) ? kib / 1024 : undefined;
	} catch {
		return undefined;
	}
}

const mcpRemote = fileURLToPath(new URL('../node_modules/mcp-remote/dist/proxy.js', import.meta.url));
const mcpRemoteVersion = JSON.parse(readFileSync(new URL('../node_modules/mcp-remote/package.json', import.meta.url), 'utf8')).version;

/** Milliseconds from spawning the relay to its first tools/list answer. */
async function startToTools(transport) {
	const started = performance.now();
	const client = new Client({name: 'bench', version: '1.0.0'});
	await client.connect(transport());
	await client.listTools();
	const ms = performance.now() - started;
	await client.close();
	return ms;
}

/** Per-call milliseconds of `count` tools/call of whoami. */
async function timeCalls(client, count) {
	const samples = [];
	for (let i = 0; i < count; i++) {
		const started = performance.now();
		await client.callTool({name: 'whoami', arguments: {}});
		samples.push(performance.now() - started);
	}

	return samples;
}

const shortTokenSeconds = 5;
const shortTokenLifetimes = Number(process.env.BENCH_SHORT_TOKEN_LIFETIMES ?? 4);

/**
 * Tokens of 5 seconds: both relays, logged in, called in turn every 250 ms for a few token lifetimes.
 * Every call must be answered, with at most one refresh per lifetime and no new browser login.
 */
async function shortTokens(env, nodeFlags) {
	const sandbox = await startSandboxProcess('fastmail', 0, shortTokenSeconds);
	const home = mkdtempSync(join(tmpdir(), 'maw-bench-short-'));
	const shortEnv = {...env, MCP_AUTH_WIZARD_HOME: home};
	try {
		execFileSync(process.execPath, [cliPath, 'login', sandbox.mcpUrl, '--name', 'bench', '--json', '--no-verify'], {env: shortEnv, stdio: 'ignore'});
		const ourClientId = Object.values(JSON.parse(readFileSync(join(home, 'servers.json'), 'utf8')).servers)[0].client.clientId;
		const relays = {
			ours: new StdioClientTransport({command: process.execPath, args: [...nodeFlags, cliPath, 'proxy', 'bench'], env: shortEnv, stderr: 'ignore'}),
			theirs: new StdioClientTransport({command: process.execPath, args: [mcpRemote, sandbox.mcpUrl], env: {...shortEnv, MCP_REMOTE_CONFIG_DIR: home}, stderr: 'ignore'}),
		};
		const clients = {ours: new Client({name: 'bench', version: '1.0.0'}), theirs: new Client({name: 'bench', version: '1.0.0'})};
		await clients.ours.connect(relays.ours);
		// mcp-remote logs in by itself here (its first browser login, not counted).
		await clients.theirs.connect(relays.theirs);
		const before = await sandbox.requests();
		const failed = {ours: 0, theirs: 0};
		let calls = 0;
		const started = performance.now();
		while (performance.now() - started < shortTokenSeconds * shortTokenLifetimes * 1000) {
			for (const which of ['ours', 'theirs']) {
				await clients[which].callTool({name: 'whoami', arguments: {}}).then(
					result => {
						if (result.isError) failed[which]++;
					},
					() => failed[which]++,
				);
			}

			calls++;
			await new Promise(resolve => setTimeout(resolve, 250));
		}

		const after = await sandbox.requests();
		await Promise.all([clients.ours.close(), clients.theirs.close()]);
		const lifetimes = (performance.now() - started) / 1000 / shortTokenSeconds;
		const since = (list, from) => list.slice(from.length);
		const mine = ({clientId}) => clientId === ourClientId;
		const refreshes = since(after.token, before.token).filter(({grantType}) => grantType === 'refresh_token');
		// The most refreshes made while one access token was alive (from its token request to its expiry).
		const mostPerToken = ours => {
			const tokens = after.token.filter(request => mine(request) === ours);
			const refreshed = tokens.filter(({grantType}) => grantType === 'refresh_token');
			return Math.max(0, ...tokens.map(({at}) => refreshed.filter(refresh => refresh.at > at && refresh.at <= at + shortTokenSeconds * 1000).length));
		};
		const logins = since(after.authorization, before.authorization);
		const versus = value => ({name: `mcp-remote ${mcpRemoteVersion}`, value});
		const note = `${calls} calls each, ${shortTokenSeconds} s tokens, ${lifetimes.toFixed(1)} lifetimes`;
		return [
			{group: 'proxy', name: 'calls failed, 5 s tokens', value: failed.ours, unit: '', reference: versus(failed.theirs), goal: {max: 0, text: 'every call answered'}, note},
			{group: 'proxy', name: 'most refreshes while one token lives, 5 s tokens', value: mostPerToken(true), unit: '', reference: versus(mostPerToken(false)), goal: {max: 1, text: 'at most one'}},
			{group: 'proxy', name: 'refreshes per 5 s of calls, 5 s tokens', value: refreshes.filter(mine).length / lifetimes, unit: '', reference: versus(refreshes.filter(request => !mine(request)).length / lifetimes), note: 'each token is replaced when a fifth of its life is left'},
			{group: 'proxy', name: 'new browser logins, 5 s tokens', value: logins.filter(mine).length, unit: '', reference: versus(logins.filter(request => !mine(request)).length), goal: {max: 0, text: 'none'}},
		];
	} finally {
		rmSync(home, {recursive: true, force: true});
		await sandbox.close();
	}
}

/** @returns {Promise<import('./lib.js').Row[]>} */
export async function run() {
	const sandbox = await startSandboxProcess('fastmail', 0);
	const home = mkdtempSync(join(tmpdir(), 'maw-bench-proxy-'));
	const env = {...process.env, MCP_AUTH_WIZARD_HOME: home, BROWSER: scriptedBrowser};
	try {
		execFileSync(process.execPath, [cliPath, 'login', sandbox.mcpUrl, '--name', 'bench', '--json', '--no-verify'], {env, stdio: 'ignore'});
		const nodeFlags = process.env.BENCH_NODE_FLAGS ? process.env.BENCH_NODE_FLAGS.split(' ') : [];
		const ours = () => new StdioClientTransport({command: process.execPath, args: [...nodeFlags, cliPath, 'proxy', 'bench'], env, stderr: 'ignore'});
		const theirs = () => new StdioClientTransport({command: process.execPath, args: [mcpRemote, sandbox.mcpUrl], env: {...env, MCP_REMOTE_CONFIG_DIR: home}, stderr: 'ignore'});
		// mcp-remote logs in once by itself (its own registration and tokens), before anything is measured.
		await startToTools(theirs);

		// Spawn to the first tools/list answer, as a client sees it when it starts the server; interleaved.
		const startSamples = {ours: [], theirs: []};
		for (let i = 0; i <= starts; i++) {
			const [oursMs, theirsMs] = [await startToTools(ours), await startToTools(theirs)];
			if (i === 0) continue;
			startSamples.ours.push(oursMs);
			startSamples.theirs.push(theirsMs);
		}

		// The same calls straight to the server, through the proxy and through mcp-remote, in halves so that a
		// slow moment of the machine hits all alike.
		const token = execFileSync(process.execPath, [cliPath, 'token', 'bench'], {env, encoding: 'utf8'}).trim();
		const direct = new Client({name: 'bench', version: '1.0.0'});
		await direct.connect(new StreamableHTTPClientTransport(new URL(sandbox.mcpUrl), {authProvider: {token: async () => token}}));
		const relays = {ours: ours(), theirs: theirs()};
		const clients = {ours: new Client({name: 'bench', version: '1.0.0'}), theirs: new Client({name: 'bench', version: '1.0.0'})};
		await clients.ours.connect(relays.ours);
		await clients.theirs.connect(relays.theirs);
		for (const client of [direct, clients.ours, clients.theirs]) await timeCalls(client, 10);
		const samples = {direct: [], ours: [], theirs: []};
		for (let half = 0; half < 2; half++) {
			samples.direct.push(...(await timeCalls(direct, calls / 2)));
			samples.ours.push(...(await timeCalls(clients.ours, calls / 2)));
			samples.theirs.push(...(await timeCalls(clients.theirs, calls / 2)));
		}

		const rss = {ours: residentMib(relays.ours.pid), theirs: residentMib(relays.theirs.pid)};
		await Promise.all([clients.ours.close(), clients.theirs.close(), direct.close()]);

		const added = (which, p) => percentile(samples[which], p) - percentile(samples.direct, p);
		const perSecond = which => (samples[which].length * 1000) / samples[which].reduce((sum, ms) => sum + ms, 0);
		const versus = value => ({name: `mcp-remote ${mcpRemoteVersion}`, value});
		const short = await shortTokens(env, nodeFlags);
		return [
			...short,
			{group: 'proxy', name: 'spawn to the first tools/list answer', value: median(startSamples.ours), unit: 'ms', reference: versus(median(startSamples.theirs)), goal: {maxRatio: 0.5, text: 'at most half of mcp-remote\'s'}, note: `SDK client over stdio, fastmail sandbox; median of ${starts}`},
			{group: 'proxy', name: 'tools/call latency added, p50', value: added('ours', 50), unit: 'ms', reference: versus(added('theirs', 50)), goal: {max: 1, text: 'under 1 ms'}, note: `over a direct streamable HTTP client, ${calls} calls each`},
			{group: 'proxy', name: 'tools/call latency added, p95', value: added('ours', 95), unit: 'ms', reference: versus(added('theirs', 95))},
			{group: 'proxy', name: 'tools/calls per second', value: perSecond('ours'), unit: '/s', reference: versus(perSecond('theirs')), note: 'one at a time'},
			...(rss.ours === undefined || rss.theirs === undefined ? [] : [{group: 'proxy', name: `resident memory after ${calls + 10} calls`, value: rss.ours, unit: 'MiB', reference: versus(rss.theirs), goal: {maxRatio: 0.5, text: 'at most half of mcp-remote\'s'}}]),
		];
	} finally {
		rmSync(home, {recursive: true, force: true});
		await sandbox.close();
	}
}
