import {spawn} from 'node:child_process';
import {once} from 'node:events';
import {readFileSync, statSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {Client} from '@modelcontextprotocol/client';
import {StdioClientTransport} from '@modelcontextprotocol/client/stdio';
import {afterAll, beforeAll, describe, expect, it, onTestFinished, vi} from 'vitest';
import type {Sandbox} from '../source/sandbox/index.js';
import {withFileLock} from '../source/store/lock.js';
import {cliPath, collectOutput, runCli, scriptedBrowser, temporaryHome} from './helpers/run-cli.js';
import {loginIn} from './helpers/saved-servers.js';
import {startTestSandbox} from './helpers/secret-scan.js';

// The proxy as an MCP client starts it: the MCP SDK's own client over stdio, through the built CLI, to
// the sandbox, whose access tokens live 4 seconds here.
const lifetimeSeconds = 4;
let sandbox: Sandbox;
const home = temporaryHome();
const env = () => ({...process.env, MCP_AUTH_WIZARD_HOME: home.path}) as Record<string, string>;
const refreshes = () => sandbox.requests.token.filter(request => new URLSearchParams(request.body).get('grant_type') === 'refresh_token').length;
type Store = {servers: Record<string, {mcpUrl: string; tokens: {expiresAt: string}}>};

beforeAll(async () => {
	sandbox = await startTestSandbox({accessTokenTtlSeconds: lifetimeSeconds});
	const login = await runCli(['login', sandbox.mcpUrl, '--name', 'mail', '--json', '--no-verify'], {MCP_AUTH_WIZARD_HOME: home.path, BROWSER: scriptedBrowser});
	expect(login.code).toBe(0);
});

afterAll(async () => {
	await sandbox.close();
	home.remove();
});

/** A client of `proxy mail` (its `flags`, `environment` over the test's), not yet connected; closed after the test. */
function proxyClient(flags: readonly string[] = [], environment: Record<string, string> = {}): {client: Client; connect: () => Promise<void>; stderr: () => string} {
	const transport = new StdioClientTransport({command: process.execPath, args: [cliPath, 'proxy', 'mail', ...flags], env: {...env(), ...environment}, stderr: 'pipe'});
	let stderr = '';
	transport.stderr?.on('data', (chunk: Buffer) => {
		stderr += chunk.toString('utf8');
	});
	const client = new Client({name: 'proxy-test', version: '1.0.0'});
	onTestFinished(async () => client.close());
	return {client, connect: async () => client.connect(transport), stderr: () => stderr};
}

/** A client connected through `proxy mail`; its stderr as text so far. */
async function throughProxy(flags: readonly string[] = [], environment: Record<string, string> = {}): Promise<{client: Client; stderr: () => string}> {
	const proxied = proxyClient(flags, environment);
	await proxied.connect();
	return proxied;
}

const whoami = async (client: Client) => JSON.stringify(await client.callTool({name: 'whoami', arguments: {}}));

describe('proxy <server>', () => {
	it('relays initialize, tools/list and tools/call with the saved login; stdout carries only the protocol, events go to stderr', async () => {
		const {client, stderr} = await throughProxy();
		expect((await client.listTools()).tools.map(tool => tool.name)).toContain('whoami');
		expect(await whoami(client)).toContain('alice');
		// Each request carried the saved login's token, and the version the server answered with.
		const last = sandbox.requests.mcp.findLast(request => request.body.includes('"tools/call"'))!;
		expect(last.headers['authorization']).toMatch(/^Bearer /);
		const version = new RegExp(`\\[mcp-auth-wizard proxy mail\\] connected to ${sandbox.mcpUrl} \\(protocol (\\S+)\\)`).exec(stderr())?.[1];
		expect(version).toMatch(/^\d{4}-\d{2}-\d{2}$/);
		expect(last.headers['mcp-protocol-version']).toBe(version);
	});

	it('keeps answering for more than two token lifetimes, refreshing about once a lifetime, no error seen by the client', async () => {
		const {client} = await throughProxy();
		const before = refreshes();
		const started = Date.now();
		let calls = 0;
		// Two lifetimes and more, and enough calls in them however slow the machine is.
		while (Date.now() - started < (lifetimeSeconds * 2 + 1) * 1000 || calls <= 10) {
			expect(await whoami(client)).toContain('alice');
			calls++;
			await new Promise(resolve => {
				setTimeout(resolve, 250);
			});
		}

		const elapsedLifetimes = (Date.now() - started) / 1000 / lifetimeSeconds;
		expect(calls).toBeGreaterThan(10);
		expect(refreshes() - before).toBeGreaterThanOrEqual(2);
		// At most one a lifetime (a token is refreshed in the last fifth of its life), and one for the start.
		expect(refreshes() - before).toBeLessThanOrEqual(Math.ceil(elapsedLifetimes) + 1);
	}, 60_000);

	it('refreshes once between two proxies that need it at the same time, and both go on (the refresh token rotates)', async () => {
		const refreshTokensSince = (index: number) => sandbox.requests.token.slice(index).map(request => new URLSearchParams(request.body)).filter(form => form.get('grant_type') === 'refresh_token').map(form => form.get('refresh_token'));
		const beforeAll = sandbox.requests.token.length;
		const [first, second] = await Promise.all([throughProxy(), throughProxy()]);
		// Expired, as both see it now; under the store's lock, so that a refresh they save meanwhile is not
		// overwritten with its used refresh token.
		await withFileLock(`${home.path}/servers.json`, () => {
			const file = JSON.parse(readFileSync(`${home.path}/servers.json`, 'utf8')) as Store;
			loginIn(file, sandbox.mcpUrl)!.tokens.expiresAt = new Date(Date.now() - 1000).toISOString();
			writeFileSync(`${home.path}/servers.json`, JSON.stringify(file), {mode: 0o600});
		});
		const before = sandbox.requests.token.length;
		const started = Date.now();
		// Each proxy holds the tokens it read at its start: a new process sees the expiry written above.
		const [third, fourth] = await Promise.all([throughProxy(), throughProxy()]);
		const answers = await Promise.all([whoami(third.client), whoami(fourth.client)]);
		expect(answers.every(answer => answer.includes('alice'))).toBe(true);
		// Never the same refresh token twice, and one refresh for the two: the second in line waited for
		// the first's and took its tokens (or started after it). A second one only when the first's token
		// has itself come due meanwhile (its last fifth: a loaded machine can take that long to start two
		// proxies).
		const used = refreshTokensSince(before);
		expect(used.length).toBeLessThanOrEqual(1 + Math.floor((Date.now() - started) / ((lifetimeSeconds * 4) / 5) / 1000));
		const usedSinceFirstTwo = refreshTokensSince(beforeAll);
		expect(new Set(usedSinceFirstTwo).size).toBe(usedSinceFirstTwo.length);
		// None after the expiry only when the first two's own timed refresh was on its way as it was written:
		// its fresh tokens were then saved over the expiry.
		expect(usedSinceFirstTwo.length).toBeGreaterThanOrEqual(1);
		// The first two go on too, with the tokens the others saved or their own.
		expect(await whoami(first.client)).toContain('alice');
		expect(await whoami(second.client)).toContain('alice');
	}, 60_000);

	/** A home of its own holding the login without its tokens (forgotten, or cleared after invalid_grant). */
	function withoutTokens(): string {
		const other = temporaryHome();
		onTestFinished(() => other.remove());
		const file = JSON.parse(readFileSync(`${home.path}/servers.json`, 'utf8')) as Store;
		const saved = loginIn(file, sandbox.mcpUrl)!;
		writeFileSync(`${other.path}/servers.json`, JSON.stringify({version: 2, servers: {mail: {...saved, tokens: undefined}}}), {mode: 0o600});
		return other.path;
	}

	it('with --no-login, answers every request with an error that says how to log in again when the login has no tokens', async () => {
		await expect(proxyClient(['--no-login'], {MCP_AUTH_WIZARD_HOME: withoutTokens()}).connect()).rejects.toThrow('mail has no access token. Log in again: mcp-auth-wizard reauthorize mail');
	});

	it('logs in by itself (the browser, the saved client) when the login has no tokens: one browser for two proxies started at once', async () => {
		const other = withoutTokens();
		const authorizations = sandbox.requests.authorization.length;
		const registrations = sandbox.requests.registration.length;
		const proxies = await Promise.all([0, 1].map(async () => throughProxy([], {MCP_AUTH_WIZARD_HOME: other, BROWSER: scriptedBrowser})));
		for (const {client} of proxies) expect(await whoami(client)).toContain('alice');
		expect(sandbox.requests.authorization).toHaveLength(authorizations + 1);
		expect(sandbox.requests.registration).toHaveLength(registrations);
	}, 60_000);

	it('with --log FILE, writes its stderr lines to FILE too (0600), each after its time, the trace\'s secrets masked', async () => {
		const log = `${home.path}/proxy.log`;
		const {client} = await throughProxy(['--log', log, '--trace']);
		await client.listTools();
		await client.close();
		await vi.waitFor(() => {
			expect(readFileSync(log, 'utf8')).toContain('[mcp-auth-wizard proxy mail] closed');
		}, {timeout: 20_000});
		// Every line after its time (the blank ones between exchanges stay blank).
		const lines = readFileSync(log, 'utf8').split('\n').filter(line => line !== '');
		expect(lines.every(line => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z /.test(line))).toBe(true);
		expect(lines.some(line => line.includes(`[mcp-auth-wizard proxy mail] connected to ${sandbox.mcpUrl}`))).toBe(true);
		expect(lines.some(line => /MCP tools\/list: POST \S+ -> 200/.test(line))).toBe(true);
		const {accessToken} = loginIn(JSON.parse(readFileSync(`${home.path}/servers.json`, 'utf8')) as Store & {servers: Record<string, {tokens: {accessToken: string}}>}, sandbox.mcpUrl)!.tokens as {accessToken: string};
		expect(readFileSync(log, 'utf8')).not.toContain(accessToken);
		expect(statSync(log).mode & 0o777).toBe(0o600);
	});

	it('exits when the client closes its stdin, and on SIGTERM, saying so on stderr', async () => {
		for (const stop of ['stdin', 'SIGTERM'] as const) {
			const child = spawn(process.execPath, [cliPath, 'proxy', 'mail'], {env: env(), stdio: ['pipe', 'pipe', 'pipe']});
			let stderr = '';
			child.stderr.on('data', (chunk: Buffer) => {
				stderr += chunk.toString('utf8');
			});
			let stdout = '';
			child.stdout.on('data', (chunk: Buffer) => {
				stdout += chunk.toString('utf8');
			});
			const exited = once(child, 'exit');
			await new Promise<void>(resolve => {
				const ready = () => {
					if (stderr.includes('relaying to')) resolve();
					else setTimeout(ready, 50);
				};

				ready();
			});
			if (stop === 'stdin') child.stdin.end();
			else child.kill('SIGTERM');
			const [code] = await exited;
			expect(code, stop).toBe(0);
			expect(stderr, stop).toContain('[mcp-auth-wizard proxy mail] closed');
			expect(stdout, stop).toBe('');
		}
	});
});

describe('a real MCP client program', () => {
	it('drives the proxy end to end: the MCP Inspector\'s CLI calls a tool through it', async () => {
		const build = fileURLToPath(new URL('../node_modules/@modelcontextprotocol/inspector-cli/build/', import.meta.url));
		// It reads its own package.json from the working directory's parent, and gives its server a bare
		// environment: the store's place is passed through env.
		const child = spawn(process.execPath, [join(build, 'index.js'), 'env', `MCP_AUTH_WIZARD_HOME=${home.path}`, process.execPath, cliPath, 'proxy', 'mail', '--method', 'tools/call', '--tool-name', 'whoami'], {cwd: build, env: env(), stdio: ['ignore', 'pipe', 'pipe']});
		const run = await collectOutput(child);
		expect(run.code, run.stderr).toBe(0);
		expect(JSON.parse(run.stdout)).toMatchObject({content: [{type: 'text', text: expect.stringContaining('alice')}]});
	}, 60_000);
});

describe('token <server>', () => {
	it('prints a valid access token and nothing else, or the header Claude Code wants, from its server URL', async () => {
		const token = await runCli(['token', 'mail'], {MCP_AUTH_WIZARD_HOME: home.path}, {showsAccessToken: true});
		expect(token.code).toBe(0);
		const accessToken = token.stdout.trim();
		expect(accessToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
		const check = await fetch(sandbox.mcpUrl, {method: 'POST', headers: {authorization: `Bearer ${accessToken}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream'}, body: JSON.stringify({jsonrpc: '2.0', id: 1, method: 'ping'})});
		expect(check.status).toBe(200);

		const header = await runCli(['token', '--header-json'], {MCP_AUTH_WIZARD_HOME: home.path, CLAUDE_CODE_MCP_SERVER_URL: sandbox.mcpUrl}, {showsAccessToken: true});
		expect(header.code).toBe(0);
		expect(JSON.parse(header.stdout)).toEqual({Authorization: expect.stringMatching(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/)});
	});
});

describe('proxy <server> and a tool that needs more scopes (step-up)', () => {
	it('logs in again with the scopes asked before and the challenged ones, and the refused call goes through; --no-login says how instead', async () => {
		const stepUp = await startTestSandbox({profile: 'step-up'});
		onTestFinished(async () => stepUp.close());
		const own = temporaryHome();
		onTestFinished(() => own.remove());
		const login = await runCli(['login', stepUp.mcpUrl, '--name', 'mail', '--json', '--no-verify'], {MCP_AUTH_WIZARD_HOME: own.path, BROWSER: scriptedBrowser});
		expect(login.code).toBe(0);
		const {tool, scope} = stepUp.stepUp!;
		const email = {to: 'bob@example.com', subject: 'hi'};
		const open = async (...flags: string[]) => (await throughProxy(flags, {MCP_AUTH_WIZARD_HOME: own.path, BROWSER: scriptedBrowser})).client;

		const refusing = await open('--no-login');
		await expect(refusing.callTool({name: tool, arguments: email})).rejects.toThrow(`needs more scopes for this (HTTP 403 insufficient_scope): ${stepUp.mcpScope} ${scope}`);
		const authorizations = stepUp.requests.authorization.length;
		const client = await open();
		const result = await client.callTool({name: tool, arguments: email});
		expect(result.isError).toBeFalsy();
		expect(stepUp.requests.authorization).toHaveLength(authorizations + 1);
		expect(stepUp.requests.authorization.at(-1)!.query['scope']).toContain(scope);
	}, 60_000);
});
