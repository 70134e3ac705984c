import {IncomingMessage, createServer, type Server, type ServerResponse} from 'node:http';
import type {AddressInfo} from 'node:net';
import {Readable} from 'node:stream';
import type {ReadableStream as NodeReadableStream} from 'node:stream/web';
import {createAuthorizationServer} from './authorization-server.js';
import {createMcpEndpoint} from './mcp-server.js';
import {fastmailPaths, fastmailResourceScopes} from './profiles.js';

export type SandboxOptions = {
	/** 0 (default): a random free port. One HTTP server on 127.0.0.1 serves the AS and the MCP server. */
	readonly port?: number;
	/** Default 3600. */
	readonly accessTokenTtlSeconds?: number;
	/** Diagnostics; the sandbox never writes to stdout or stderr itself. */
	readonly onLog?: (line: string) => void;
};

export type RecordedRequest = {
	readonly method: string;
	readonly path: string;
	readonly headers: Record<string, string>;
	/** The raw body exactly as received. */
	readonly body: string;
	readonly query: Record<string, string>;
};

export type Sandbox = {
	/** http://127.0.0.1:PORT, no trailing slash. */
	readonly issuer: string;
	/** http://127.0.0.1:PORT/mcp */
	readonly mcpUrl: string;
	/** What the servers received, oldest first, for tests to assert on. */
	readonly requests: {
		readonly registration: RecordedRequest[];
		readonly authorization: RecordedRequest[];
		readonly token: RecordedRequest[];
		readonly mcp: RecordedRequest[];
	};
	/** Closes everything, keep-alive sockets included. */
	close(): Promise<void>;
};

type Category = keyof Sandbox['requests'];

/**
 * A request that keeps a copy of its body as the HTTP parser hands it over, so it can be recorded
 * without consuming the stream that oidc-provider or the MCP handler reads.
 */
class RecordingRequest extends IncomingMessage {
	private readonly chunks: Buffer[] = [];
	private ended = false;
	private onEnd: ((body: string) => void) | undefined;

	whenBodyComplete(callback: (body: string) => void): void {
		if (this.ended) callback(this.text());
		else this.onEnd = callback;
	}

	override push(chunk: unknown, encoding?: BufferEncoding): boolean {
		if (chunk === null) {
			this.ended = true;
			this.onEnd?.(this.text());
		} else if (typeof chunk === 'string') {
			this.chunks.push(Buffer.from(chunk, encoding));
		} else if (chunk instanceof Uint8Array) {
			this.chunks.push(Buffer.from(chunk));
		}

		return super.push(chunk, encoding);
	}

	private text(): string {
		return Buffer.concat(this.chunks).toString('utf8');
	}
}

function categoryOf(method: string, path: string): Category | undefined {
	if (path === fastmailPaths.registration && method === 'POST') return 'registration';
	if (path === fastmailPaths.authorization) return 'authorization';
	if (path === fastmailPaths.token && method === 'POST') return 'token';
	if (path === fastmailPaths.mcp) return 'mcp';
	return undefined;
}

function flatHeaders(request: IncomingMessage): Record<string, string> {
	const headers: Record<string, string> = {};
	for (const [name, value] of Object.entries(request.headers)) {
		if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
	}

	return headers;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of request) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks);
}

function toWebRequest(request: IncomingMessage, url: URL, body: Buffer, signal: AbortSignal): Request {
	const headers = new Headers();
	for (const [name, value] of Object.entries(flatHeaders(request))) headers.set(name, value);
	const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
	return new Request(url, {method: request.method, headers, body: hasBody ? Uint8Array.from(body) : undefined, signal});
}

async function sendWebResponse(response: Response, target: ServerResponse): Promise<void> {
	const headers: Record<string, string | string[]> = {};
	response.headers.forEach((value, name) => {
		headers[name] = value;
	});
	const cookies = response.headers.getSetCookie();
	if (cookies.length > 0) headers['set-cookie'] = cookies;
	target.writeHead(response.status, headers);
	if (!response.body) {
		target.end();
		return;
	}

	// Streamed, so that SSE answers reach the client as they are written.
	const body = Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>);
	body.on('error', () => target.destroy());
	target.on('close', () => body.destroy());
	body.pipe(target);
}

function sendJson(response: ServerResponse, status: number, value: unknown): void {
	response.writeHead(status, {'content-type': 'application/json'});
	response.end(JSON.stringify(value));
}

async function listen(server: Server, port: number): Promise<void> {
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, '127.0.0.1', () => {
			server.off('error', reject);
			resolve();
		});
	});
}

/** Starts a local imitation of Fastmail's MCP server and its OAuth authorization server. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
	const log = options.onLog ?? (() => {});
	const requests: Sandbox['requests'] = {registration: [], authorization: [], token: [], mcp: []};
	let route: ((request: RecordingRequest, response: ServerResponse, url: URL) => Promise<void>) | undefined;

	const server = createServer<typeof RecordingRequest>({IncomingMessage: RecordingRequest}, (request, response) => {
		// Only the path and query matter here; the host is always this server.
		const url = new URL(request.url ?? '/', 'http://127.0.0.1');
		const category = categoryOf(request.method ?? 'GET', url.pathname);
		if (category) {
			const record = {
				method: request.method ?? 'GET',
				path: url.pathname,
				headers: flatHeaders(request),
				body: '',
				query: Object.fromEntries(url.searchParams),
			};
			requests[category].push(record);
			request.whenBodyComplete(body => {
				record.body = body;
			});
		}

		if (!route) {
			sendJson(response, 503, {error: 'temporarily_unavailable'});
			return;
		}

		route(request, response, url).catch((error: unknown) => {
			log(`sandbox error on ${request.method} ${url.pathname}: ${String(error)}`);
			if (response.headersSent) response.destroy();
			else sendJson(response, 500, {error: 'server_error'});
		});
	});

	await listen(server, options.port ?? 0);
	const {port} = server.address() as AddressInfo;
	const issuer = `http://127.0.0.1:${port}`;
	const mcpUrl = `${issuer}${fastmailPaths.mcp}`;
	const resourceMetadataUrl = `${issuer}/.well-known/oauth-protected-resource${fastmailPaths.mcp}`;
	const aborter = new AbortController();
	let mcp: ReturnType<typeof createMcpEndpoint> | undefined;

	async function close(): Promise<void> {
		aborter.abort();
		await mcp?.close();
		const closed = new Promise<void>(resolve => {
			server.close(() => resolve());
		});
		server.closeAllConnections();
		await closed;
	}

	try {
		const authorizationServer = await createAuthorizationServer({
			issuer,
			resource: mcpUrl,
			accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 3600,
			log,
		});
		mcp = createMcpEndpoint({issuer, resource: mcpUrl, resourceMetadataUrl, signingKey: authorizationServer.signingKey, log});
		const mcpEndpoint = mcp;

		route = async (request, response, url) => {
			if (url.pathname === fastmailPaths.mcp) {
				const body = await readBody(request);
				const answer = await mcpEndpoint.handle(toWebRequest(request, new URL(url.pathname + url.search, issuer), body, aborter.signal));
				await sendWebResponse(answer, response);
			} else if (url.pathname === resourceMetadataUrl.slice(issuer.length)) {
				// RFC 9728 section 3: the path-aware location; Fastmail serves nothing at the root one.
				sendJson(response, 200, {
					resource: mcpUrl,
					authorization_servers: [issuer],
					scopes_supported: [...fastmailResourceScopes],
					bearer_methods_supported: ['header'],
				});
			} else if (url.pathname.startsWith('/.well-known/') && url.pathname !== '/.well-known/oauth-authorization-server') {
				// Only RFC 8414 metadata, as Fastmail: no OpenID Connect discovery, no root resource metadata.
				sendJson(response, 404, {error: 'not_found'});
			} else {
				await authorizationServer.handle(request, response);
			}
		};
	} catch (error) {
		await close();
		throw error;
	}

	log(`sandbox listening on ${issuer}`);
	return {issuer, mcpUrl, requests, close};
}
