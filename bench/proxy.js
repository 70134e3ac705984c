// Part of the bench: `mcp-auth-wizard proxy <server>` as an MCP client starts it (the MCP SDK's client
// over stdio) against the Fastmail-like sandbox in a process of its own: the time from spawn to the
// first tools/list answer, the latency a tools/call gains over a direct streamable HTTP client, calls
// per second, and the proxy's resident memory after the calls. (mcp-remote beside it: to come.)
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
	try {
		const kib = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
		return Number.isFinite(kib) ? kib / 1024 : undefined;
	} catch {
		return undefined;
	}
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

/** @returns {Promise<import('./lib.js').Row[]>} */
export async function run() {
	const sandbox = await startSandboxProcess('fastmail', 0);
	const home = mkdtempSync(join(tmpdir(), 'maw-bench-proxy-'));
	const env = {...process.env, MCP_AUTH_WIZARD_HOME: home, BROWSER: scriptedBrowser};
	try {
		execFileSync(process.execPath, [cliPath, 'login', sandbox.mcpUrl, '--name', 'bench', '--json', '--no-verify'], {env, stdio: 'ignore'});
		const proxied = () => new StdioClientTransport({command: process.execPath, args: [...(process.env.BENCH_NODE_FLAGS ? process.env.BENCH_NODE_FLAGS.split(' ') : []), cliPath, 'proxy', 'bench'], env, stderr: 'ignore'});

		// Spawn to the first tools/list answer, as a client sees it when it starts the server.
		const startSamples = [];
		for (let i = 0; i <= starts; i++) {
			const started = performance.now();
			const client = new Client({name: 'bench', version: '1.0.0'});
			await client.connect(proxied());
			await client.listTools();
			const ms = performance.now() - started;
			await client.close();
			if (i > 0) startSamples.push(ms);
		}

		// The same calls through the proxy and straight to the server, interleaved in halves so that a slow
		// moment of the machine hits both alike.
		const token = execFileSync(process.execPath, [cliPath, 'token', 'bench'], {env, encoding: 'utf8'}).trim();
		const direct = new Client({name: 'bench', version: '1.0.0'});
		await direct.connect(new StreamableHTTPClientTransport(new URL(sandbox.mcpUrl), {authProvider: {token: async () => token}}));
		const transport = proxied();
		const client = new Client({name: 'bench', version: '1.0.0'});
		await client.connect(transport);
		await timeCalls(direct, 10);
		await timeCalls(client, 10);
		const samples = {direct: [], proxied: []};
		for (let half = 0; half < 2; half++) {
			samples.direct.push(...(await timeCalls(direct, calls / 2)));
			samples.proxied.push(...(await timeCalls(client, calls / 2)));
		}

		const proxiedMs = samples.proxied.reduce((sum, ms) => sum + ms, 0);
		const rss = transport.pid === null ? undefined : residentMib(transport.pid);
		await Promise.all([client.close(), direct.close()]);

		const added = p => percentile(samples.proxied, p) - percentile(samples.direct, p);
		return [
			{group: 'proxy', name: 'spawn to the first tools/list answer', value: median(startSamples), unit: 'ms', note: `SDK client over stdio, fastmail sandbox; median of ${starts}`},
			{group: 'proxy', name: 'tools/call latency added, p50', value: added(50), unit: 'ms', goal: {max: 1, text: 'under 1 ms'}, note: `over a direct streamable HTTP client, ${calls} calls each`},
			{group: 'proxy', name: 'tools/call latency added, p95', value: added(95), unit: 'ms'},
			{group: 'proxy', name: 'tools/calls per second through the proxy', value: (samples.proxied.length * 1000) / proxiedMs, unit: '/s', note: 'one at a time'},
			...(rss === undefined ? [] : [{group: 'proxy', name: `resident memory after ${calls + 10} calls`, value: rss, unit: 'MiB'}]),
		];
	} finally {
		rmSync(home, {recursive: true, force: true});
		await sandbox.close();
	}
}
