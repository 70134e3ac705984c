import {readFileSync} from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type {AddressInfo, Socket} from 'node:net';

/** What a raw fault route does with the request; it has the raw response to misbehave with. */
export type RawRoute = (request: http.IncomingMessage, response: http.ServerResponse, origin: string) => void | Promise<void>;

export type FaultServer = {
	readonly origin: string;
	/** The paths requested, oldest first. */
	readonly paths: string[];
	close(): Promise<void>;
};

/** Routes that break HTTP itself, where a JSON answer of any status would be too polite. */
export const rawFaults = {
	/** Accepts the request and never answers. */
	never: (() => {}) as RawRoute,
	/** Sends the status line and headers, a few bytes of the promised body, then nothing. */
	stallAfterHeaders: ((_request, response) => {
		response.writeHead(200, {'content-type': 'application/json', 'content-length': '1000'});
		response.write('{"resource": "');
	}) as RawRoute,
	/** Sends part of the body, then resets the connection. */
	resetMidBody: ((_request, response) => {
		response.writeHead(200, {'content-type': 'application/json', 'content-length': '1000'});
		response.write('{"resource": "', () => response.socket?.resetAndDestroy());
	}) as RawRoute,
	/** A 10 MB JSON document, streamed. */
	tenMegabytes: ((_request, response) => {
		response.writeHead(200, {'content-type': 'application/json'});
		const chunk = `"${'x'.repeat(1024 * 1024 - 3)}",`;
		response.write('[');
		for (let i = 0; i < 10; i++) response.write(chunk);
		response.end('0]');
	}) as RawRoute,
	/** Redirects to itself. */
	redirectLoop: ((request, response) => {
		response.writeHead(302, {location: request.url ?? '/'});
		response.end();
	}) as RawRoute,
	/** Redirects to a file: URL, a scheme no HTTP client may follow. */
	redirectToFile: ((_request, response) => {
		response.writeHead(302, {location: 'file:///etc/passwd'});
		response.end();
	}) as RawRoute,
};

/**
 * A server on 127.0.0.1 whose routes ("/path") misbehave at the HTTP level; other paths answer 404.
 * With `tls`, it serves https with a self-signed certificate no client trusts (test/fixtures/tls).
 */
export async function startFaultServer(routes: (origin: string) => Record<string, RawRoute>, options: {readonly tls?: boolean} = {}): Promise<FaultServer> {
	const paths: string[] = [];
	const sockets = new Set<Socket>();
	let table: Record<string, RawRoute> = {};
	let origin = '';
	const handler: http.RequestListener = (request, response) => {
		const path = (request.url ?? '/').split('?')[0]!;
		paths.push(path);
		const route = table[path];
		if (route) {
			void route(request, response, origin);
			return;
		}

		response.writeHead(404, {'content-type': 'application/json'});
		response.end('{"error": "not found"}');
	};

	const tlsFile = (name: string) => readFileSync(new URL(`../fixtures/tls/${name}`, import.meta.url));
	const server = options.tls ? https.createServer({key: tlsFile('key.pem'), cert: tlsFile('cert.pem')}, handler) : http.createServer(handler);
	server.on('connection', socket => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	server.on('tlsClientError', () => {});
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	origin = `${options.tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`;
	table = routes(origin);
	let closing: Promise<void> | undefined;
	return {
		origin,
		paths,
		async close() {
			closing ??= new Promise<void>(resolve => {
				server.close(() => resolve());
				// Stalled and never-answered requests hold their sockets: end them too.
				for (const socket of sockets) socket.destroy();
			});
			await closing;
		},
	};
}

/** A JSON answer as a route. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): RawRoute {
	return (_request, response) => {
		response.writeHead(status, {'content-type': 'application/json', ...headers});
		response.end(typeof body === 'string' ? body : JSON.stringify(body));
	};
}

/** Any other body, as it is. */
export function text(status: number, body: string, contentType = 'text/html'): RawRoute {
	return (_request, response) => {
		response.writeHead(status, {'content-type': contentType});
		response.end(body);
	};
}

/** Query parameters the fake authorization endpoint sends back: a value, or null to leave it out. */
export type CallbackOverrides = Readonly<Record<string, string | null>>;

/** The chain's authorization-server metadata (RFC 8414), its issuer the origin. */
export function chainMetadata(origin: string): Record<string, unknown> {
	return {
		issuer: origin,
		authorization_endpoint: `${origin}/authorize`,
		token_endpoint: `${origin}/token`,
		registration_endpoint: `${origin}/register`,
		response_types_supported: ['code'],
		grant_types_supported: ['authorization_code', 'refresh_token'],
		code_challenge_methods_supported: ['S256'],
		token_endpoint_auth_methods_supported: ['none'],
		scopes_supported: ['mcp', 'offline_access'],
	};
}

/**
 * A whole MCP server with its own authorization server at one origin, every step answered as the specs
 * say, so that a test can break exactly one: the MCP URL is /mcp, the issuer the origin. The
 * authorization endpoint signs nobody in: it sends the browser straight back with a code.
 */
export function oauthChain(origin: string, overrides: Record<string, RawRoute> = {}, callback: CallbackOverrides = {}): Record<string, RawRoute> {
	const resourceMetadataUrl = `${origin}/.well-known/oauth-protected-resource/mcp`;
	const routes: Record<string, RawRoute> = {
		'/mcp': json(401, {error: 'unauthorized'}, {'www-authenticate': `Bearer resource_metadata="${resourceMetadataUrl}", scope="mcp"`}),
		'/.well-known/oauth-protected-resource/mcp': json(200, {resource: `${origin}/mcp`, authorization_servers: [origin], scopes_supported: ['mcp', 'offline_access']}),
		'/.well-known/oauth-authorization-server': json(200, chainMetadata(origin)),
		'/register': async (request, response) => {
			const body = JSON.parse(await readText(request)) as Record<string, unknown>;
			json(201, {...body, client_id: 'chain-client', client_id_issued_at: Math.floor(Date.now() / 1000), token_endpoint_auth_method: 'none'})(request, response, origin);
		},
		'/authorize': (request, response) => {
			const query = new URL(request.url ?? '/', origin).searchParams;
			const target = new URL(query.get('redirect_uri') ?? `${origin}/nowhere`);
			const parameters: Record<string, string | null> = {code: 'chain-code-0123456789', state: query.get('state'), ...callback};
			for (const [name, value] of Object.entries(parameters)) if (value !== null) target.searchParams.set(name, value);
			response.writeHead(302, {location: target.toString()});
			response.end();
		},
		'/token': json(200, {access_token: 'chain-access-token-0123456789', token_type: 'Bearer', expires_in: 3600, refresh_token: 'chain-refresh-token-0123456789', scope: 'mcp offline_access'}),
	};
	return {...routes, ...overrides};
}

async function readText(request: http.IncomingMessage): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of request) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks).toString('utf8');
}
