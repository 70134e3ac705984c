// The SDK (and zod with it) is most of what the wizard would load before its first frame: it is
// imported when a check starts, not with this module (the readme's Performance section).
import type {Client} from '@modelcontextprotocol/client';
import {WizardError} from './errors.js';
import {packageIdentity} from './package-root.js';
import type {Exchange, FetchLike, HttpClient} from './http.js';
import {printableLine} from './text.js';
import {bearerChallenge} from './www-authenticate.js';

export type McpCheckResult =
	| {
		readonly ok: true;
		/** The server's self-reported name; empty when it did not identify itself (allowed from 2026-07-28). */
		readonly serverName: string;
		readonly serverVersion: string;
		/** The negotiated protocol version, e.g. 2025-06-18 or 2026-07-28. */
		readonly protocolVersion?: string;
		readonly toolCount: number;
		readonly toolNames: string[];
	}
	| {
		readonly ok: false;
		/** The HTTP status of the answer that failed the check, when there was one. */
		readonly status?: number;
		/** The raw WWW-Authenticate header of a 401 or 403 answer. */
		readonly challenge?: string;
		readonly message: string;
		readonly hint: string;
	};

export type McpCheckOptions = {
	/** Every request goes through it, so the check shows in the trace with the token masked. */
	readonly http: HttpClient;
	/** Aborting makes checkMcp reject with the signal's reason. */
	readonly signal?: AbortSignal;
};

/** A failed connection or request, as data: what failed, the status and challenge, what to try. */
export type McpFailure = Extract<McpCheckResult, {ok: false}>;

type Failure = McpFailure;

function causes(error: unknown): unknown[] {
	const chain: unknown[] = [];
	let current = error;
	while (current !== undefined && chain.length < 10 && !chain.includes(current)) {
		chain.push(current);
		current = current instanceof Error ? current.cause : undefined;
	}

	return chain;
}

type Sdk = typeof import('@modelcontextprotocol/client');

function statusOf(error: unknown, {SdkHttpError, InsufficientScopeError, UnauthorizedError}: Sdk): number | undefined {
	for (const item of causes(error)) {
		if (item instanceof SdkHttpError) return item.status;
		if (item instanceof InsufficientScopeError) return 403;
		if (item instanceof UnauthorizedError) return 401;
	}

	return undefined;
}

function authFailure(status: 401 | 403, challenge: string | undefined): Failure {
	const params = Object.fromEntries(Object.entries(bearerChallenge(challenge)?.params ?? {}).map(([name, value]) => [name, printableLine(value)]));
	const said = params['error_description'] ? `: ${params['error_description']}` : '';
	if (status === 401) {
		const code = params['error'] ? ` ${params['error']}` : '';
		return {
			ok: false,
			status,
			challenge,
			message: `The MCP server rejected the access token (HTTP 401${code})${said}`,
			hint: 'The token expired, was revoked, or was issued for another server: refresh it, or log in again.',
		};
	}

	// RFC 6750 3.1: insufficient_scope names, in `scope`, what the request needs.
	if (params['error'] === 'insufficient_scope') {
		const scope = params['scope'];
		return {
			ok: false,
			status,
			challenge,
			message: `The access token lacks a scope the MCP server requires (HTTP 403 insufficient_scope)${said}`,
			hint: scope
				? `Log in again asking for scope "${scope}" as well as the ones you already have.`
				: 'Log in again asking for more scopes; the server did not say which ones (see scopes_supported in its resource metadata).',
		};
	}

	return {
		ok: false,
		status,
		challenge,
		message: `The MCP server refused access with this token (HTTP 403)${said}`,
		hint: 'The account may lack permission on this server, or the token was issued for another resource: log in with another account, or ask the server operator.',
	};
}

function httpFailure(status: number): Failure {
	if (status === 404) {
		return {ok: false, status, message: 'The MCP URL answered HTTP 404 Not Found', hint: 'Nothing at this URL speaks MCP: check the endpoint URL (it often ends in /mcp).'};
	}

	if (status === 405) {
		return {ok: false, status, message: 'The MCP URL does not accept POST requests (HTTP 405)', hint: 'This is not a Streamable HTTP MCP endpoint: check the URL (an old SSE-only server is not supported).'};
	}

	if (status >= 500) {
		return {ok: false, status, message: `The MCP server failed (HTTP ${status})`, hint: 'The server has a problem: try again later, or tell its operator (the trace shows the answer).'};
	}

	return {ok: false, status, message: `The MCP server answered HTTP ${status}`, hint: 'Check the MCP endpoint URL; the trace shows the full answer.'};
}

function describeFailure(error: unknown, exchanges: readonly Exchange[], sdk: Sdk): Failure {
	const {ProtocolError, SdkError, SdkErrorCode} = sdk;
	// Errors of our own http layer (refused, DNS, TLS, timeouts) already say what to do.
	const wizardError = causes(error).find(item => item instanceof WizardError);
	if (wizardError instanceof WizardError) return {ok: false, message: wizardError.message, hint: wizardError.hint};

	const failed = [...exchanges].reverse().find(exchange => exchange.status !== undefined && exchange.status >= 400);
	const status = statusOf(error, sdk) ?? failed?.status;
	if (status === 401 || status === 403) {
		const answer = [...exchanges].reverse().find(exchange => exchange.status === status);
		return authFailure(status, answer?.response?.headers['www-authenticate']);
	}

	if (status !== undefined && status >= 400) return httpFailure(status);

	const text = printableLine(error instanceof Error ? error.message : String(error));
	if (status !== undefined && status >= 300 && status < 400) {
		// The SDK follows redirects within the origin only: a token is not sent on to another server.
		const header = [...exchanges].reverse().find(exchange => exchange.status === status)?.response?.headers['location'];
		const location = header === undefined ? undefined : printableLine(header);
		return {
			ok: false,
			status,
			message: `The MCP URL redirects${location ? ` to ${location}` : ''} (HTTP ${status}), and the redirect leaves its origin`,
			hint: 'The access token is not sent to another origin: if the target is the real MCP server, use that URL instead (and log in for it).',
		};
	}

	if (error instanceof ProtocolError) {
		return {ok: false, message: `The MCP server answered with an error: ${text}`, hint: 'The server did not accept the request; the trace shows its answer.'};
	}

	if (error instanceof SdkError && error.code === SdkErrorCode.RequestTimeout) {
		return {ok: false, message: 'The MCP server did not answer in time', hint: 'Try again; if it repeats, the server is overloaded or not an MCP server.'};
	}

	const notMcpCodes = new Set<string>([SdkErrorCode.ClientHttpUnexpectedContent, SdkErrorCode.InvalidResult, SdkErrorCode.EraNegotiationFailed]);
	if ((error instanceof SdkError && notMcpCodes.has(error.code)) || (error instanceof Error && error.name === 'ZodError') || error instanceof SyntaxError) {
		return {ok: false, message: `The URL did not answer like an MCP server: ${text}`, hint: 'Check that the URL is the MCP endpoint itself, not a web page or the authorization server.'};
	}

	return {ok: false, message: `The MCP check failed: ${text}`, hint: 'Check the MCP endpoint URL; the trace shows every request and answer.'};
}

/**
 * Connects to an MCP server with a bearer token and runs `use` with the connected client: the one
 * connection code of checkMcp and callTool. Every request goes through our http layer, so it is in
 * the trace with the token masked. The token goes in a plain Authorization header (not an SDK
 * authProvider): a 401 or 403 comes back to us as a failure instead of starting an OAuth flow, and a
 * 403 insufficient_scope is never answered by a step-up of the SDK's own (onInsufficientScope: 'throw').
 * Failures are data (ok: false), not exceptions; the one exception is an aborted signal.
 */
export async function withMcpClient<T>(
	mcpUrl: string,
	accessToken: string,
	options: McpCheckOptions,
	use: (client: Client, signal: AbortSignal | undefined) => Promise<T>,
): Promise<{readonly ok: true; readonly value: T} | McpFailure> {
	const {http, signal} = options;
	let url: URL;
	try {
		url = new URL(mcpUrl);
	} catch {
		return {ok: false, message: `${mcpUrl} is not a valid URL`, hint: 'Pass the full MCP endpoint URL, e.g. https://example.com/mcp.'};
	}

	const sdk = await import('@modelcontextprotocol/client');
	const {Client, StreamableHTTPClientTransport} = sdk;
	signal?.throwIfAborted();
	const before = http.exchanges.at(-1)?.id ?? -1;
	// 'auto' probes with server/discover and falls back to initialize when the server is not 2026-07-28.
	const client = new Client(packageIdentity(), {versionNegotiation: {mode: 'auto'}});
	// Failures of background work (the optional GET stream of a 2025 session) must not fail the call;
	// everything the caller depends on is awaited in `use`.
	client.onerror = () => {};
	// Requests the SDK starts in the background (the GET stream) are tracked so that none is left
	// running, and the trace is complete, when withMcpClient returns.
	const inFlight = new Set<Promise<Response>>();
	const trackedFetch: FetchLike = (input, init) => {
		const pending = http.fetch(input, init);
		inFlight.add(pending);
		const forget = () => {
			inFlight.delete(pending);
		};

		pending.then(forget, forget);
		return pending;
	};

	const transport = new StreamableHTTPClientTransport(url, {
		fetch: trackedFetch,
		requestInit: {headers: {authorization: `Bearer ${accessToken}`}},
		onInsufficientScope: 'throw',
		reconnectionOptions: {maxRetries: 0, initialReconnectionDelay: 1000, maxReconnectionDelay: 1000, reconnectionDelayGrowFactor: 1},
	});

	// The SDK (2.4.0) does not pass connect's signal on to the server/discover probe: closing the
	// transport is what stops a probe in flight.
	const onAbort = () => {
		void transport.close().catch(() => {});
	};

	signal?.addEventListener('abort', onAbort, {once: true});
	try {
		await client.connect(transport, {signal});
		return {ok: true, value: await use(client, signal)};
	} catch (error) {
		if (signal?.aborted) throw signal.reason;
		return describeFailure(error, http.exchanges.filter(({id}) => id > before), sdk);
	} finally {
		signal?.removeEventListener('abort', onAbort);
		// Closing aborts whatever is still open, e.g. the GET stream a sessionful 2025 server holds for
		// server-sent messages: our buffered fetch would otherwise wait for it until its timeout.
		await client.close().catch(() => {});
		await Promise.allSettled(inFlight);
	}
}

/**
 * Proves the token works: connects with it (server/discover on 2026-07-28 servers, the initialize
 * handshake on older ones) and lists the tools.
 */
export async function checkMcp(mcpUrl: string, accessToken: string, options: McpCheckOptions): Promise<McpCheckResult> {
	const outcome = await withMcpClient(mcpUrl, accessToken, options, async (client, signal) => {
		const server = client.getServerVersion();
		const protocolVersion = client.getNegotiatedProtocolVersion();
		const {tools} = await client.listTools(undefined, {signal});
		return {server, protocolVersion, toolNames: tools.map(tool => tool.name)};
	});
	if (!outcome.ok) return outcome;
	const {server, protocolVersion, toolNames} = outcome.value;
	return {
		ok: true,
		serverName: server?.name ?? '',
		serverVersion: server?.version ?? '',
		...(protocolVersion === undefined ? {} : {protocolVersion}),
		toolCount: toolNames.length,
		toolNames,
	};
}
