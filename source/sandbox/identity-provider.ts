import {generateKeyPair, randomBytes, randomUUID} from 'node:crypto';
import type {IncomingMessage, ServerResponse} from 'node:http';
import {promisify} from 'node:util';
import type {Account, Configuration, GrantHandler, ProviderContext} from 'oidc-provider';
import {quietly, renderErrorPage} from './authorization-server.js';
import {idJagJwtType, idJagLifetimeSeconds, idJagTokenType, idTokenType, shown, tokenExchangeGrant} from './id-jag.js';
import {audiencesOf, decodeJwt, epochSeconds, signJwt, signedWith, type RsaSigningKey} from './jwt.js';
import {createMemoryAdapter} from './memory-adapter.js';
import {enterpriseApps, identityProviderRoutes, loopbackRedirectUri} from './profiles.js';

/*
 * The company's identity provider of the enterprise profile: a second oidc-provider, with an issuer of
 * its own below the sandbox's origin. It signs users in as any OpenID provider does (authorization code
 * with PKCE, scope openid: an ID token), and exchanges an ID token for an ID-JAG (RFC 8693, SEP-990).
 */

export type IdentityProviderOptions = {
	/** http://127.0.0.1:PORT/idp: oidc-provider is mounted at its path. */
	readonly issuer: string;
	readonly log: (line: string) => void;
};

export type IdentityProvider = {
	readonly handle: (request: IncomingMessage, response: ServerResponse) => Promise<void>;
	/** The key its ID tokens and ID-JAGs are signed with (RS256), published at its jwks_uri. */
	readonly signingKey: {readonly kid: string; readonly publicKey: RsaSigningKey['publicKey']};
	/** An ID token as its login issues one (OpenID Connect Core 2), for `subject`, to one of its applications. */
	mintIdToken(subject: string, idpClientId: string, lifetimeSeconds: number): Promise<string>;
};

/** Its checks of the subject token (OpenID Connect Core 3.1.3.7): the reason of the first that fails. */
async function checkIdToken(token: string, issuer: string, key: RsaSigningKey, clientId: string): Promise<{readonly sub: string; readonly authTime?: number} | {readonly refused: string}> {
	const jwt = decodeJwt(token);
	if (!jwt) return {refused: 'the subject_token is not a JWT (an ID token is one, OpenID Connect Core section 2)'};
	const {claims} = jwt;
	// Its ID-JAGs share its issuer and key: one must never pass for an ID token (RFC 8725 3.11), or an ID-JAG would buy the next.
	const typ = jwt.header['typ'];
	if (typeof typ === 'string' && typ.toLowerCase().replace(/^application\//, '') === idJagJwtType) return {refused: 'the subject_token is an ID-JAG, not an ID token'};
	if (claims['iss'] !== issuer) return {refused: `the ID token was issued by ${shown(claims['iss'])}, not by this identity provider (${issuer})`};
	if (!(await signedWith(jwt, key))) return {refused: 'the ID token\'s signature does not verify with this identity provider\'s keys'};
	if (!audiencesOf(claims).includes(clientId)) return {refused: `the ID token was issued to ${shown(claims['aud'])}, not to the client ${clientId}`};
	const exp = claims['exp'];
	if (typeof exp !== 'number') return {refused: 'the ID token has no exp'};
	if (exp <= epochSeconds()) return {refused: `the ID token expired at ${new Date(exp * 1000).toISOString()}; log in again for a new one`};
	const sub = claims['sub'];
	if (typeof sub !== 'string' || sub === '') return {refused: 'the ID token names no user (sub)'};
	const authTime = claims['auth_time'];
	return {sub, ...(typeof authTime === 'number' ? {authTime} : {})};
}

export async function createIdentityProvider(options: IdentityProviderOptions): Promise<IdentityProvider> {
	const {issuer, log} = options;
	const {default: Provider, errors} = await quietly(log, async () => import('oidc-provider'));
	const {privateKey, publicKey} = await promisify(generateKeyPair)('rsa', {modulusLength: 2048});
	const key: RsaSigningKey = {kid: randomBytes(8).toString('hex'), privateKey, publicKey};
	const jwk = {...privateKey.export({format: 'jwk'}), kid: key.kid, alg: 'RS256', use: 'sig'};

	const invalidGrant = (description: string) => new errors.CustomOIDCProviderError('invalid_grant', description);
	const parameter = (ctx: ProviderContext, name: string) => {
		const value = ctx.oidc.params?.[name];
		return typeof value === 'string' && value !== '' ? value : undefined;
	};

	/**
	 * RFC 8693 2.1 with SEP-990's profile: an ID token in, an ID-JAG out. Like the conformance suite's
	 * identity provider it issues one for any audience and resource: the authorization server is the one
	 * that must check them, and a client can watch it refuse. The client is public: oidc-provider has
	 * found its client_id among the known ones (invalid_client otherwise).
	 */
	const tokenExchange: GrantHandler = async ctx => {
		const {client} = ctx.oidc;
		const app = enterpriseApps.find(known => known.idpClientId === client?.clientId);
		if (!client || !app) throw new errors.InvalidClient('unknown client');
		const requestedType = parameter(ctx, 'requested_token_type');
		if (requestedType !== idJagTokenType) throw new errors.InvalidRequest(`requested_token_type is ${shown(requestedType)}: this identity provider exchanges ID tokens for ID-JAGs only (${idJagTokenType})`);
		const subjectType = parameter(ctx, 'subject_token_type');
		if (subjectType !== idTokenType) throw new errors.InvalidRequest(`subject_token_type is ${shown(subjectType)}, not ${idTokenType}`);
		const subjectToken = parameter(ctx, 'subject_token');
		if (subjectToken === undefined) throw new errors.InvalidRequest('missing required parameter \'subject_token\' (RFC 8693 section 2.1)');
		const audience = parameter(ctx, 'audience');
		if (audience === undefined) throw new errors.InvalidRequest('missing required parameter \'audience\': the issuer of the MCP server\'s authorization server (SEP-990)');
		const resource = parameter(ctx, 'resource');
		if (resource === undefined) throw new errors.InvalidRequest('missing required parameter \'resource\': the MCP server\'s URL (SEP-990)');
		// RFC 8693 2.1: an absolute URI without a fragment.
		if (!URL.canParse(resource) || resource.includes('#')) throw new errors.InvalidTarget(`resource ${shown(resource)} is not an absolute URI without a fragment`);

		const user = await checkIdToken(subjectToken, issuer, key, client.clientId);
		if ('refused' in user) throw invalidGrant(user.refused);
		const scope = parameter(ctx, 'scope');
		const now = epochSeconds();
		const idJag = await signJwt(key, idJagJwtType, {
			iss: issuer,
			sub: user.sub,
			aud: audience,
			// The application's client id at that authorization server, as the company configured it.
			client_id: app.clientId,
			resource,
			...(scope === undefined ? {} : {scope}),
			...(user.authTime === undefined ? {} : {auth_time: user.authTime}),
			jti: randomUUID(),
			iat: now,
			exp: now + idJagLifetimeSeconds,
		});
		// RFC 8693 2.2.1: token_type N_A, since an ID-JAG is no access token.
		ctx.body = {access_token: idJag, issued_token_type: idJagTokenType, token_type: 'N_A', expires_in: idJagLifetimeSeconds, ...(scope === undefined ? {} : {scope})};
	};

	const configuration: Configuration = {
		adapter: createMemoryAdapter(),
		jwks: {keys: [jwk]},
		// Its own cookie names: the authorization server's cookies share the origin.
		cookies: {keys: [randomBytes(32).toString('base64url')], names: {session: '_idp_session', interaction: '_idp_interaction', resume: '_idp_interaction_resume'}},
		scopes: ['openid'],
		responseTypes: ['code'],
		clientAuthMethods: ['none'],
		routes: {authorization: identityProviderRoutes.authorization, token: identityProviderRoutes.token, jwks: identityProviderRoutes.jwks},
		clients: enterpriseApps.map(app => ({
			client_id: app.idpClientId,
			client_name: `${app.clientId} (an application of the company)`,
			// Native and public (RFC 8252): its browser login redirects to loopback, on any port.
			application_type: 'native',
			token_endpoint_auth_method: 'none',
			redirect_uris: [loopbackRedirectUri],
			grant_types: ['authorization_code', tokenExchangeGrant],
			response_types: ['code'],
		})),
		pkce: {required: () => true},
		features: {
			devInteractions: {enabled: true},
			registration: {enabled: false},
			resourceIndicators: {enabled: false},
			rpInitiatedLogout: {enabled: false},
		},
		findAccount: (_ctx: unknown, sub: string): Account => ({accountId: sub, claims: () => ({sub})}),
		clientBasedCORS: () => false,
		ttl: {AccessToken: 600, AuthorizationCode: 60, Grant: 3600, IdToken: 3600, Interaction: 3600, Session: 3600},
		renderError: renderErrorPage,
	};

	const provider = await quietly(log, () => new Provider(issuer, configuration));
	// Listed in its metadata's grant_types_supported from now on.
	provider.registerGrantType(tokenExchangeGrant, tokenExchange, ['subject_token', 'subject_token_type', 'requested_token_type', 'audience', 'resource', 'scope']);
	provider.on('error', (error: unknown) => log(`identity provider error: ${String(error)}`));
	provider.on('server_error', (_ctx: unknown, error: unknown) => log(`identity provider error: ${String(error)}`));

	return {
		handle: provider.callback(),
		signingKey: {kid: key.kid, publicKey},
		async mintIdToken(subject, idpClientId, lifetimeSeconds) {
			const now = epochSeconds();
			return signJwt(key, 'JWT', {iss: issuer, sub: subject, aud: idpClientId, iat: now, exp: now + lifetimeSeconds, auth_time: now});
		},
	};
}
