import type {Readable, Writable} from 'node:stream';
import {InsufficientScopeError, type JSONRPCMessage, type JSONRPCRequest, SSEClientTransport, StreamableHTTPClientTransport, isJSONRPCErrorResponse, isJSONRPCRequest, isJSONRPCResultResponse} from '@modelcontextprotocol/client';
import {StdioServerTransport} from '@modelcontextprotocol/server/stdio';
import {WizardError} from '../core/errors.js';
import {type ParamHeader, paramHeaders, paramHeadersOf} from '../core/mcp-param-headers.js';
import {parseScopes} from '../core/scopes.js';
import {stepUpScopes} from '../core/tool-call.js';
import type {SavedServer, ServerStore} from '../store/types.js';
import {type CommandContext, requireServer} from './context.js';
import {reauthorizesEnterprise, renewable} from '../store/status.js';
import {requireTokens, usableServer} from './fresh-tokens.js';
import type {LoginFlags} from './login.js';
import {runReauthorize} from './manage.js';
import {maxToolCallAttempts} from './step-up.js';
import {exitCode, quietOutput} from './output.js';

/** JSON-RPC's "server error" range (2.0, 5.1): the proxy's own failures, not the MCP server's answers. */
const proxyErrorCode = -32_000;

/** How long the remote session's end (DELETE) may take when the client goes: a client waits for us to exit. */
const closeTimeoutMs = 800;

/** Whether only a new login helps: no tokens left (never any, or cleared after invalid_grant), or none that can be renewed. */
function needsLogin(server: SavedServer): boolean {
	return server.tokens === undefined || !renewable(server);
}

/** What logging in again takes, said as the proxy starts it. */
function loggingInAgain(server: SavedServer): string {
	if (server.grant === 'client_credentials') return 'getting a token again (client credentials)';
	if (server.grant !== 'jwt-bearer') return 'logging in again (the browser)';
	// A bare token endpoint has no browser login: only a new ID token from elsewhere helps.
	return reauthorizesEnterprise(server) ? `logging in again at the identity provider ${server.identityProvider.issuer} (the browser), for a new ID token` : 'cannot log in again by itself: an enterprise login needs a new ID token';
}

/**
 * Logs in to `server` again (the browser, as reauthorize: the saved client when it still works) unless
 * another process did while this one waited for its turn; the server as saved then. Its words go to
 * stderr, never stdout, which is the protocol's; nothing is read from stdin, which is the protocol's too.
 */
async function logIn(context: CommandContext, store: ServerStore, server: SavedServer, flags: LoginFlags): Promise<SavedServer> {
	const loginContext: CommandContext = {...context, output: quietOutput(context.output), openStore: async () => store, readLines: undefined, ask: undefined};
	return store.loggingIn(server.name, async () => {
		const now = store.find(server.name);
		const covers = (flags.scopes ?? []).every(scope => now?.scopes.includes(scope));
		if (now?.tokens && now.tokens.accessToken !== server.tokens?.accessToken && covers) {
			context.output.note('took the login another process made meanwhile');
			return now;
		}

		context.output.note(loggingInAgain(server));
		await runReauthorize(loginContext, server.name, {...flags, verify: false});
		const saved = store.find(server.name);
		if (!saved) throw new WizardError('store', `${server.name} was removed meanwhile`, 'See `mcp-auth-wizard list`.');
		return saved;
	});
}

/** The HTTP status an MCP transport's error carries, if any (the SDK's SdkHttpError). */
function httpStatusOf(error: unknown): number | undefined {
	const status = (error as {data?: {status?: unknown}} | undefined)?.data?.status;
	return typeof status === 'number' ? status : undefined;
}

/**
 * The server's own JSON-RPC error for a request it refused with an HTTP error (a 2026-07-28 server
 * answers an unknown method 404 with -32601): passed on as it is, not as the proxy's -32000.
 */
function serverError(error: unknown, request: JSONRPCRequest): JSONRPCMessage | undefined {
	const text = (error as {data?: {text?: unknown}} | undefined)?.data?.text;
	if (typeof text !== 'string') return undefined;
	try {
		const answer = JSON.parse(text) as unknown;
		return isJSONRPCErrorResponse(answer) && answer.id === request.id ? answer : undefined;
	} catch {
		return undefined;
	}
}

/** What the proxy's client is told when a message cannot be relayed: one line, with what to do. */
function errorText(error: unknown): string {
	if (error instanceof WizardError) return `${error.message}. ${error.hint}`;
	return error instanceof Error ? error.message : String(error);
}

/**
 * `proxy <server>`: MCP over stdio for a local client (any MCP client can start a command), relayed
 * as it is to the saved server over streamable HTTP with the token keeper's access token: refreshed
 * before it expires, and once after a 401 (the transport then sends the message again). Every message
 * passes both ways unchanged, the server's requests to the client included. stdout carries only the
 * protocol; one line per event goes to stderr, which clients keep in their logs. Ends when the client
 * closes stdin or on SIGTERM/SIGINT, ending the remote session (DELETE with its id).
 */
export type ProxyFlags = {
	/** --no-login: never open a browser; a missing or refused login is every request's error. */
	readonly login: boolean;
	/** How the proxy logs in when it must: as `reauthorize` would, with these flags. */
	readonly loginFlags: LoginFlags;
};

export async function runProxy(context: CommandContext, nameOrUrl: string | undefined, streams: {readonly input: Readable; readonly output: Writable}, flags: ProxyFlags): Promise<number> {
	const store = await context.openStore();
	let server = requireServer(store, nameOrUrl, 'proxy');
	const log = (line: string) => context.output.note(`[mcp-auth-wizard proxy ${server.name}] ${line}`);
	// Every line on stderr names the proxy: a client's log holds those of all its servers.
	const logged: CommandContext = {...context, output: {...context.output, note: log}};
	// No login, or a refused one: the browser login, as reauthorize runs it (one proxy of a login at a
	// time: the others wait and take its tokens); with --no-login, every request's error says how.
	const fresh = async (rejected: boolean) => {
		try {
			server = (await usableServer(logged, store, server, rejected)).server;
			return requireTokens(server).accessToken;
		} catch (error) {
			const now = store.find(server.name) ?? server;
			// Another proxy of this login logged in between our look and now: its tokens are ours.
			if (now.tokens && now.tokens.accessToken !== server.tokens?.accessToken) {
				server = now;
				return requireTokens(now).accessToken;
			}

			if (!flags.login || !needsLogin(now)) throw error;
			server = await logIn(logged, store, server, flags.loginFlags);
			return requireTokens(server).accessToken;
		}
	};

	const local = new StdioServerTransport(streams.input, streams.output);
	// The client's initialize: its answer names the protocol version every later request carries
	// (MCP-Protocol-Version), and it is sent again, as the proxy's own, to start a new session.
	let initialize: JSONRPCRequest | undefined;
	const initializing = new Set<string | number>();
	/** The proxy's own requests (a new session's initialize): answered to it, never to the client. */
	const own = new Map<string | number, (message: JSONRPCMessage) => void>();
	let renewals = 0;
	// The client's tools/list requests, and the Mcp-Param headers their answers declare, by tool.
	const listing = new Set<string | number>();
	const marked = new Map<string, readonly ParamHeader[]>();

	/** The remote side: streamable HTTP, or the 2024-11-05 HTTP+SSE transport for a server that only speaks that. */
	const open = (kind: 'streamable-http' | 'sse' = 'streamable-http') => {
		const options = {
			fetch: context.http.streamingFetch,
			authProvider: {
				token: async () => fresh(false),
				async onUnauthorized() {
					await fresh(true);
				},
			},
		};
		const transport = kind === 'sse' ? new SSEClientTransport(new URL(server.mcpUrl), options) : new StreamableHTTPClientTransport(new URL(server.mcpUrl), options);
		transport.onmessage = (message: JSONRPCMessage) => {
			const id = isJSONRPCResultResponse(message) || isJSONRPCErrorResponse(message) ? message.id : undefined;
			const mine = id === undefined ? undefined : own.get(id);
			if (isJSONRPCResultResponse(message) && listing.delete(message.id)) remember(message.result['tools']);
			if (isJSONRPCResultResponse(message) && (mine !== undefined || initializing.delete(message.id))) {
				const version = message.result['protocolVersion'];
				if (typeof version === 'string' && transport instanceof StreamableHTTPClientTransport) transport.setProtocolVersion(version);
				log(`connected to ${server.mcpUrl} (protocol ${String(version)})`);
			}

			if (mine) mine(message);
			else local.send(message).catch(() => undefined);
		};

		transport.onerror = error => {
			log(errorText(error));
		};

		return transport;
	};

	const remember = (tools: unknown) => {
		if (!Array.isArray(tools)) return;
		for (const tool of tools as Array<{name?: unknown; inputSchema?: unknown}>) {
			if (typeof tool?.name === 'string') marked.set(tool.name, paramHeadersOf(tool.inputSchema));
		}
	};

	/** A tools/call carries the values of the tool's marked arguments as Mcp-Param headers too (MCP 2026-07-28). */
	const sendOptions = (message: JSONRPCMessage) => {
		if (!isJSONRPCRequest(message) || message.method !== 'tools/call') return undefined;
		const params = message.params as {name?: unknown; arguments?: unknown} | undefined;
		const declared = typeof params?.name === 'string' ? marked.get(params.name) : undefined;
		return declared && declared.length > 0 ? {headers: paramHeaders(declared, params?.arguments)} : undefined;
	};

	let remote = open();
	let renewing: Promise<void> | undefined;
	/**
	 * A session the server no longer knows (404 to a request with its id; MCP streamable HTTP, Session
	 * Management): a new one, started as the client started the first (initialize, initialized).
	 */
	const renew = async (forgotten: typeof remote) => {
		renewing ??= (async () => {
			if (remote !== forgotten || !initialize) return;
			log('the server no longer knows the session (404): starting a new one');
			remote = open();
			forgotten.onmessage = undefined;
			forgotten.onerror = undefined;
			// Not ended with a DELETE: the server has no such session.
			await forgotten.close().catch(() => undefined);
			await remote.start();
			const id = `mcp-auth-wizard-proxy-${++renewals}`;
			const answered = new Promise<JSONRPCMessage>(resolve => {
				own.set(id, resolve);
			});
			await remote.send({...initialize, id});
			const answer = await answered;
			own.delete(id);
			if (!isJSONRPCResultResponse(answer)) throw new WizardError('mcp-check', `${server.mcpUrl} refused a new session`, 'Restart the MCP client (or its connection to this server).');
			await remote.send({jsonrpc: '2.0', method: 'notifications/initialized'});
		})().finally(() => {
			renewing = undefined;
		});
		return renewing;
	};

	/**
	 * Sends a client's message on: again in a new session when the server forgot the old one, and again
	 * after a step-up login when the server wants more scopes (403 insufficient_scope, MCP 2025-11-25
	 * Step-Up Authorization Flow: the scopes asked before and the challenged ones), at most as often as
	 * `verify --call` does.
	 */
	const relay = async (message: JSONRPCMessage) => {
		for (let attempt = 1; ; attempt++) {
			const sending = remote;
			try {
				await (sending instanceof StreamableHTTPClientTransport ? sending.send(message, sendOptions(message)) : sending.send(message));
				return;
			} catch (error) {
				// A 404 that is the server's own answer to the request (an unknown method) is no lost session.
				const answered = isJSONRPCRequest(message) && serverError(error, message) !== undefined;
				if (httpStatusOf(error) === 404 && initialize && !answered && !(isJSONRPCRequest(message) && message.method === 'initialize') && attempt === 1) {
					await renew(sending);
					continue;
				}

				// MCP 2025-03-26, Backwards Compatibility: an initialize POST refused with a 4xx is a server of the
				// 2024-11-05 HTTP+SSE transport; it is spoken to with that from then on.
				const status = httpStatusOf(error);
				const legacy = status !== undefined && status >= 400 && status < 500 && status !== 401 && status !== 403;
				if (legacy && isJSONRPCRequest(message) && message.method === 'initialize' && sending instanceof StreamableHTTPClientTransport && attempt === 1) {
					log(`${server.mcpUrl} answered ${status} to a streamable HTTP POST: trying the HTTP+SSE transport (2024-11-05)`);
					remote = open('sse');
					await sending.close().catch(() => undefined);
					await remote.start();
					continue;
				}

				if (!(error instanceof InsufficientScopeError)) throw error;
				const challenged = parseScopes(error.requiredScope ?? '');
				const scopes = stepUpScopes(server.scopes, challenged);
				const needs = `${server.mcpUrl} needs more scopes for this (HTTP 403 insufficient_scope): ${challenged.join(' ') || 'it named none'}`;
				if (!flags.login || challenged.length === 0 || attempt >= maxToolCallAttempts) {
					throw new WizardError('mcp-check', needs, `Log in again with them: mcp-auth-wizard reauthorize ${server.name} --scopes ${scopes.join(',')}`);
				}

				log(`${needs}; logging in again with ${scopes.join(' ')}`);
				server = await logIn(logged, store, server, {...flags.loginFlags, scopes});
			}
		}
	};

	let closing: Promise<void> | undefined;
	let finished: (code: number) => void = () => undefined;
	const done = new Promise<number>(resolve => {
		finished = resolve;
	});

	const close = async () => {
		closing ??= (async () => {
			// The remote session ends with the local one (DELETE, MCP streamable HTTP "Session Management"); a server that does not answer in time is left.
			if (remote instanceof StreamableHTTPClientTransport) await Promise.race([remote.terminateSession().catch(() => undefined), new Promise(resolve => setTimeout(resolve, closeTimeoutMs).unref())]);
			await remote.close().catch(() => undefined);
			await local.close().catch(() => undefined);
			streams.input.destroy();
			log('closed');
			finished(exitCode.ok);
		})();
		return closing;
	};

	local.onmessage = (message: JSONRPCMessage) => {
		if (isJSONRPCRequest(message) && message.method === 'initialize') {
			initialize = message;
			initializing.add(message.id);
		}

		if (isJSONRPCRequest(message) && message.method === 'tools/list') listing.add(message.id);

		relay(message).catch(async (error: unknown) => {
			log(`could not relay ${isJSONRPCRequest(message) ? message.method : 'a message'}: ${errorText(error)}`);
			// A request always gets an answer: the server's error, or the proxy's, so the client does not wait for ever.
			if (isJSONRPCRequest(message)) await local.send(serverError(error, message) ?? {jsonrpc: '2.0', id: message.id, error: {code: proxyErrorCode, message: errorText(error)}}).catch(() => undefined);
		});
	};

	local.onerror = error => {
		log(`from the client: ${errorText(error)}`);
	};

	local.onclose = () => {
		void close();
	};

	context.signal.addEventListener('abort', () => void close(), {once: true});
	await remote.start();
	await local.start();
	log(`relaying to ${server.mcpUrl}`);
	return done;
}
