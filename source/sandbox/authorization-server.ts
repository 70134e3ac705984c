import {generateKeyPair, randomBytes, type KeyObject} from 'node:crypto';
import type {IncomingMessage, ServerResponse} from 'node:http';
import {promisify} from 'node:util';
import type {Account, AdapterPayload, Configuration, ProviderContext, ResourceServerInfo} from 'oidc-provider';
import {createJwtBearerGrant, jwtBearerGrant, type TrustedIdentityProvider} from './id-jag.js';
import {createMemoryAdapter} from './memory-adapter.js';
import {devicePaths, fastmailNoScopeError, loopbackRedirectUri, type ProfileDefinition, type SandboxFaults} from './profiles.js';

/** preregistered: the confidential client the operator hands out. */
export type PreregisteredClient = {readonly clientId: string; readonly clientSecret: string; readonly tokenEndpointAuthMethod: string};

export type AuthorizationServerOptions = {
	/** With the profile's path, if any; oidc-provider is then mounted at that path (see mountAt). */
	readonly issuer: string;
	/** The one resource (RFC 8707) tokens are issued for: the MCP server's URL. */
	readonly resource: string;
	readonly definition: ProfileDefinition;
	readonly faults: SandboxFaults;
	readonly accessTokenTtlSeconds: number;
	readonly preregisteredClient?: PreregisteredClient;
	/** enterprise: the identity provider whose ID-JAGs the JWT bearer grant takes (SEP-990). */
	readonly identityProvider?: TrustedIdentityProvider;
	/** client-metadata-document: the metadata of a client id that is not registered (see MemoryAdapterOptions). */
	readonly findClient?: (id: string) => Promise<AdapterPayload | undefined>;
	readonly log: (line: string) => void;
};

export type AuthorizationServer = {
	readonly handle: (request: IncomingMessage, response: ServerResponse) => Promise<void>;
	/** The key access tokens are signed with (RS256), for the resource server to verify them. */
	readonly signingKey: {readonly kid: string; readonly publicKey: KeyObject};
};

const noScopeMarker = 'sandboxNoScope';

/** The logs of the sandboxes starting now; several may start at once (tests do). */
const quietLogs = new Set<{readonly log: (line: string) => void}>();
let restoreConsole: (() => void) | undefined;

/**
 * oidc-provider announces itself on the console (runtime version, development-only features). The
 * sandbox must never write to the user's terminal, so those lines go to the log instead while `run`
 * executes (to every log of a sandbox starting then: a line cannot tell which one it is from). Only
 * lines that oidc-provider itself prefixes are held back. The console is patched once, however many
 * sandboxes start together, and restored when the last one is done.
 */
export async function quietly<T>(log: (line: string) => void, run: () => T | Promise<T>): Promise<T> {
	if (!restoreConsole) {
		const {warn, info} = console;
		const filter = (original: (...data: unknown[]) => void) => (...data: unknown[]) => {
			// oidc-provider colours its lines on a TTY.
			const [first] = data;
			const line = typeof first === 'string' ? first.replaceAll(/\u001B\[[\d;]*m/g, '') : '';
			if (/^oidc-provider (?:WARNING|NOTICE): /.test(line)) {
				for (const quiet of quietLogs) quiet.log(line);
				return;
			}

			original.apply(console, data);
		};

		console.warn = filter(warn);
		console.info = filter(info);
		restoreConsole = () => {
			console.warn = warn;
			console.info = info;
		};
	}

	const entry = {log};
	quietLogs.add(entry);
	try {
		return await run();
	} finally {
		quietLogs.delete(entry);
		if (quietLogs.size === 0) {
			restoreConsole?.();
			restoreConsole = undefined;
		}
	}
}

function escapeHtml(text: string): string {
	return text.replaceAll(/[&<>"']/g, character => `&#${character.codePointAt(0)};`);
}

/** oidc-provider's `renderError`: a plain page with the error's fields (its own page has inline styles). */
export function renderErrorPage(ctx: ProviderContext, out: Record<string, unknown>): void {
	ctx.type = 'html';
	const lines = Object.entries(out).map(([key, value]) => `<p><strong>${escapeHtml(key)}</strong>: ${escapeHtml(String(value))}</p>`);
	ctx.body = `<!DOCTYPE html><html><head><title>sandbox error</title></head><body><h1>Error</h1>${lines.join('')}</body></html>`;
}

/**
 * oidc-provider follows OpenID Connect Core section 11: offline_access is dropped unless the request
 * has prompt=consent. Fastmail, like most OAuth servers, issues a refresh token for offline_access
 * alone, so the sandbox adds the prompt (native clients get the consent page anyway).
 */
function requestConsentForOfflineAccess(parameters: URLSearchParams): void {
	const scopes = (parameters.get('scope') ?? '').split(' ');
	const prompts = (parameters.get('prompt') ?? '').split(' ').filter(Boolean);
	if (scopes.includes('offline_access') && !prompts.includes('consent') && !prompts.includes('none')) {
		parameters.set('prompt', [...prompts, 'consent'].join(' '));
	}
}

/** RFC 6749 section 3.3: a request without `scope` is processed with a pre-defined default. */
function applyDefaultScope(parameters: URLSearchParams, scope: string | undefined): void {
	if (scope !== undefined && !parameters.get('scope')) parameters.set('scope', scope);
}

/** The issuerMismatch fault: the same server under a name a client must not accept (RFC 8414 section 3.3). */
export function mismatchedIssuer(issuer: string): string {
	return issuer.replace('//127.0.0.1', '//localhost');
}

/**
 * The omitIss fault: the authorization response (code or error, in the query or the fragment) loses
 * its RFC 9207 `iss` while the metadata still promises it.
 */
function stripIss(location: string): string | undefined {
	let url: URL;
	try {
		url = new URL(location);
	} catch {
		return undefined;
	}

	const fragment = new URLSearchParams(url.hash.slice(1));
	for (const parameters of [url.searchParams, fragment]) {
		if (parameters.has('iss') && (parameters.has('code') || parameters.has('error'))) {
			parameters.delete('iss');
			if (parameters === fragment) url.hash = fragment.toString();
			return url.href;
		}
	}

	return undefined;
}

function hasScope(body: Record<string, unknown> | undefined): boolean {
	const scope = body?.['scope'];
	return scope !== undefined && scope !== '';
}

/** A real oidc-provider, configured as the profile says (by default like Fastmail's authorization server). */
export async function createAuthorizationServer(options: AuthorizationServerOptions): Promise<AuthorizationServer> {
	const {issuer, resource, definition, faults, accessTokenTtlSeconds, log} = options;
	const {routes} = definition;
	// Kept off the import path of everything else: loading oidc-provider is slow and noisy.
	const {default: Provider, errors} = await quietly(log, async () => import('oidc-provider'));

	const {privateKey, publicKey} = await promisify(generateKeyPair)('rsa', {modulusLength: 2048});
	const kid = randomBytes(8).toString('hex');
	const jwk = {...privateKey.export({format: 'jwk'}), kid, alg: 'RS256', use: 'sig'};

	const resourceServer: ResourceServerInfo = {
		scope: definition.tokenScopes.join(' '),
		audience: resource,
		accessTokenTTL: accessTokenTtlSeconds,
		// RFC 9068 JWT access tokens, so the MCP server can check them on its own.
		accessTokenFormat: 'jwt',
		jwt: {sign: {alg: 'RS256', kid}},
	};

	const registration = definition.registration === 'none'
		? {enabled: false}
		: {
				enabled: true,
				...(definition.registration === 'fastmail'
					? {
							// The first hook that sees the parsed registration body: Fastmail refuses a registration
							// without `scope` (see shared/seed-bug.md); the middleware below writes its exact answer.
							idFactory(ctx: ProviderContext) {
								if (!hasScope(ctx.oidc.body)) {
									ctx.state[noScopeMarker] = true;
									throw new errors.InvalidRequest('invalid_request no scope');
								}

								return randomBytes(16).toString('base64url');
							},
						}
					: {}),
			};

	const preregistered = options.preregisteredClient;
	const configuration: Configuration = {
		adapter: createMemoryAdapter({findClient: options.findClient}),
		jwks: {keys: [jwk]},
		cookies: {keys: [randomBytes(32).toString('base64url')]},
		scopes: [...definition.scopes],
		responseTypes: ['code'],
		clientAuthMethods: [...definition.clientAuthMethods],
		routes: {authorization: routes.authorization, token: routes.token, registration: routes.registration, jwks: routes.jwks, code_verification: devicePaths.verification, device_authorization: devicePaths.authorization},
		// A client the operator registered by hand: a native client on loopback with a secret of its own.
		// RFC 8252 section 8.5 warns against secrets built into an app; this one is handed to one user.
		clients: preregistered
			? [{
					client_id: preregistered.clientId,
					client_secret: preregistered.clientSecret,
					client_name: 'mcp-auth-wizard (registered by the sandbox operator)',
					// A client acting as itself, or on an ID-JAG, has no redirect URI: it never sends a user anywhere.
					...(definition.clientCredentials
						? {grant_types: ['client_credentials'], redirect_uris: [], response_types: []}
						: definition.enterprise
							? {grant_types: [jwtBearerGrant], redirect_uris: [], response_types: []}
							: {application_type: 'native', redirect_uris: [loopbackRedirectUri], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code']}),
					token_endpoint_auth_method: preregistered.tokenEndpointAuthMethod,
					scope: definition.scopes.join(' '),
				}]
			: [],
		// Extra metadata (RFC 8414 section 2 allows it): Client ID Metadata Documents (MCP 2025-11-25).
		discovery: definition.clientMetadataDocuments ? {client_id_metadata_document_supported: true} : {},
		// RFC 7636: PKCE for every client (oidc-provider accepts S256 only).
		pkce: {required: () => true},
		features: {
			devInteractions: {enabled: true},
			// RFC 8628; the default pages (code entry, confirmation, success) are oidc-provider's own.
			deviceFlow: {enabled: definition.deviceFlow === true},
			// RFC 6749 4.4, for the client-credentials profile.
			clientCredentials: {enabled: definition.clientCredentials === true},
			registration,
			// RFC 7592: clients can be read (re-authorization asks whether its client still exists) and
			// deleted (tests drop a client, as a real server may).
			registrationManagement: definition.registration === 'none' ? {enabled: false} : {enabled: true, rotateRegistrationAccessToken: false},
			resourceIndicators: {
				enabled: true,
				// RFC 8707: a request without `resource` still gets a token for the MCP server.
				defaultResource: () => resource,
				useGrantedResource: () => true,
				getResourceServerInfo(_ctx: unknown, indicator: string) {
					if (indicator !== resource) throw new errors.InvalidTarget(`unknown resource ${indicator}`);
					return resourceServer;
				},
			},
			dPoP: {enabled: false},
			pushedAuthorizationRequests: {enabled: false},
			rpInitiatedLogout: {enabled: false},
			userinfo: {enabled: false},
		},
		findAccount: (_ctx: unknown, sub: string): Account => ({accountId: sub, claims: () => ({sub})}),
		clientBasedCORS: () => false,
		ttl: {
			AccessToken: accessTokenTtlSeconds,
			AuthorizationCode: 60,
			BackchannelAuthenticationRequest: 600,
			ClientCredentials: accessTokenTtlSeconds,
			DeviceCode: 600,
			Grant: 14 * 24 * 3600,
			IdToken: 3600,
			Interaction: 3600,
			PreAuthorizedCode: 600,
			RefreshToken: 14 * 24 * 3600,
			Session: 14 * 24 * 3600,
		},
		renderError: renderErrorPage,
	};

	const provider = await quietly(log, () => new Provider(issuer, configuration));
	if (definition.enterprise) {
		if (!options.identityProvider) throw new Error('the enterprise profile needs its identity provider');
		// Listed in the metadata's grant_types_supported from now on (RFC 8414 section 2).
		provider.registerGrantType(jwtBearerGrant, createJwtBearerGrant({issuer, resource, resourceServer, identityProvider: options.identityProvider, errors}), ['assertion', 'scope', 'resource']);
	}

	const metadataPath = definition.authorizationServerMetadata === 'none' ? undefined : `/.well-known/${definition.authorizationServerMetadata}`;
	// ctx.path is relative to where the provider is mounted (the issuer's path).
	provider.use(async (ctx, next) => {
		if (ctx.path === routes.authorization && ctx.method === 'GET') {
			const parameters = new URLSearchParams(ctx.querystring);
			applyDefaultScope(parameters, definition.defaultScope);
			requestConsentForOfflineAccess(parameters);
			const querystring = parameters.toString();
			if (querystring !== new URLSearchParams(ctx.querystring).toString()) ctx.querystring = querystring;
		}

		await next();
		if (ctx.state[noScopeMarker]) {
			ctx.status = 400;
			ctx.body = fastmailNoScopeError;
			ctx.type = 'application/json';
		} else if (ctx.path === metadataPath && ctx.status === 200) {
			// oidc-provider always lists "openid" too; list exactly the configured scopes (RFC 8414 section 2).
			const metadata: Record<string, unknown> = {...(ctx.body as Record<string, unknown>), scopes_supported: [...definition.scopes]};
			if (faults.issuerMismatch) metadata['issuer'] = mismatchedIssuer(issuer);
			if (faults.noS256) metadata['code_challenge_methods_supported'] = ['plain'];
			ctx.body = metadata;
		} else if (ctx.path === devicePaths.authorization && ctx.status === 200) {
			// oidc-provider names no interval, so clients wait the default 5 s (RFC 8628 3.2): 1 s keeps demos quick.
			ctx.body = {...(ctx.body as Record<string, unknown>), interval: 1};
		} else if (faults.omitIss && ctx.status >= 300 && ctx.status < 400) {
			const location = stripIss(ctx.response.get('location'));
			if (location !== undefined) ctx.redirect(location);
		}
	});

	// Koa prints unhandled errors to stderr unless someone listens.
	provider.on('error', (error: unknown) => log(`authorization server error: ${String(error)}`));
	provider.on('server_error', (_ctx: unknown, error: unknown) => log(`authorization server error: ${String(error)}`));

	return {handle: provider.callback(), signingKey: {kid, publicKey}};
}
