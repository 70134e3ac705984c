import type {KeyObject} from 'node:crypto';
import type {GrantHandler, ProviderContext, ResourceServerInfo, errors as ProviderErrors} from 'oidc-provider';
import {audiencesOf, decodeJwt, epochSeconds, signedWith} from './jwt.js';

/*
 * Enterprise-managed authorization (MCP extension SEP-990, the Identity Assertion JWT Authorization
 * Grant): the identity provider turns the user's ID token into an ID-JAG by token exchange (RFC 8693),
 * and the MCP server's authorization server takes the ID-JAG as a JWT bearer grant (RFC 7523 2.1).
 */

export const tokenExchangeGrant = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const jwtBearerGrant = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** RFC 8693 3: an OpenID Connect ID token, the subject token. */
export const idTokenType = 'urn:ietf:params:oauth:token-type:id_token';
/** The ID-JAG's token type (requested_token_type, issued_token_type). */
export const idJagTokenType = 'urn:ietf:params:oauth:token-type:id-jag';
/** The ID-JAG's JWT `typ` header. */
export const idJagJwtType = 'oauth-id-jag+jwt';
/** How long an ID-JAG is good for: 5 minutes, as the conformance suite's identity provider issues them. */
export const idJagLifetimeSeconds = 300;
/** Clock skew forgiven on `exp` (the conformance suite's authorization server forgives 30 s too). */
const clockToleranceSeconds = 30;

/** The identity provider whose ID-JAGs the authorization server takes. */
export type TrustedIdentityProvider = {readonly issuer: string; readonly signingKey: {readonly kid: string; readonly publicKey: KeyObject}};

/** What the JWT bearer grant reads of an ID-JAG once it has checked it. */
export type IdJagClaims = {readonly iss: string; readonly sub: string; readonly jti: string; readonly exp: number; readonly resource: string; readonly scope?: string};

/**
 * A value from a token or a request, quoted in an error_description: RFC 6749 5.2 allows printable
 * ASCII there, without `"` and `\`.
 */
export function shown(value: unknown): string {
	if (value === undefined) return 'none';
	const raw = typeof value === 'string' ? value : Array.isArray(value) ? value.map(String).join(', ') : JSON.stringify(value) ?? String(value);
	const text = raw.replaceAll(/[^\u0020-\u007E]|["\\]/g, '?');
	return text.length > 100 ? `${text.slice(0, 99)}~` : text;
}

/** RFC 3986 6.2.3: `http://host:port` and `http://host:port/` name the same issuer. */
function sameUrl(a: string, b: string): boolean {
	try {
		return new URL(a).href === new URL(b).href;
	} catch {
		return false;
	}
}

const isoTime = (seconds: number) => new Date(seconds * 1000).toISOString();

/**
 * The checks SEP-990 asks of the authorization server, in the order of the conformance suite's
 * reference server; the reason of the first that fails, for invalid_grant. RFC 7523 3: the issuer is
 * trusted and the signature is its, the audience is this server, it has not expired; SEP-990: the typ
 * header, the client it was issued for, the resource.
 */
export async function checkIdJag(assertion: string, expected: {readonly issuer: string; readonly resource: string; readonly clientId: string; readonly identityProvider: TrustedIdentityProvider}): Promise<IdJagClaims | {readonly refused: string}> {
	const jwt = decodeJwt(assertion);
	if (!jwt) return {refused: 'the assertion is not a JWT (RFC 7523 section 3)'};
	const typ = jwt.header['typ'];
	if (typeof typ !== 'string' || typ.toLowerCase().replace(/^application\//, '') !== idJagJwtType) {
		return {refused: `the assertion's typ header is ${shown(typ)}, not ${idJagJwtType}: it is not an ID-JAG`};
	}

	const {claims} = jwt;
	const {identityProvider} = expected;
	if (claims['iss'] !== identityProvider.issuer) return {refused: `the ID-JAG was issued by ${shown(claims['iss'])}, not by the identity provider this server trusts (${identityProvider.issuer})`};
	if (!(await signedWith(jwt, identityProvider.signingKey))) return {refused: `the ID-JAG's signature does not verify with the keys of ${identityProvider.issuer}`};
	if (!audiencesOf(claims).some(aud => sameUrl(aud, expected.issuer))) return {refused: `the ID-JAG's audience is ${shown(claims['aud'])}, not this authorization server (${expected.issuer})`};
	const exp = claims['exp'];
	if (typeof exp !== 'number') return {refused: 'the ID-JAG has no exp'};
	if (exp + clockToleranceSeconds <= epochSeconds()) return {refused: `the ID-JAG expired at ${isoTime(exp)}; get a new one from the identity provider`};
	const {sub, jti, resource} = claims;
	if (typeof sub !== 'string' || sub === '') return {refused: 'the ID-JAG names no user (sub)'};
	if (typeof jti !== 'string' || jti === '') return {refused: 'the ID-JAG has no jti'};
	if (claims['client_id'] !== expected.clientId) {
		return {refused: `the ID-JAG was issued for the client ${shown(claims['client_id'])}, not for ${expected.clientId}, the client that presented it`};
	}

	if (resource !== expected.resource) return {refused: `the ID-JAG is for the resource ${shown(resource)}, not this MCP server (${expected.resource})`};
	const scope = typeof claims['scope'] === 'string' ? claims['scope'] : undefined;
	return {iss: identityProvider.issuer, sub, jti, exp, resource, ...(scope === undefined ? {} : {scope})};
}

function stringParameter(ctx: ProviderContext, name: string): string | undefined {
	const value = ctx.oidc.params?.[name];
	return typeof value === 'string' && value !== '' ? value : undefined;
}

const words = (scope: string | undefined) => (scope ?? '').split(' ').filter(Boolean);

export type JwtBearerGrantOptions = {
	/** The authorization server's issuer: the ID-JAG's audience. */
	readonly issuer: string;
	/** The MCP server's URL: the one resource tokens are issued for. */
	readonly resource: string;
	readonly resourceServer: ResourceServerInfo;
	readonly identityProvider: TrustedIdentityProvider;
	readonly errors: typeof ProviderErrors;
};

/**
 * The JWT bearer grant with an ID-JAG (RFC 7523 2.1, SEP-990), for oidc-provider's registerGrantType.
 * Client authentication has happened by then (oidc-provider answers invalid_client itself). The token
 * is issued the way oidc-provider's own grants issue one for a user: a Grant, then an AccessToken for
 * the resource server, so it is the same RFC 9068 JWT the MCP server checks.
 */
export function createJwtBearerGrant(options: JwtBearerGrantOptions): GrantHandler {
	const {errors} = options;
	const invalidGrant = (description: string) => new errors.CustomOIDCProviderError('invalid_grant', description);
	return async ctx => {
		const {provider, client} = ctx.oidc;
		if (!client) throw new errors.InvalidClient('client authentication is required');
		const assertion = stringParameter(ctx, 'assertion');
		if (assertion === undefined) throw new errors.InvalidRequest('missing required parameter \'assertion\' (RFC 7523 section 2.1)');
		const checked = await checkIdJag(assertion, {issuer: options.issuer, resource: options.resource, clientId: client.clientId, identityProvider: options.identityProvider});
		if ('refused' in checked) throw invalidGrant(checked.refused);
		// RFC 8707 2.2: a resource asked for must be one the grant covers.
		const resource = stringParameter(ctx, 'resource');
		if (resource !== undefined && resource !== checked.resource) throw new errors.InvalidTarget(`the resource ${shown(resource)} is not the ID-JAG's (${checked.resource})`);

		// RFC 6749 3.3: what the ID-JAG carries (all the MCP server takes when it names none), narrowed by
		// the request's scope, within what this server grants for the MCP server.
		const allowed = new Set(words(options.resourceServer.scope));
		const requested = stringParameter(ctx, 'scope');
		const scopes = (checked.scope === undefined ? [...allowed] : words(checked.scope))
			.filter(scope => allowed.has(scope) && (requested === undefined || words(requested).includes(scope)));
		if (scopes.length === 0) {
			throw new errors.InvalidScope(`none of the scopes asked for (${shown(requested ?? checked.scope)}) is one this server grants for ${options.resource} (${[...allowed].join(' ')})`);
		}

		// RFC 7523 3 (7): an ID-JAG is used once; remembered until it expires.
		if (!(await provider.ReplayDetection.unique(checked.iss, checked.jti, Math.max(checked.exp, epochSeconds()) + clockToleranceSeconds))) {
			throw invalidGrant('the ID-JAG was used before (its jti); get a new one from the identity provider');
		}

		const scope = scopes.join(' ');
		const grant = new provider.Grant({accountId: checked.sub, clientId: client.clientId});
		grant.addResourceScope(checked.resource, scope);
		const token = new provider.AccessToken({accountId: checked.sub, client, grantId: await grant.save(), gty: jwtBearerGrant, scope});
		token.resourceServer = new provider.ResourceServer(checked.resource, options.resourceServer);
		ctx.oidc.entity('AccessToken', token);
		// No refresh token: a new access token takes a new ID-JAG, so the identity provider decides each time.
		ctx.body = {access_token: await token.save(), token_type: token.tokenType, expires_in: token.expiration, scope};
	};
}
