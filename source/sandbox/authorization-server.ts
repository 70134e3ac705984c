import {generateKeyPair, randomBytes, type KeyObject} from 'node:crypto';
import type {IncomingMessage, ServerResponse} from 'node:http';
import {promisify} from 'node:util';
import type {Account, Configuration, ProviderContext, ResourceServerInfo} from 'oidc-provider';
import {createMemoryAdapter} from './memory-adapter.js';
import {fastmailNoScopeError, fastmailPaths, fastmailScopes, fastmailTokenScopes} from './profiles.js';

export type AuthorizationServerOptions = {
	readonly issuer: string;
	/** The one resource (RFC 8707) tokens are issued for: the MCP server's URL. */
	readonly resource: string;
	readonly accessTokenTtlSeconds: number;
	readonly log: (line: string) => void;
};

export type AuthorizationServer = {
	readonly handle: (request: IncomingMessage, response: ServerResponse) => Promise<void>;
	/** The key access tokens are signed with (RS256), for the resource server to verify them. */
	readonly signingKey: {readonly kid: string; readonly publicKey: KeyObject};
};

const noScopeMarker = 'sandboxNoScope';

/**
 * oidc-provider announces itself on the console (runtime version, development-only features). The
 * sandbox must never write to the user's terminal, so those lines go to the log instead while `run`
 * executes. Only lines that oidc-provider itself prefixes are held back.
 */
async function quietly<T>(log: (line: string) => void, run: () => T | Promise<T>): Promise<T> {
	const {warn, info} = console;
	const filter = (original: (...data: unknown[]) => void) => (...data: unknown[]) => {
		// oidc-provider colours its lines on a TTY.
		const [first] = data;
		const line = typeof first === 'string' ? first.replaceAll(/\u001B\[[\d;]*m/g, '') : '';
		if (/^oidc-provider (?:WARNING|NOTICE): /.test(line)) {
			log(line);
			return;
		}

		original.apply(console, data);
	};

	console.warn = filter(warn);
	console.info = filter(info);
	try {
		return await run();
	} finally {
		console.warn = warn;
		console.info = info;
	}
}

function escapeHtml(text: string): string {
	return text.replaceAll(/[&<>"']/g, character => `&#${character.codePointAt(0)};`);
}

/**
 * oidc-provider follows OpenID Connect Core section 11: offline_access is dropped unless the request
 * has prompt=consent. Fastmail, like most OAuth servers, issues a refresh token for offline_access
 * alone, so the sandbox adds the prompt (native clients get the consent page anyway).
 */
function requestConsentForOfflineAccess(ctx: ProviderContext): void {
	const parameters = new URLSearchParams(ctx.querystring);
	const scopes = (parameters.get('scope') ?? '').split(' ');
	const prompts = (parameters.get('prompt') ?? '').split(' ').filter(Boolean);
	if (scopes.includes('offline_access') && !prompts.includes('consent') && !prompts.includes('none')) {
		parameters.set('prompt', [...prompts, 'consent'].join(' '));
		ctx.querystring = parameters.toString();
	}
}

function hasScope(body: Record<string, unknown> | undefined): boolean {
	const scope = body?.['scope'];
	return scope !== undefined && scope !== '';
}

/** A real oidc-provider configured like Fastmail's authorization server. */
export async function createAuthorizationServer(options: AuthorizationServerOptions): Promise<AuthorizationServer> {
	const {issuer, resource, accessTokenTtlSeconds, log} = options;
	// Kept off the import path of everything else: loading oidc-provider is slow and noisy.
	const {default: Provider, errors} = await quietly(log, async () => import('oidc-provider'));

	const {privateKey, publicKey} = await promisify(generateKeyPair)('rsa', {modulusLength: 2048});
	const kid = randomBytes(8).toString('hex');
	const jwk = {...privateKey.export({format: 'jwk'}), kid, alg: 'RS256', use: 'sig'};

	const resourceServer: ResourceServerInfo = {
		scope: fastmailTokenScopes.join(' '),
		audience: resource,
		accessTokenTTL: accessTokenTtlSeconds,
		// RFC 9068 JWT access tokens, so the MCP server can check them on its own.
		accessTokenFormat: 'jwt',
		jwt: {sign: {alg: 'RS256', kid}},
	};

	const configuration: Configuration = {
		adapter: createMemoryAdapter(),
		jwks: {keys: [jwk]},
		cookies: {keys: [randomBytes(32).toString('base64url')]},
		scopes: [...fastmailScopes],
		responseTypes: ['code'],
		clientAuthMethods: ['none'],
		routes: {
			authorization: fastmailPaths.authorization,
			token: fastmailPaths.token,
			registration: fastmailPaths.registration,
			jwks: fastmailPaths.jwks,
		},
		// RFC 7636: PKCE for every client (oidc-provider accepts S256 only).
		pkce: {required: () => true},
		features: {
			devInteractions: {enabled: true},
			registration: {
				enabled: true,
				// The first hook that sees the parsed registration body: Fastmail refuses a registration
				// without `scope` (see shared/seed-bug.md); the middleware below writes its exact answer.
				idFactory(ctx: ProviderContext) {
					if (!hasScope(ctx.oidc.body)) {
						ctx.state[noScopeMarker] = true;
						throw new errors.InvalidRequest('invalid_request no scope');
					}

					return randomBytes(16).toString('base64url');
				},
			},
			// RFC 7592: clients can be read (re-authorization asks whether its client still exists) and
			// deleted (tests drop a client, as a real server may).
			registrationManagement: {enabled: true, rotateRegistrationAccessToken: false},
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
			ClientCredentials: 600,
			DeviceCode: 600,
			Grant: 14 * 24 * 3600,
			IdToken: 3600,
			Interaction: 3600,
			PreAuthorizedCode: 600,
			RefreshToken: 14 * 24 * 3600,
			Session: 14 * 24 * 3600,
		},
		renderError(ctx: ProviderContext, out: Record<string, unknown>) {
			ctx.type = 'html';
			const lines = Object.entries(out).map(([key, value]) => `<p><strong>${escapeHtml(key)}</strong>: ${escapeHtml(String(value))}</p>`);
			ctx.body = `<!DOCTYPE html><html><head><title>sandbox error</title></head><body><h1>Error</h1>${lines.join('')}</body></html>`;
		},
	};

	const provider = await quietly(log, () => new Provider(issuer, configuration));

	provider.use(async (ctx, next) => {
		if (ctx.path === fastmailPaths.authorization && ctx.method === 'GET') requestConsentForOfflineAccess(ctx);
		await next();
		if (ctx.state[noScopeMarker]) {
			ctx.status = 400;
			ctx.body = fastmailNoScopeError;
			ctx.type = 'application/json';
		} else if (ctx.path === '/.well-known/oauth-authorization-server' && ctx.status === 200) {
			// oidc-provider always lists "openid" too; Fastmail lists exactly these (RFC 8414 section 2).
			ctx.body = {...(ctx.body as Record<string, unknown>), scopes_supported: [...fastmailScopes]};
		}
	});

	// Koa prints unhandled errors to stderr unless someone listens.
	provider.on('error', (error: unknown) => log(`authorization server error: ${String(error)}`));
	provider.on('server_error', (_ctx: unknown, error: unknown) => log(`authorization server error: ${String(error)}`));

	return {handle: provider.callback(), signingKey: {kid, publicKey}};
}
