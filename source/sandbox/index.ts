import {randomBytes} from 'node:crypto';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {IncomingMessage, createServer, type Server, type ServerResponse} from 'node:http';
import type {AddressInfo} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {Readable} from 'node:stream';
import type {ReadableStream as NodeReadableStream} from 'node:stream/web';
import {createAuthorizationServer, type PreregisteredClient} from './authorization-server.js';
import {createClientMetadataResolver, sandboxClientMetadataDocument, type ClientMetadataFetch} from './client-metadata-document.js';
import {idJagTokenType} from './id-jag.js';
import {createIdentityProvider, type IdentityProvider} from './identity-provider.js';
import {createMcpEndpoint} from './mcp-server.js';
import {
	challengeOnlyMetadataPath,
	clientMetadataDocumentPath,
	devicePaths,
	enterpriseApps,
	enterpriseDemoUser,
	fastmailPaths,
	identityProviderPath,
	identityProviderRoutes,
	preregisteredClientId,
	profileDefinitions,
	type ProfileDefinition,
	type SandboxFaults,
	type SandboxProfile,
} from './profiles.js';

export {sandboxProfiles, isSandboxProfile, type SandboxFaults, type SandboxProfile} from './profiles.js';
export type {ClientMetadataFetch} from './client-metadata-document.js';
export {mismatchedIssuer} from './authorization-server.js';

export type SandboxOptions = {
	/** 0 (default): a random free port. One HTTP server on 127.0.0.1 serves the AS and the MCP server. */
	readonly port?: number;
	/** Default 3600. */
	readonly accessTokenTtlSeconds?: number;
	/** Which server to be (default 'fastmail'); see sandboxProfiles and profiles.ts. */
	readonly profile?: SandboxProfile;
	/** Mistakes to make on purpose; any profile can carry any of them. */
	readonly faults?: SandboxFaults;
	/** Diagnostics; the sandbox never writes to stdout or stderr itself. */
	readonly onLog?: (line: string) => void;
	/**
	 * Every HTTP request waits this long before it is handled (default 0), like a server one round trip
	 * away: the benchmarks count how many requests a client makes one after another. Requests wait side
	 * by side, not in a queue.
	 */
	readonly latencyMs?: number;
};

export type RecordedRequest = {
	readonly method: string;
	readonly path: string;
	readonly headers: Record<string, string>;
	/** The raw body exactly as received. */
	readonly body: string;
	readonly query: Record<string, string>;
};

/** The kinds of secret the sandbox hands out; none may ever be shown whole by the wizard. `ID-JAG`: the identity provider's assertion (enterprise). */
export type IssuedSecretKind = 'access token' | 'refresh token' | 'id token' | 'client secret' | 'registration access token' | 'authorization code' | 'ID-JAG';

export type IssuedSecret = {readonly kind: IssuedSecretKind; readonly value: string};

/**
 * enterprise: what a person needs for an enterprise-managed login (SEP-990). The identity provider
 * exchanges an ID token for an ID-JAG (RFC 8693, client_id in the body, no secret); the MCP client
 * presents the ID-JAG at the authorization server (the JWT bearer grant, RFC 7523, client_secret_basic).
 */
export type SandboxEnterprise = {
	/** http://127.0.0.1:PORT/idp; its OpenID metadata at /idp/.well-known/openid-configuration. */
	readonly idpIssuer: string;
	readonly idpTokenEndpoint: string;
	/** The application's client id at the identity provider: public, token exchange and browser login (redirect http://127.0.0.1/callback, any port). */
	readonly idpClientId: string;
	/** The MCP client at the authorization server (the ID-JAGs name it), allowed the JWT bearer grant only. */
	readonly clientId: string;
	/** Its secret, new for every sandbox. */
	readonly clientSecret: string;
	/** The demo user's ID token from the identity provider, minted at start: valid 1 hour, aud idpClientId. A secret. */
	readonly idToken: string;
	/** A file (mode 0600, in a directory of its own) holding idToken; removed by close(). */
	readonly idTokenFile: string;
	/** The ID token's user (its sub). */
	readonly user: string;
};

export type Sandbox = {
	readonly profile: SandboxProfile;
	readonly faults: SandboxFaults;
	/**
	 * The authorization server's issuer, as its tokens name it: http://127.0.0.1:PORT, no trailing
	 * slash, or http://127.0.0.1:PORT/tenant1 for openid-tenant. (With the issuerMismatch fault the
	 * metadata names mismatchedIssuer(issuer) instead.)
	 */
	readonly issuer: string;
	/** http://127.0.0.1:PORT/mcp */
	readonly mcpUrl: string;
	/** The scope every MCP request needs. */
	readonly mcpScope: string;
	/** Where the protected-resource metadata is served (undefined: nowhere, legacy-2025-03-26). */
	readonly resourceMetadataUrl: string | undefined;
	/** Where the authorization-server metadata is served (undefined: nowhere, legacy-2025-03-26). */
	readonly authorizationServerMetadataUrl: string | undefined;
	/** The authorization server's endpoints; registration is undefined where there is none. */
	readonly endpoints: {readonly authorization: string; readonly token: string; readonly registration: string | undefined};
	/**
	 * preregistered: the client the operator "gave" the user. Confidential, authenticating with
	 * client_secret_basic (RFC 6749 section 2.3.1) only; its one redirect URI is
	 * http://127.0.0.1/callback, on any port (RFC 8252 section 7.3). The secret is new for every sandbox.
	 */
	readonly preregisteredClient?: PreregisteredClient;
	/**
	 * client-metadata-document: a Client ID Metadata Document the sandbox serves, whose URL is a client
	 * id this AS accepts (a public native client: token_endpoint_auth_method none, redirect URI
	 * http://127.0.0.1/callback on any port).
	 */
	readonly clientMetadataDocumentUrl?: string;
	/** step-up: the tool that needs an extra scope, and that scope. */
	readonly stepUp?: {readonly tool: string; readonly scope: string};
	/** enterprise: the identity provider, the MCP client and the demo user's ID token. */
	readonly enterprise?: SandboxEnterprise;
	/** What the servers received, oldest first, for tests to assert on. */
	readonly requests: {
		readonly registration: RecordedRequest[];
		readonly authorization: RecordedRequest[];
		readonly token: RecordedRequest[];
		/** device-flow: the device authorization requests (RFC 8628 3.1). */
		readonly deviceAuthorization: RecordedRequest[];
		/** enterprise: the identity provider's token requests (its token exchanges, RFC 8693 2.1, and the code grants of its browser login). */
		readonly tokenExchange: RecordedRequest[];
		readonly mcp: RecordedRequest[];
		/** client-metadata-document: every look-up of a URL client id by the AS (see ClientMetadataFetch). */
		readonly clientMetadata: ClientMetadataFetch[];
	};
	/**
	 * Every secret the authorization server handed out, oldest first: the pre-registered client's
	 * secret, and what its token, registration and authorization answers carried; with the enterprise
	 * profile, the demo ID token and what the identity provider's answers carried (ID-JAGs, ID tokens,
	 * codes). So that tests can look for them in everything the wizard printed.
	 */
	readonly issued: readonly IssuedSecret[];
	/** Closes everything, keep-alive sockets included. */
	close(): Promise<void>;
};

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

type Category = Exclude<keyof Sandbox['requests'], 'clientMetadata'>;

/** Which endpoint a request is for, by the profile's paths. */
function categoryOf(definition: ProfileDefinition, method: string, path: string): Category | undefined {
	const {issuerPath, routes} = definition;
	if (definition.enterprise && path === identityProviderPath + identityProviderRoutes.token && method === 'POST') return 'tokenExchange';
	if (definition.registration !== 'none' && path === issuerPath + routes.registration && method === 'POST') return 'registration';
	if (path === issuerPath + routes.authorization) return 'authorization';
	if (path === issuerPath + routes.token && method === 'POST') return 'token';
	if (definition.deviceFlow && path === issuerPath + devicePaths.authorization && method === 'POST') return 'deviceAuthorization';
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

function resourceMetadataPath(definition: ProfileDefinition): string | undefined {
	switch (definition.resourceMetadata) {
		case 'path-aware': {
			// RFC 9728 section 3.1: the well-known suffix goes between the host and the resource's path.
			return `/.well-known/oauth-protected-resource${fastmailPaths.mcp}`;
		}

		case 'root': {
			return '/.well-known/oauth-protected-resource';
		}

		case 'challenge-only': {
			return challengeOnlyMetadataPath;
		}

		case 'none': {
			return undefined;
		}
	}
}

/**
 * Hands a request to oidc-provider mounted at the issuer's path, as Express's app.use(path, ...)
 * would: the provider sees the path below the mount and builds its URLs from originalUrl/baseUrl.
 */
function mountAt(request: IncomingMessage, path: string): void {
	if (!path) return;
	const original = request.url ?? '/';
	const rest = original.slice(path.length);
	Object.assign(request, {originalUrl: original, baseUrl: path});
	request.url = rest.startsWith('/') ? rest : `/${rest}`;
}

/** Response fields that carry a secret (RFC 6749 5.1, RFC 7591 3.2.1, RFC 7592 3, OpenID Connect). */
const secretFields: ReadonlyArray<readonly [string, IssuedSecretKind]> = [
	['access_token', 'access token'],
	['refresh_token', 'refresh token'],
	['id_token', 'id token'],
	['client_secret', 'client secret'],
	['registration_access_token', 'registration access token'],
];

/** The secrets in one answer of the authorization server or identity provider: its JSON body, or a code in its redirect. */
function secretsIn(response: ServerResponse, body: string): IssuedSecret[] {
	const found: IssuedSecret[] = [];
	const location = response.getHeader('location');
	if (typeof location === 'string') {
		try {
			const url = new URL(location);
			// RFC 6749 4.1.2: in the query; a fragment with response_mode=fragment.
			for (const parameters of [url.searchParams, new URLSearchParams(url.hash.slice(1))]) {
				const code = parameters.get('code');
				if (code) found.push({kind: 'authorization code', value: code});
			}
		} catch {
			// A relative redirect (the provider's own interaction pages) carries no code.
		}
	}

	if (String(response.getHeader('content-type') ?? '').includes('json')) {
		try {
			const value = JSON.parse(body) as Record<string, unknown>;
			for (const [field, kind] of secretFields) {
				const secret = value[field];
				// RFC 8693 2.2.1: a token exchange answers with its token in access_token, whatever its type.
				const exchanged = field === 'access_token' && value['issued_token_type'] === idJagTokenType;
				if (typeof secret === 'string' && secret !== '') found.push({kind: exchanged ? 'ID-JAG' : kind, value: secret});
			}
		} catch {
			// Not an object: nothing issued.
		}
	}

	return found;
}

/**
 * Calls `onFinish` with what a response sent, once sent; the response itself is untouched. oidc-provider
 * (Koa) sends its answers with end(), streams with write().
 */
function copyBody(response: ServerResponse, onFinish: (body: string) => void): void {
	const chunks: Buffer[] = [];
	const keep = (chunk: unknown) => {
		if (typeof chunk === 'string' || chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk));
	};

	const {write, end} = response;
	response.write = ((chunk: unknown, ...rest: unknown[]) => {
		keep(chunk);
		return Reflect.apply(write, response, [chunk, ...rest]) as boolean;
	}) as typeof write;
	response.end = ((chunk?: unknown, ...rest: unknown[]) => {
		keep(chunk);
		return Reflect.apply(end, response, [chunk, ...rest]) as ServerResponse;
	}) as typeof end;
	response.once('finish', () => {
		onFinish(Buffer.concat(chunks).toString('utf8'));
	});
}

/** Starts the sandbox: an MCP server and its OAuth authorization server, shaped by the profile. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
	const profile = options.profile ?? 'fastmail';
	const faults: SandboxFaults = {...options.faults};
	const definition = profileDefinitions[profile];
	const log = options.onLog ?? (() => {});
	const requests: Sandbox['requests'] = {registration: [], authorization: [], token: [], deviceAuthorization: [], tokenExchange: [], mcp: [], clientMetadata: []};
	const issued: IssuedSecret[] = [];
	let route: ((request: RecordingRequest, response: ServerResponse, url: URL) => Promise<void>) | undefined;

	const latencyMs = options.latencyMs ?? 0;
	const waiting = new Set<NodeJS.Timeout>();
	const server = createServer<typeof RecordingRequest>({IncomingMessage: RecordingRequest}, (request, response) => {
		// Only the path and query matter here; the host is always this server.
		const url = new URL(request.url ?? '/', 'http://127.0.0.1');
		const category = categoryOf(definition, request.method ?? 'GET', url.pathname);
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

		const answer = () => {
			// The MCP server issues nothing, and its answers may be long streams.
			if (url.pathname !== fastmailPaths.mcp) {
				copyBody(response, body => {
					issued.push(...secretsIn(response, body));
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
		};

		if (!(latencyMs > 0)) {
			answer();
			return;
		}

		// Recorded on arrival; the body keeps arriving (and being recorded) while the answer waits.
		const timer = setTimeout(() => {
			waiting.delete(timer);
			answer();
		}, latencyMs);
		waiting.add(timer);
	});

	await listen(server, options.port ?? 0);
	const {port} = server.address() as AddressInfo;
	const origin = `http://127.0.0.1:${port}`;
	const issuer = `${origin}${definition.issuerPath}`;
	const mcpUrl = `${origin}${fastmailPaths.mcp}`;
	const metadataPath = resourceMetadataPath(definition);
	const resourceMetadataUrl = metadataPath === undefined ? undefined : `${origin}${metadataPath}`;
	const asMetadataPath = definition.authorizationServerMetadata === 'none'
		? undefined
		: definition.issuerPath
			// OpenID Connect Discovery section 4: appended to the issuer, path and all.
			? `${definition.issuerPath}/.well-known/${definition.authorizationServerMetadata}`
			: `/.well-known/${definition.authorizationServerMetadata}`;
	const endpoint = (path: string) => `${issuer}${path}`;
	const [enterpriseApp] = enterpriseApps;
	const preregisteredClient: PreregisteredClient | undefined = definition.preregisteredClient
		? {clientId: definition.enterprise ? enterpriseApp.clientId : preregisteredClientId, clientSecret: randomBytes(24).toString('base64url'), tokenEndpointAuthMethod: 'client_secret_basic'}
		: undefined;
	if (preregisteredClient) issued.push({kind: 'client secret', value: preregisteredClient.clientSecret});
	const clientMetadataDocumentUrl = definition.clientMetadataDocuments ? `${origin}${clientMetadataDocumentPath}` : undefined;
	const aborter = new AbortController();
	let mcp: ReturnType<typeof createMcpEndpoint> | undefined;
	const idpIssuer = `${origin}${identityProviderPath}`;
	/** enterprise: the directory of the demo ID token's file. */
	let idTokenDirectory: string | undefined;

	async function close(): Promise<void> {
		aborter.abort();
		// Requests still waiting are dropped with their connections below.
		for (const timer of waiting) clearTimeout(timer);
		waiting.clear();
		await mcp?.close();
		const closed = new Promise<void>(resolve => {
			server.close(() => resolve());
		});
		server.closeAllConnections();
		await closed;
		if (idTokenDirectory) rmSync(idTokenDirectory, {recursive: true, force: true});
	}

	let enterprise: SandboxEnterprise | undefined;

	try {
		let identityProvider: IdentityProvider | undefined;
		if (definition.enterprise && preregisteredClient) {
			identityProvider = await createIdentityProvider({issuer: idpIssuer, log});
			const idToken = await identityProvider.mintIdToken(enterpriseDemoUser, enterpriseApp.idpClientId, 3600);
			issued.push({kind: 'id token', value: idToken});
			// mkdtemp makes the directory 0700; the file is the user's alone too.
			idTokenDirectory = mkdtempSync(join(tmpdir(), 'mcp-auth-wizard-sandbox-'));
			const idTokenFile = join(idTokenDirectory, 'id-token.jwt');
			writeFileSync(idTokenFile, `${idToken}\n`, {mode: 0o600});
			enterprise = {
				idpIssuer,
				idpTokenEndpoint: `${idpIssuer}${identityProviderRoutes.token}`,
				idpClientId: enterpriseApp.idpClientId,
				clientId: preregisteredClient.clientId,
				clientSecret: preregisteredClient.clientSecret,
				idToken,
				idTokenFile,
				user: enterpriseDemoUser,
			};
		}

		const authorizationServer = await createAuthorizationServer({
			issuer,
			resource: mcpUrl,
			definition,
			faults,
			accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 3600,
			preregisteredClient,
			...(identityProvider ? {identityProvider: {issuer: idpIssuer, signingKey: identityProvider.signingKey}} : {}),
			findClient: definition.clientMetadataDocuments
				? createClientMetadataResolver({onFetch: fetched => requests.clientMetadata.push(fetched), signal: aborter.signal, log})
				: undefined,
			log,
		});
		mcp = createMcpEndpoint({
			issuer,
			resource: mcpUrl,
			resourceMetadataUrl: definition.challenge.resourceMetadata ? resourceMetadataUrl : undefined,
			mcpScope: definition.mcpScope,
			challenge: definition.challenge,
			stepUp: definition.stepUp,
			protocolVersions: definition.protocolVersions,
			serverName: definition.serverName,
			signingKey: authorizationServer.signingKey,
			log,
		});
		const mcpEndpoint = mcp;
		const resourceMetadata = {
			resource: faults.resourceMismatch ? `${mcpUrl}/` : mcpUrl,
			authorization_servers: [issuer],
			scopes_supported: [...definition.resourceScopes],
			bearer_methods_supported: ['header'],
		};
		const clientMetadataDocument = clientMetadataDocumentUrl === undefined
			? undefined
			: sandboxClientMetadataDocument(clientMetadataDocumentUrl, definition.scopes.join(' '));
		const {issuerPath} = definition;
		const idp = identityProvider;

		route = async (request, response, url) => {
			const path = url.pathname;
			if (idp && (path === identityProviderPath || path.startsWith(`${identityProviderPath}/`))) {
				// The identity provider's issuer has a path: its metadata is at /idp/.well-known/openid-configuration (OpenID Connect Discovery 4).
				mountAt(request, identityProviderPath);
				await idp.handle(request, response);
			} else if (path === fastmailPaths.mcp) {
				const body = await readBody(request);
				// A signal of the request's own, ended with its response or the sandbox: every Request given
				// the sandbox's one would leave a listener on it until collected (thousands in a long session).
				const requestAborter = new AbortController();
				const stop = () => requestAborter.abort();
				aborter.signal.addEventListener('abort', stop, {once: true});
				response.once('close', () => {
					aborter.signal.removeEventListener('abort', stop);
					stop();
				});
				const answer = await mcpEndpoint.handle(toWebRequest(request, new URL(url.pathname + url.search, origin), body, requestAborter.signal));
				await sendWebResponse(answer, response);
			} else if (path === metadataPath) {
				sendJson(response, 200, resourceMetadata);
			} else if (clientMetadataDocument && path === clientMetadataDocumentPath) {
				sendJson(response, 200, clientMetadataDocument);
			} else if (issuerPath && path !== issuerPath && !path.startsWith(`${issuerPath}/`)) {
				// Nothing but the MCP server lives outside the tenant's path.
				sendJson(response, 404, {error: 'not_found'});
			} else if (path.startsWith(`${issuerPath}/.well-known/`) && path !== asMetadataPath) {
				// One discovery document per profile; every other well-known location is absent.
				sendJson(response, 404, {error: 'not_found'});
			} else {
				mountAt(request, issuerPath);
				await authorizationServer.handle(request, response);
			}
		};
	} catch (error) {
		await close();
		throw error;
	}

	log(`sandbox (${profile}) listening on ${origin}`);
	const {routes} = definition;
	return {
		profile,
		faults,
		issuer,
		mcpUrl,
		mcpScope: definition.mcpScope,
		resourceMetadataUrl,
		authorizationServerMetadataUrl: asMetadataPath === undefined ? undefined : `${origin}${asMetadataPath}`,
		endpoints: {
			authorization: endpoint(routes.authorization),
			token: endpoint(routes.token),
			registration: definition.registration === 'none' ? undefined : endpoint(routes.registration),
		},
		...(preregisteredClient ? {preregisteredClient} : {}),
		...(clientMetadataDocumentUrl ? {clientMetadataDocumentUrl} : {}),
		...(definition.stepUp ? {stepUp: definition.stepUp} : {}),
		...(enterprise ? {enterprise} : {}),
		requests,
		issued,
		close,
	};
}
