import {writeFileSync} from 'node:fs';
import {Client} from '@modelcontextprotocol/client';
import {StdioClientTransport} from '@modelcontextprotocol/client/stdio';
import {afterAll, beforeAll, expect, it, onTestFinished, vi} from 'vitest';
import {cliPath, temporaryHome} from './helpers/run-cli.js';
import {type StrictMcpServer, startStrictMcpServer} from './helpers/strict-mcp-server.js';
import {type V1McpServer, bigResultBytes, startV1McpServer} from './helpers/v1-mcp-server.js';

// The proxy between the MCP SDK's v2 client (over stdio) and a server as the SDK v1 serves them
// (sessions, protocol versions up to 2025-11-25): the server's own requests to the client, progress,
// a 10 MB answer, the session's end, and a session the server forgot.
let server: V1McpServer;
let modern: StrictMcpServer;
let legacy: V1McpServer;
const home = temporaryHome();

/** A saved login of `url` with a token it takes, as a login here would have left it. */
function savedLogin(name: string, url: string, accessToken: string) {
	const now = Date.now();
	const {origin} = new URL(url);
	return {
		name,
		mcpUrl: url,
		resource: url,
		issuer: origin,
		authorizationServer: {issuer: origin, token_endpoint: `${origin}/token`},
		client: {clientId: `${name}-client`, authMethod: 'none', source: 'pre-registered'},
		scopes: [],
		tokens: {accessToken, tokenType: 'Bearer', obtainedAt: new Date(now).toISOString(), expiresAt: new Date(now + 3_600_000).toISOString()},
		createdAt: new Date(now).toISOString(),
		updatedAt: new Date(now).toISOString(),
	};
}

beforeAll(async () => {
	[server, modern, legacy] = await Promise.all([startV1McpServer(), startStrictMcpServer({tools: ['echo'], askingTool: 'greet', headerTool: 'locate'}), startV1McpServer({transport: 'sse'})]);
	const servers = {v1: savedLogin('v1', server.url, server.token), modern: savedLogin('modern', modern.url, 'good-token'), legacy: savedLogin('legacy', legacy.url, legacy.token)};
	writeFileSync(`${home.path}/servers.json`, JSON.stringify({version: 2, servers}), {mode: 0o600});
});

afterAll(async () => {
	await Promise.all([server.close(), modern.close(), legacy.close()]);
	home.remove();
});

/** The SDK's client through `proxy <name>`, answering the server's elicitation and roots requests. */
async function connect(name = 'v1', clientOptions: {readonly versionNegotiation?: {mode: {pin: string}}} = {}): Promise<Client> {
	const transport = new StdioClientTransport({command: process.execPath, args: [cliPath, 'proxy', name], env: {...process.env, MCP_AUTH_WIZARD_HOME: home.path} as Record<string, string>, stderr: 'pipe'});
	const client = new Client({name: 'proxy-peer-test', version: '1.0.0'}, {capabilities: {elicitation: {}, roots: {}, sampling: {}}, ...clientOptions});
	client.setRequestHandler('sampling/createMessage', async () => ({role: 'assistant', model: 'test-model', content: {type: 'text', text: 'a relay'}}));
	client.setRequestHandler('elicitation/create', async () => ({action: 'accept', content: {name: 'Ada'}}));
	client.setRequestHandler('roots/list', async () => ({roots: [{uri: 'file:///work', name: 'work'}]}));
	onTestFinished(async () => client.close());
	await client.connect(transport);
	// What reaches the client, as it comes off stdio.
	const handle = transport.onmessage;
	transport.onmessage = message => {
		const {method, params, result} = message as {method?: string; params?: {progress?: number}; result?: unknown};
		if (method === 'notifications/progress') received.push(`progress ${params?.progress}`);
		else if (result !== undefined) received.push('answer');
		handle?.(message);
	};

	return client;
}

/** The client's messages, as connect() records them. */
let received: string[] = [];

const text = (result: unknown) => ((result as {content: Array<{text: string}>}).content[0]?.text ?? '');

it('passes the server\'s own requests to the client and back (elicitation, roots), progress, and a 10 MB answer', async () => {
	const client = await connect();
	expect(text(await client.callTool({name: 'ask', arguments: {}}))).toBe('accept: {"name":"Ada"}');
	expect(text(await client.callTool({name: 'roots', arguments: {}}))).toContain('file:///work');
	// Both progress notifications reach the client, before the answer (its SDK may still drop the last
	// one when both come in one read: it ends the request's progress handler first).
	received = [];
	expect(text(await client.callTool({name: 'count', arguments: {}}, {onprogress: () => undefined}))).toBe('counted');
	expect(received).toEqual(['progress 1', 'progress 2', 'answer']);
	// The SDK's client gives up on a request after 60 s by default: two suites at once have taken longer.
	expect(text(await client.callTool({name: 'big', arguments: {}}, {timeout: 110_000})).length).toBe(bigResultBytes);
	// Every request after the first carried the session and the version the server chose.
	const later = server.requests.filter(request => request.method === 'POST' && !request.rpcMethods.includes('initialize'));
	expect(later.every(request => request.sessionId !== undefined && request.protocolVersion === '2025-11-25')).toBe(true);
	// A 10 MB answer through two processes: with two suites at once on two cores, over a minute.
}, 120_000);

it('passes sampling to the client and back, and a cancellation to the server', async () => {
	const client = await connect();
	expect(text(await client.callTool({name: 'summarize', arguments: {}}))).toBe('test-model: a relay');
	const cancelled = server.cancelled();
	const controller = new AbortController();
	const waiting = client.callTool({name: 'wait', arguments: {}}, {signal: controller.signal});
	// Cancelled once the server has the call.
	await vi.waitFor(() => {
		expect(server.requests.at(-1)?.rpcMethods).toContain('tools/call');
	}, {timeout: 60_000});
	controller.abort();
	await expect(waiting).rejects.toThrow();
	await vi.waitFor(() => {
		expect(server.cancelled()).toBe(cancelled + 1);
	}, {timeout: 60_000});
}, 60_000);

it.each(['2024-11-05', '2025-03-26', '2025-06-18', '2025-11-25'])('relays a client of protocol %s, every request after initialize with that version', async version => {
	// The messages themselves, as a client of that version sends them (the SDK's client always asks for its newest).
	const transport = new StdioClientTransport({command: process.execPath, args: [cliPath, 'proxy', 'v1'], env: {...process.env, MCP_AUTH_WIZARD_HOME: home.path} as Record<string, string>, stderr: 'pipe'});
	const answers = new Map<unknown, {result?: Record<string, unknown>}>();
	transport.onmessage = message => {
		if ('id' in message) answers.set(message.id, message as {result?: Record<string, unknown>});
	};

	onTestFinished(async () => transport.close());
	await transport.start();
	// A proxy's first answer (its start, then the server's) took over 20 s with two suites at once.
	const answer = async (id: number) => vi.waitFor(() => answers.get(id) ?? expect.fail(`no answer ${id} yet`), {timeout: 60_000});
	const before = server.requests.length;
	await transport.send({jsonrpc: '2.0', id: 1, method: 'initialize', params: {protocolVersion: version, capabilities: {}, clientInfo: {name: 'raw', version: '1.0.0'}}});
	expect((await answer(1)).result).toMatchObject({protocolVersion: version});
	await transport.send({jsonrpc: '2.0', method: 'notifications/initialized'});
	await transport.send({jsonrpc: '2.0', id: 2, method: 'tools/call', params: {name: 'whoami', arguments: {}}});
	expect(text((await answer(2)).result)).toBe('v1-test-server');
	const later = server.requests.slice(before).filter(request => request.method === 'POST' && !request.rpcMethods.includes('initialize'));
	expect(later.map(request => request.protocolVersion)).toEqual([version, version]);
});

it('ends the remote session when the client goes (DELETE with its id)', async () => {
	const client = await connect();
	await client.listTools();
	const session = server.requests.at(-1)!.sessionId;
	await client.close();
	await vi.waitFor(() => {
		expect(server.requests.some(request => request.method === 'DELETE' && request.sessionId === session)).toBe(true);
	}, {timeout: 60_000});
});

it('starts a new session when the server forgot the one it had (404), and the client sees nothing of it', async () => {
	const client = await connect();
	await client.listTools();
	const before = server.requests.at(-1)!.sessionId;
	server.forgetSessions();
	expect(text(await client.callTool({name: 'whoami', arguments: {}}))).toBe('v1-test-server');
	const after = server.requests.at(-1)!.sessionId;
	expect(after).toBeDefined();
	expect(after).not.toBe(before);
});

it('answers each request with an error while the server is down, and goes on in a new session once it is back', async () => {
	const client = await connect();
	await client.listTools();
	await server.stop();
	// Refused connections: the client's request gets a JSON-RPC error at once, never a hang.
	const down: unknown = await client.callTool({name: 'whoami', arguments: {}}).catch((error: unknown) => error);
	expect(down).toMatchObject({code: -32_000});
	// Refused, or (a kept-alive connection the server dropped) closed before answering: both said plainly.
	expect(String((down as Error).message)).toMatch(/Connection to 127\.0\.0\.1:\d+ refused|127\.0\.0\.1:\d+ closed the connection before answering/);
	await server.start();
	const before = server.requests.length;
	expect(text(await client.callTool({name: 'whoami', arguments: {}}))).toBe('v1-test-server');
	// The old session was unknown to the restarted server (404): a new one was made for the call.
	expect(server.requests.slice(before).some(request => request.rpcMethods.includes('initialize'))).toBe(true);
}, 60_000);

it('relays to a server of the newest protocol (the MCP SDK v2, 2026-07-28), whatever version the client and server settle on', async () => {
	const client = await connect('modern');
	expect((await client.listTools()).tools.map(tool => tool.name)).toEqual(['echo', 'greet', 'locate']);
	expect(text(await client.callTool({name: 'echo', arguments: {}}))).toBe('echo');
	expect(modern.requests.filter(request => request.method === 'POST').every(request => request.authorization === 'Bearer good-token')).toBe(true);
});

it('carries a 2026-07-28 client\'s input_required round trip: the server asks, the client answers with its retry, both through the proxy', async () => {
	const client = await connect('modern', {versionNegotiation: {mode: {pin: '2026-07-28'}}});
	const before = modern.requests.length;
	expect(text(await client.callTool({name: 'greet', arguments: {}}))).toBe('hello Ada (state round-1)');
	const calls = modern.requests.slice(before).filter(request => request.rpcMethods.includes('tools/call'));
	// The first call got input_required; the client's retry carried its answer and the server's state back.
	expect(calls).toHaveLength(2);
	expect(calls.every(request => request.protocolVersion === '2026-07-28' && request.authorization === 'Bearer good-token')).toBe(true);
	const retry = JSON.parse(calls[1]!.body!) as {params: {inputResponses: unknown; requestState: string}};
	expect(retry.params).toMatchObject({inputResponses: {who: {action: 'accept', content: {name: 'Ada'}}}, requestState: 'round-1'});
});

it('sends a 2026-07-28 tool\'s marked arguments as Mcp-Param headers too, which the server checks against the body', async () => {
	const client = await connect('modern', {versionNegotiation: {mode: {pin: '2026-07-28'}}});
	await client.listTools();
	const before = modern.requests.length;
	expect(text(await client.callTool({name: 'locate', arguments: {region: 'Zürich', options: {fast: true}}}))).toBe('Zürich');
	expect(text(await client.callTool({name: 'locate', arguments: {region: 'eu-west-1'}}))).toBe('eu-west-1');
	const calls = modern.requests.slice(before).filter(request => request.rpcMethods.includes('tools/call'));
	// Not plain ASCII: Base64 of its UTF-8 in the spec's sentinel; absent arguments get no header.
	expect(calls.map(request => request.paramHeaders)).toEqual([{'mcp-param-region': `=?base64?${Buffer.from('Zürich').toString('base64')}?=`, 'mcp-param-fast': 'true'}, {'mcp-param-region': 'eu-west-1'}]);
});

it('passes on the server\'s own JSON-RPC error for a request it refuses with an HTTP error (an unknown method), keeping the session', async () => {
	const anything = {'~standard': {version: 1, vendor: 'test', validate: (value: unknown) => ({value})}} as const;
	const modernClient = await connect('modern', {versionNegotiation: {mode: {pin: '2026-07-28'}}});
	expect(await modernClient.request({method: 'frobnicate/now', params: {}}, anything).catch((error: unknown) => error)).toMatchObject({code: -32_601});
	// A 404 with the request's own answer, in a session: not taken for a session the server forgot.
	const client = await connect('v1');
	const before = server.requests.length;
	expect(await client.request({method: 'frobnicate/now', params: {}}, anything).catch((error: unknown) => error)).toMatchObject({code: -32_601});
	expect(server.requests.slice(before).some(request => request.rpcMethods.includes('initialize'))).toBe(false);
});

it('speaks the 2024-11-05 HTTP+SSE transport to a server that only knows that (its POST refused), the client none the wiser', async () => {
	const client = await connect('legacy');
	expect(text(await client.callTool({name: 'whoami', arguments: {}}))).toBe('v1-test-server');
	expect(text(await client.callTool({name: 'ask', arguments: {}}))).toBe('accept: {"name":"Ada"}');
	// One refused streamable HTTP POST, then the event stream and its message endpoint.
	expect(legacy.requests.filter(request => request.method === 'POST' && request.rpcMethods.includes('initialize'))).toHaveLength(2);
	expect(legacy.requests.some(request => request.method === 'GET')).toBe(true);
});
