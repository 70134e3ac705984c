import http from 'node:http';
import type {AddressInfo} from 'node:net';
import type {AuthorizationServerMetadata} from '../../source/core/metadata.js';

export type Answer = {readonly status?: number; readonly headers?: Record<string, string>; readonly body?: unknown};

export type SeenRequest = {readonly method: string; readonly path: string; readonly headers: http.IncomingHttpHeaders; readonly body: string};

/** A route answers with a fixed Answer, or computes one (the origin is passed so documents can name it). */
export type Route = Answer | ((request: SeenRequest, origin: string) => Answer | Promise<Answer>);

export type JsonServer = {
	readonly origin: string;
	readonly requests: SeenRequest[];
	close(): Promise<void>;
};

/**
 * A small strict HTTP server on 127.0.0.1 for odd cases: it answers only the routes it is given
 * ("METHOD /path" or "/path" for any method), 404 otherwise, and records every request.
 */
export async function startJsonServer(routes: (origin: string) => Record<string, Route>): Promise<JsonServer> {
	const requests: SeenRequest[] = [];
	let closing: Promise<void> | undefined;
	let table: Record<string, Route> = {};
	let origin = '';
	const server = http.createServer(async (request, response) => {
		const chunks: Buffer[] = [];
		for await (const chunk of request) chunks.push(chunk as Buffer);
		const seen = {method: request.method ?? 'GET', path: request.url ?? '/', headers: request.headers, body: Buffer.concat(chunks).toString('utf8')};
		requests.push(seen);
		const pathname = seen.path.split('?')[0]!;
		const route = table[`${seen.method} ${pathname}`] ?? table[pathname];
		const answer = route === undefined ? {status: 404, body: {error: 'not found'}} : typeof route === 'function' ? await route(seen, origin) : route;
		const body = answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
		response.writeHead(answer.status ?? 200, {'content-type': 'application/json', ...answer.headers});
		response.end(body);
	});
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	table = routes(origin);
	return {
		origin,
		requests,
		// Idempotent: a test may close a server early (to make it refuse) and have it closed after the test too.
		async close() {
			closing ??= new Promise<void>(resolve => {
				server.close(() => resolve());
				server.closeAllConnections();
			});
			await closing;
		},
	};
}

/** Authorization-server metadata that passes every check, for an issuer. */
export function asMetadata(issuer: string, extra: Record<string, unknown> = {}): AuthorizationServerMetadata {
	return {
		issuer,
		authorization_endpoint: `${issuer}/authorize`,
		token_endpoint: `${issuer}/token`,
		registration_endpoint: `${issuer}/register`,
		code_challenge_methods_supported: ['S256'],
		token_endpoint_auth_methods_supported: ['none'],
		...extra,
	};
}

export const unauthorized = (resourceMetadataUrl?: string, extra = ''): Answer => ({
	status: 401,
	headers: {'www-authenticate': resourceMetadataUrl ? `Bearer resource_metadata="${resourceMetadataUrl}"${extra}` : `Bearer realm="mcp"${extra}`},
	body: {error: 'unauthorized'},
});
