import {randomUUID} from 'node:crypto';
import http from 'node:http';
import type {AddressInfo} from 'node:net';
import {McpServer} from '@modelcontextprotocol/sdk/server/mcp.js';
import {SSEServerTransport} from '@modelcontextprotocol/sdk/server/sse.js';
import {StreamableHTTPServerTransport} from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import {rpcMethodsOf} from './strict-mcp-server.js';
import {CreateMessageResultSchema, ElicitResultSchema, ListRootsResultSchema, isInitializeRequest} from '@modelcontextprotocol/sdk/types.js';

export type V1Request = {readonly method: string; readonly sessionId?: string; readonly protocolVersion?: string; readonly rpcMethods: readonly string[]};

export type V1McpServer = {
	/** http://127.0.0.1:PORT/mcp */
	readonly url: string;
	readonly origin: string;
	/** Every request to /mcp so far, oldest first. */
	readonly requests: readonly V1Request[];
	/** The access token it takes. */
	readonly token: string;
	/** How many calls of the `wait` tool the client cancelled (notifications/cancelled reached the tool). */
	cancelled(): number;
	/** Forgets every session, as a restarted server does: their ids then get 404 (MCP streamable HTTP, Session Management). */
	forgetSessions(): void;
	/** Stops listening, as a server going down does (connections then refused); start() listens again on the same port, its sessions gone. */
	stop(): Promise<void>;
	start(): Promise<void>;
	close(): Promise<void>;
};

/** The size of the `big` tool's text. */
// 10 MB: under the 10 MiB a stdio client of the MCP SDK reads in one message.
export const bigResultBytes = 10_000_000;

function makeServer(onCancelled: () => void): McpServer {
	const server = new McpServer({name: 'v1-test-server', version: '1.0.0'});
	server.registerTool('summarize', {description: 'Asks the client\'s model (sampling)'}, async extra => {
		const answer = await extra.sendRequest({method: 'sampling/createMessage', params: {messages: [{role: 'user', content: {type: 'text', text: 'Summarize: MCP over stdio'}}], maxTokens: 20}}, CreateMessageResultSchema);
		return {content: [{type: 'text', text: `${answer.model}: ${answer.content.type === 'text' ? answer.content.text : answer.content.type}`}]};
	});
	// Answers only when cancelled: the client's notifications/cancelled aborts its signal.
	server.registerTool('wait', {description: 'Waits until cancelled'}, async extra => {
		await new Promise<void>(resolve => {
			extra.signal.addEventListener('abort', () => resolve(), {once: true});
		});
		onCancelled();
		return {content: [{type: 'text', text: 'cancelled'}]};
	});
	server.registerTool('whoami', {description: 'Who the server is'}, async () => ({content: [{type: 'text', text: 'v1-test-server'}]}));
	// Requests of the server's own to the client, on the stream of the call that needs them, answered
	// through whatever is between them.
	server.registerTool('ask', {description: 'Asks the user (elicitation)'}, async extra => {
		const answer = await extra.sendRequest({method: 'elicitation/create', params: {message: 'Your name?', requestedSchema: {type: 'object', properties: {name: {type: 'string'}}, required: ['name']}}}, ElicitResultSchema);
		return {content: [{type: 'text', text: `${answer.action}: ${JSON.stringify(answer.content ?? {})}`}]};
	});
	server.registerTool('roots', {description: 'Lists the client\'s roots'}, async extra => ({content: [{type: 'text', text: JSON.stringify((await extra.sendRequest({method: 'roots/list'}, ListRootsResultSchema)).roots)}]}));
	server.registerTool('count', {description: 'Reports progress twice'}, async extra => {
		const token = extra._meta?.progressToken;
		if (token !== undefined) {
			for (const progress of [1, 2]) await extra.sendNotification({method: 'notifications/progress', params: {progressToken: token, progress, total: 2}});
		}

		return {content: [{type: 'text', text: 'counted'}]};
	});
	server.registerTool('big', {description: 'Answers 10 MB'}, async () => ({content: [{type: 'text', text: 'x'.repeat(bigResultBytes)}]}));
	return server;
}

async function readText(request: http.IncomingMessage): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of request) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks).toString('utf8');
}

/**
 * An MCP server as the MCP SDK v1 serves them (protocol versions up to 2025-11-25): streamable HTTP
 * with sessions, behind a bearer check, with tools that make requests of their own to the client
 * (elicitation, roots), send progress, and answer 10 MB.
 */
export async function startV1McpServer(options: {readonly transport?: 'streamable-http' | 'sse'} = {}): Promise<V1McpServer> {
	const token = 'v1-access-token-0123456789';
	const transports = new Map<string, StreamableHTTPServerTransport>();
	const sseSessions = new Map<string, SSEServerTransport>();
	const requests: V1Request[] = [];
	let cancellations = 0;
	const server = http.createServer(async (request, response) => {
		try {
			const sse = options.transport === 'sse';
			if (!request.url?.startsWith('/mcp') && !(sse && request.url?.startsWith('/messages'))) {
				response.writeHead(404).end();
				return;
			}

			const text = request.method === 'POST' ? await readText(request) : '';
			const body: unknown = text === '' ? undefined : JSON.parse(text);
			const sessionId = typeof request.headers['mcp-session-id'] === 'string' ? request.headers['mcp-session-id'] : undefined;
			const protocolVersion = typeof request.headers['mcp-protocol-version'] === 'string' ? request.headers['mcp-protocol-version'] : undefined;
			requests.push({method: request.method ?? 'GET', ...(sessionId === undefined ? {} : {sessionId}), ...(protocolVersion === undefined ? {} : {protocolVersion}), rpcMethods: rpcMethodsOf(text)});
			if (request.headers.authorization !== `Bearer ${token}`) {
				response.writeHead(401, {'www-authenticate': 'Bearer error="invalid_token"', 'content-type': 'application/json'}).end('{"error":"invalid_token"}');
				return;
			}

			if (sse) {
				// The 2024-11-05 HTTP+SSE transport: GET opens the stream, whose `endpoint` event names where to POST.
				if (request.method === 'GET' && request.url.startsWith('/mcp')) {
					const created = new SSEServerTransport('/messages', response);
					sseSessions.set(created.sessionId, created);
					created.onclose = () => void sseSessions.delete(created.sessionId);
					await makeServer(() => cancellations++).connect(created);
					return;
				}

				const session = sseSessions.get(new URL(request.url, 'http://127.0.0.1').searchParams.get('sessionId') ?? '');
				if (request.method === 'POST' && request.url.startsWith('/messages') && session) {
					await session.handlePostMessage(request, response, body);
					return;
				}

				// What a server of that time answers a streamable HTTP POST: no such method here.
				response.writeHead(405, {allow: 'GET'}).end();
				return;
			}

			// A method it refuses at the HTTP level with its own JSON-RPC error (as 2026-07-28 servers answer an unknown one).
			const refused = body as {method?: string; id?: unknown} | undefined;
			if (refused?.method === 'frobnicate/now') {
				response.writeHead(404, {'content-type': 'application/json'}).end(JSON.stringify({jsonrpc: '2.0', id: refused.id, error: {code: -32_601, message: 'Method not found'}}));
				return;
			}

			let transport = sessionId === undefined ? undefined : transports.get(sessionId);
			if (!transport && sessionId === undefined && request.method === 'POST' && isInitializeRequest(body)) {
				const created = new StreamableHTTPServerTransport({sessionIdGenerator: () => randomUUID(), onsessioninitialized: id => void transports.set(id, created)});
				created.onclose = () => {
					if (created.sessionId !== undefined) transports.delete(created.sessionId);
				};

				await makeServer(() => cancellations++).connect(created);
				transport = created;
			}

			if (!transport) {
				// An id this server does not know (any more): 404, so that the client starts a new session.
				response.writeHead(sessionId === undefined ? 400 : 404, {'content-type': 'application/json'}).end(JSON.stringify({jsonrpc: '2.0', error: {code: -32_000, message: sessionId === undefined ? 'No session' : 'Session not found'}, id: null}));
				return;
			}

			await transport.handleRequest(request, response, body);
		} catch (error) {
			if (!response.headersSent) response.writeHead(500).end(String(error));
		}
	});
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	async function stop() {
		await Promise.all([...transports.values(), ...sseSessions.values()].map(async transport => transport.close()));
		transports.clear();
		server.closeAllConnections();
		if (server.listening) await new Promise<void>(resolve => server.close(() => resolve()));
	}

	return {
		url: `${origin}/mcp`,
		origin,
		requests,
		token,
		cancelled: () => cancellations,
		forgetSessions() {
			transports.clear();
		},
		stop,
		async start() {
			await new Promise<void>((resolve, reject) => {
				server.once('error', reject);
				server.listen(Number(new URL(origin).port), '127.0.0.1', () => {
					server.off('error', reject);
					resolve();
				});
			});
		},
		close: stop,
	};
}
