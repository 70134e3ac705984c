import http from 'node:http';
import type {AddressInfo} from 'node:net';
import {acceptedContent, createMcpHandler, fromJsonSchema, inputRequired, legacyStatelessFallback, McpServer, type McpServerFactory} from '@modelcontextprotocol/server';

export type StrictMcpServerOptions = {
	readonly name?: string;
	readonly version?: string;
	/** Names of the (argument-less) tools it lists. */
	readonly tools?: readonly string[];
	/** The token that is accepted; default "good-token". */
	readonly goodToken?: string;
	/** A token that is valid but lacks `requiredScope` (answered 403 insufficient_scope); default "narrow-token". */
	readonly narrowToken?: string;
	/** The scope the 403 challenge names; default "x". */
	readonly requiredScope?: string;
	/** What the protected-resource metadata lists; default: the server's own origin. */
	readonly authorizationServers?: readonly string[];
	/** 'both' (default): serves 2026-07-28 and 2025 clients; 'legacy-only': a stateless 2025-only server. */
	readonly eras?: 'both' | 'legacy-only';
	/** Answer an authorized GET with an SSE stream that stays open, as a sessionful 2025 server does. */
	readonly holdGetStream?: boolean;
	/**
	 * A tool (listed too) that the good token may not call: tools/call of it answers 403
	 * insufficient_scope naming `scopes` (step-up); `wideToken` (default "wide-token") may call it. It
	 * answers its arguments as JSON text and as structuredContent.
	 */
	readonly stepUp?: {readonly tool: string; readonly scopes: readonly string[]; readonly wideToken?: string};
	/**
	 * A tool (listed too) that asks the client for a name first, the 2026-07-28 way: an input_required
	 * result with an elicitation and a request state, answered by the client's retry with inputResponses.
	 */
	readonly askingTool?: string;
	/** A tool (listed too) whose arguments `region` and `options.fast` are marked x-mcp-header (Region, Fast); it answers the region. */
	readonly headerTool?: string;
};

export type SeenRequest = {
	readonly method: string;
	readonly path: string;
	readonly authorization?: string;
	/** JSON-RPC method(s) of a POST body. */
	readonly rpcMethods: readonly string[];
	readonly protocolVersion?: string;
	readonly body?: string;
	/** Its Mcp-Param-* headers, names in lower case. */
	readonly paramHeaders: Readonly<Record<string, string>>;
};

export type StrictMcpServer = {
	/** http://127.0.0.1:PORT/mcp */
	readonly url: string;
	readonly resourceMetadataUrl: string;
	readonly origin: string;
	/** Every request so far, oldest first. */
	readonly requests: readonly SeenRequest[];
	/** SSE streams (held GETs) still open. */
	openStreams(): number;
	close(): Promise<void>;
};

/** The JSON-RPC method(s) of a request body, as text (one message or a batch). */
export function rpcMethodsOf(body: string): string[] {
	try {
		const parsed: unknown = JSON.parse(body);
		const messages = Array.isArray(parsed) ? parsed : [parsed];
		return messages.flatMap(message => (message && typeof message === 'object' && typeof (message as {method?: unknown}).method === 'string' ? [(message as {method: string}).method] : []));
	} catch {
		return [];
	}
}

function callsTool(body: string, tool: string): boolean {
	try {
		const parsed: unknown = JSON.parse(body);
		const messages = Array.isArray(parsed) ? parsed : [parsed];
		return messages.some(message => {
			const {method, params} = (message ?? {}) as {method?: unknown; params?: {name?: unknown}};
			return method === 'tools/call' && params?.name === tool;
		});
	} catch {
		return false;
	}
}

async function readBody(request: http.IncomingMessage): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of request) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks);
}

function toWebHeaders(headers: http.IncomingHttpHeaders): Headers {
	const result = new Headers();
	for (const [name, value] of Object.entries(headers)) {
		if (value === undefined) continue;
		for (const item of Array.isArray(value) ? value : [value]) result.append(name, item);
	}

	return result;
}

async function writeWebResponse(response: Response, res: http.ServerResponse): Promise<void> {
	const headers: Record<string, string> = {};
	response.headers.forEach((value, name) => {
		headers[name] = value;
	});
	res.writeHead(response.status, headers);
	if (response.body) {
		for await (const chunk of response.body) res.write(chunk);
	}

	res.end();
}

/**
 * A small, strict MCP server on 127.0.0.1 for tests: the SDK's own handler (2026-07-28 and the 2025
 * stateless fallback) behind a bearer check. A missing token gets 401 with resource_metadata, a wrong one
 * 401 invalid_token, the narrow token 403 insufficient_scope with `scope`.
 */
export async function startStrictMcpServer(options: StrictMcpServerOptions = {}): Promise<StrictMcpServer> {
	const goodToken = options.goodToken ?? 'good-token';
	const narrowToken = options.narrowToken ?? 'narrow-token';
	const requiredScope = options.requiredScope ?? 'x';
	const tools = options.tools ?? ['echo', 'add'];
	const factory: McpServerFactory = () => {
		const server = new McpServer({name: options.name ?? 'strict-test-server', version: options.version ?? '1.2.3'});
		for (const name of tools) {
			server.registerTool(name, {description: `The ${name} tool`}, async () => ({content: [{type: 'text', text: name}]}));
		}

		if (options.stepUp) {
			server.registerTool(options.stepUp.tool, {description: 'Needs an extra scope', inputSchema: fromJsonSchema<Record<string, unknown>>({type: 'object'})}, async (args: Record<string, unknown>) => ({
				content: [{type: 'text', text: JSON.stringify(args)}],
				structuredContent: {received: args},
			}));
		}

		if (options.askingTool) {
			server.registerTool(options.askingTool, {description: 'Asks for a name first'}, async ctx => {
				const answer = acceptedContent<{name: string}>(ctx.mcpReq.inputResponses, 'who');
				if (answer === undefined) {
					return inputRequired({
						inputRequests: {who: inputRequired.elicit({message: 'Who is asking?', requestedSchema: {type: 'object', properties: {name: {type: 'string'}}, required: ['name']}})},
						requestState: 'round-1',
					});
				}

				return {content: [{type: 'text', text: `hello ${answer.name} (state ${ctx.mcpReq.requestState<string>() ?? 'none'})`}]};
			});
		}

		if (options.headerTool) {
			const inputSchema = {type: 'object', properties: {region: {type: 'string', 'x-mcp-header': 'Region'}, options: {type: 'object', properties: {fast: {type: 'boolean', 'x-mcp-header': 'Fast'}}}}};
			server.registerTool(options.headerTool, {description: 'Takes its region as a header too', inputSchema: fromJsonSchema<{region: string}>(inputSchema)}, async ({region}) => ({content: [{type: 'text', text: region}]}));
		}

		return server;
	};

	const modern = createMcpHandler(factory);
	const legacy = legacyStatelessFallback(factory);
	const serve = options.eras === 'legacy-only' ? legacy : modern.fetch;
	const requests: SeenRequest[] = [];
	let streams = 0;
	let origin = '';

	const challenge = (extra: string) => `Bearer ${extra}resource_metadata="${origin}/.well-known/oauth-protected-resource/mcp"`;

	const server = http.createServer(async (req, res) => {
		try {
			const url = new URL(req.url ?? '/', origin);
			const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : await readBody(req);
			const authorization = req.headers.authorization;
			const version = req.headers['mcp-protocol-version'];
			requests.push({
				method: req.method ?? 'GET',
				path: url.pathname,
				...(authorization === undefined ? {} : {authorization}),
				rpcMethods: body ? rpcMethodsOf(body.toString('utf8')) : [],
				...(typeof version === 'string' ? {protocolVersion: version} : {}),
				...(body ? {body: body.toString('utf8')} : {}),
				paramHeaders: Object.fromEntries(Object.entries(req.headers).filter(([name]) => name.startsWith('mcp-param-')).map(([name, value]) => [name, String(value)])),
			});

			if (url.pathname === '/.well-known/oauth-protected-resource/mcp') {
				res.writeHead(200, {'content-type': 'application/json'});
				res.end(JSON.stringify({
					resource: `${origin}/mcp`,
					authorization_servers: options.authorizationServers ?? [origin],
					scopes_supported: [requiredScope],
					bearer_methods_supported: ['header'],
				}));
				return;
			}

			if (url.pathname !== '/mcp') {
				res.writeHead(404, {'content-type': 'text/plain'});
				res.end('Not found');
				return;
			}

			const match = /^bearer +(\S+)$/i.exec(authorization ?? '');
			const token = match?.[1];
			if (token === undefined) {
				res.writeHead(401, {'content-type': 'application/json', 'www-authenticate': challenge('')});
				res.end(JSON.stringify({error: 'unauthorized', error_description: 'An access token is required'}));
				return;
			}

			if (token === narrowToken) {
				res.writeHead(403, {'content-type': 'application/json', 'www-authenticate': challenge(`error="insufficient_scope", scope="${requiredScope}", `)});
				res.end(JSON.stringify({error: 'insufficient_scope', error_description: `Scope ${requiredScope} is required`}));
				return;
			}

			const wideToken = options.stepUp ? options.stepUp.wideToken ?? 'wide-token' : undefined;
			const callsStepUpTool = options.stepUp !== undefined && body !== undefined && callsTool(body.toString('utf8'), options.stepUp.tool);
			if (token === goodToken && callsStepUpTool && options.stepUp) {
				const scope = options.stepUp.scopes.join(' ');
				res.writeHead(403, {'content-type': 'application/json', 'www-authenticate': challenge(`error="insufficient_scope", scope="${scope}", error_description="The tool needs ${scope}", `)});
				res.end(JSON.stringify({error: 'insufficient_scope'}));
				return;
			}

			if (token !== goodToken && token !== wideToken) {
				res.writeHead(401, {'content-type': 'application/json', 'www-authenticate': challenge('error="invalid_token", error_description="The access token is not valid", ')});
				res.end(JSON.stringify({error: 'invalid_token', error_description: 'The access token is not valid'}));
				return;
			}

			if (req.method === 'GET' && options.holdGetStream) {
				streams++;
				res.once('close', () => {
					streams--;
				});
				res.writeHead(200, {'content-type': 'text/event-stream', 'cache-control': 'no-cache'});
				res.write(': stream open\n\n');
				return;
			}

			const aborter = new AbortController();
			res.once('close', () => {
				aborter.abort();
			});
			const request = new Request(url, {method: req.method, headers: toWebHeaders(req.headers), body: body === undefined ? undefined : new Uint8Array(body), signal: aborter.signal});
			await writeWebResponse(await serve(request), res);
		} catch (error) {
			if (!res.headersSent) {
				res.writeHead(500, {'content-type': 'text/plain'});
				res.end(String(error));
			} else {
				res.destroy();
			}
		}
	});

	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			server.off('error', reject);
			resolve();
		});
	});
	origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

	return {
		url: `${origin}/mcp`,
		resourceMetadataUrl: `${origin}/.well-known/oauth-protected-resource/mcp`,
		origin,
		requests,
		openStreams: () => streams,
		async close() {
			await modern.close();
			await new Promise<void>(resolve => {
				server.close(() => {
					resolve();
				});
				server.closeAllConnections();
			});
		},
	};
}
