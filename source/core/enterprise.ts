import * as oauth from 'oauth4webapi';
import {type ClientCredentials, chooseAuthMethod, clientAuthentication, oauthRequestOptions, toAuthorizationServer, toClient} from './client.js';
import {fetchAuthorizationServerMetadata} from './discovery.js';
import {WizardError} from './errors.js';
import type {HttpClient} from './http.js';
import type {AuthorizationServerMetadata} from './metadata.js';
import {maskSecret} from './redact.js';
import {scopeParameter} from './scopes.js';
import {printableLine} from './text.js';
import {type EndpointNames, type GrantInput, type TokenSet, decodeJwtPayload, toTokenSet, tokenRequest} from './tokens.js';
import {isHttpsOrLoopback} from './urls.js';

/*
 * Enterprise-managed authorization (MCP extension SEP-990, the Identity Assertion JWT Authorization
 * Grant, "ID-JAG"): the user's ID token from the company's identity provider (IdP) is exchanged there
 * for an ID-JAG (token exchange, RFC 8693), which the MCP server's authorization server takes as a JWT
 * bearer grant (RFC 7523 2.1) for an access token. No browser, no user interaction; a new ID-JAG needs
 * a new ID token, so only a refresh token, if the authorization server gives one, renews the login.
 */

export const tokenExchangeGrant = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const jwtBearerGrant = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** RFC 8693 3: the type of the subject token, an OpenID Connect ID token. */
export const idTokenType = 'urn:ietf:params:oauth:token-type:id_token';
/** The ID-JAG's token type (requested_token_type and issued_token_type). */
export const idJagTokenType = 'urn:ietf:params:oauth:token-type:id-jag';
/** The ID-JAG's JWT `typ` header. */
export const idJagJwtType = 'oauth-id-jag+jwt';

/** The identity provider and its client, as the user names them: an issuer to discover, or its token endpoint. */
export type IdentityProviderInput = {
	readonly issuer?: string;
	/** Taken as it is; else the one of the issuer's metadata. */
	readonly tokenEndpoint?: string;
	readonly clientId: string;
	/** A secret: never shown, never saved. Without it the client is public (client_id in the body). */
	readonly clientSecret?: string;
	/** How the secret is sent, where the identity provider's metadata was read already (its browser login). */
	readonly authMethod?: ClientCredentials['authMethod'];
};

/** The identity provider a login used, as it is saved and shown (no secret). */
export type IdentityProvider = {
	readonly issuer?: string;
	readonly tokenEndpoint: string;
	readonly clientId: string;
};

/** The claims of an ID-JAG or an ID token that are shown, read WITHOUT verifying the signature: for display only, never trusted. */
export type AssertionClaims = {
	readonly iss?: string;
	readonly sub?: string;
	readonly aud?: string | readonly string[];
	readonly resource?: string;
	readonly client_id?: string;
	readonly scope?: string;
	/** Seconds since the epoch (RFC 7519 4.1.4). */
	readonly exp?: number;
	readonly iat?: number;
	readonly jti?: string;
};

/** The ID-JAG as shown: its `typ` header, its claims (not verified), the token masked. */
export type IdJagSummary = {
	readonly typ?: string;
	readonly claims: AssertionClaims;
	readonly masked: string;
	/** What the authorization server will likely refuse: claims that differ from what was asked. */
	readonly warnings: readonly string[];
};

export type EnterpriseEvent =
	| {readonly type: 'id-token'; readonly claims: AssertionClaims; readonly expired: boolean}
	/** `listsTokenExchange`: false when its grant_types_supported leaves token exchange out (OpenID metadata often lists only what a browser login uses: tried anyway). */
	| {readonly type: 'identity-provider'; readonly issuer: string; readonly metadataUrl: string; readonly tokenEndpoint: string; readonly listsTokenExchange: boolean}
	/** No ID token at hand: the user logs in at the identity provider in the browser for one (its URL is the login's `authorization-started`). */
	| {readonly type: 'id-token-login'; readonly issuer: string}
	| {readonly type: 'token-exchange'; readonly tokenEndpoint: string; readonly clientId: string; readonly authMethod: string; readonly audience: string; readonly resource: string; readonly scopes: readonly string[]}
	| {readonly type: 'id-jag'; readonly idJag: IdJagSummary}
	| {readonly type: 'jwt-bearer'; readonly tokenEndpoint: string; readonly clientId: string; readonly authMethod: string; readonly resource: string; readonly scopes: readonly string[]};

export type EnterpriseInput = GrantInput & {
	readonly identityProvider: IdentityProviderInput;
	/** The user's ID token from the identity provider. A secret: sent to the identity provider only, never kept. */
	readonly idToken: string;
	readonly onEvent?: (event: EnterpriseEvent) => void;
};

export type EnterpriseResult = {
	readonly tokens: TokenSet;
	readonly identityProvider: IdentityProvider;
	readonly idJag: IdJagSummary;
};

/** Whether the identity provider can log a user in through the browser: named by its issuer, whose metadata names the endpoint (a bare token endpoint cannot). */
export function hasBrowserLogin<T extends {readonly issuer?: string}>(idp: T): idp is T & {readonly issuer: string} {
	return idp.issuer !== undefined;
}

/** Whether the authorization server says it takes JWT bearer grants (RFC 8414 2: an absent list means code and implicit only). */
export function supportsJwtBearer(metadata: AuthorizationServerMetadata): boolean {
	return metadata.grant_types_supported?.includes(jwtBearerGrant) === true;
}

/** The claims shown, in this order, and the type each must have to be shown. */
const shownClaims = {iss: 'string', sub: 'string', aud: 'audience', resource: 'string', client_id: 'string', scope: 'string', exp: 'time', iat: 'time', jti: 'string'} as const;

/** Seconds since the epoch that a Date can hold (ECMAScript's ±8.64e15 ms): another number would throw where it is shown. */
const isTime = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= 8.64e12;

/** The shown claims of a JWT, read WITHOUT verifying it (for display only); undefined when it is not a JWT. */
export function assertionClaims(jwt: string): AssertionClaims | undefined {
	const payload = decodeJwtPayload(jwt);
	if (!payload) return undefined;
	const claims: Record<string, unknown> = {};
	for (const [name, type] of Object.entries(shownClaims)) {
		const value = payload[name];
		// RFC 7519 4.1.3: `aud` is one string or a list of them.
		const fits = type === 'audience' ? typeof value === 'string' || (Array.isArray(value) && value.every(item => typeof item === 'string')) : type === 'time' ? isTime(value) : typeof value === type;
		if (fits) claims[name] = value;
	}

	return claims as AssertionClaims;
}

function jwtType(jwt: string): string | undefined {
	try {
		const header: unknown = JSON.parse(Buffer.from(jwt.split('.')[0] ?? '', 'base64url').toString('utf8'));
		const typ = (header as {typ?: unknown} | null)?.typ;
		return typeof typ === 'string' ? typ : undefined;
	} catch {
		return undefined;
	}
}

const audiences = (aud: AssertionClaims['aud']): readonly string[] => (aud === undefined ? [] : typeof aud === 'string' ? [aud] : aud);

/** What in the ID-JAG differs from what was asked for, which the authorization server checks (SEP-990). */
function idJagWarnings(claims: AssertionClaims, typ: string | undefined, expected: {readonly audience: string; readonly resource: string; readonly clientId: string}): string[] {
	const shown = (value: string | undefined) => (value === undefined ? 'none' : `"${printableLine(value, 120)}"`);
	const warnings: string[] = [];
	if (typ !== idJagJwtType) warnings.push(`its typ header is ${shown(typ)}, not "${idJagJwtType}"`);
	if (!audiences(claims.aud).some(aud => aud.replace(/\/$/, '') === expected.audience.replace(/\/$/, ''))) warnings.push(`its aud is not the authorization server ${expected.audience}`);
	if (claims.resource !== expected.resource) warnings.push(`its resource is ${shown(claims.resource)}, not ${expected.resource}`);
	if (claims.client_id !== expected.clientId) warnings.push(`its client_id is ${shown(claims.client_id)}, not the MCP client ${expected.clientId}`);
	return warnings;
}

/** The identity provider's hints by RFC 6749 5.2 / RFC 8693 2.2.2 error code. */
function identityProviderHint(idp: IdentityProvider): (error: string) => string | undefined {
	return error => {
		switch (error) {
			case 'invalid_grant': {
				return `The identity provider refused the ID token (expired, issued to another client, or not one it takes): log in to ${idp.issuer ?? 'the identity provider'} again for a new ID token, and log in here with it.`;
			}

			case 'invalid_client':
			case 'unauthorized_client': {
				return `The identity provider does not let the client ${idp.clientId} exchange tokens: check the identity provider's client id (and secret), or ask its administrator to allow token exchange for it.`;
			}

			case 'invalid_target': {
				return 'The identity provider issues no ID-JAG for this authorization server or resource: ask its administrator to allow the MCP server for cross-app access.';
			}

			case 'invalid_scope': {
				return 'The identity provider refused a scope: log in again with other scopes.';
			}

			case 'unsupported_grant_type':
			case 'invalid_request': {
				return 'The identity provider does not take this token exchange (RFC 8693, requested_token_type id-jag): check that it supports enterprise-managed authorization (ID-JAG), and that the issuer or token endpoint given is its own.';
			}

			default: {
				return 'The identity provider refused the token exchange; its words are above.';
			}
		}
	};
}

/** The authorization server's hints for the JWT bearer grant, by error code (RFC 6749 5.2). */
function jwtBearerHint(error: string): string | undefined {
	switch (error) {
		case 'invalid_grant': {
			return 'The authorization server refused the ID-JAG (expired, or for another audience, resource or client, or from an identity provider it does not trust): check the ID-JAG\'s claims above, and log in again with a new ID token.';
		}

		case 'invalid_client':
		case 'unauthorized_client': {
			return 'The authorization server does not accept this client for the JWT bearer grant: check the MCP client\'s id and secret.';
		}

		case 'unsupported_grant_type': {
			return 'The authorization server does not take ID-JAGs (the JWT bearer grant, RFC 7523): log in as a user instead.';
		}

		default: {
			return undefined;
		}
	}
}

/** Why an identity provider's issuer cannot be used (not a URL, or not https nor loopback, OAuth 2.1 1.5); undefined when it can. */
export function identityProviderIssuerProblem(issuer: string): string | undefined {
	if (!URL.canParse(issuer)) return `The identity provider's issuer ${printableLine(issuer, 120)} is not a URL`;
	if (!isHttpsOrLoopback(issuer)) return `The identity provider's issuer ${printableLine(issuer, 120)} is not https: an ID token is sent only over https (plain http only to localhost)`;
	return undefined;
}

/**
 * The identity provider's metadata (RFC 8414 / OpenID Connect Discovery), read over https only (plain
 * http only on loopback, OAuth 2.1 1.5): it names where the ID token goes. Said by an event.
 */
export async function identityProviderMetadata(input: {readonly http: HttpClient; readonly issuer: string; readonly signal?: AbortSignal; readonly onEvent?: EnterpriseInput['onEvent']}): Promise<AuthorizationServerMetadata & {readonly token_endpoint: string}> {
	const problem = identityProviderIssuerProblem(input.issuer);
	if (problem !== undefined) throw new WizardError('identity-provider', problem, 'Give the identity provider\'s https issuer URL; nothing was sent.');
	const found = await fetchAuthorizationServerMetadata(input.issuer, {http: input.http, signal: input.signal, name: 'the identity provider'}).catch((error: unknown) => {
		if (!(error instanceof WizardError) || error.step !== 'authorization-server-metadata') throw error;
		throw new WizardError('identity-provider', error.message, `${error.hint} Or pass its token endpoint with --idp-token-endpoint <url>.`, error.answer, {cause: error});
	});
	const {metadata} = found;
	const tokenEndpoint = metadata.token_endpoint;
	if (typeof tokenEndpoint !== 'string') throw new WizardError('identity-provider', `The identity provider's metadata (${found.url}) names no token_endpoint`, 'Pass its token endpoint with --idp-token-endpoint <url>.');
	const grants = metadata.grant_types_supported;
	input.onEvent?.({type: 'identity-provider', issuer: input.issuer, metadataUrl: found.url, tokenEndpoint, listsTokenExchange: grants === undefined || grants.includes(tokenExchangeGrant)});
	return {...metadata, token_endpoint: tokenEndpoint};
}

/** Only https, or http on loopback (OAuth 2.1 1.5): an ID token goes there. */
export function assertSafeTokenEndpoint(tokenEndpoint: string): void {
	if (!isHttpsOrLoopback(tokenEndpoint)) {
		throw new WizardError('identity-provider', `The identity provider's token endpoint ${printableLine(tokenEndpoint, 200)} is not https`, 'An ID token is sent only over https (plain http only to localhost, OAuth 2.1 1.5); nothing was sent.');
	}
}

/**
 * The identity provider's client: public without a secret; with one, sent as its metadata lists
 * (client_secret_basic first, which RFC 6749 2.3.1 has every server support), or as
 * client_secret_post where no metadata was read (a token endpoint given as it is).
 */
export function identityProviderClient(idp: IdentityProviderInput, metadata?: AuthorizationServerMetadata): ClientCredentials {
	const secret = idp.clientSecret;
	const authMethod = secret === undefined ? 'none' : (idp.authMethod ?? (metadata ? chooseAuthMethod(metadata, true) : 'client_secret_post'));
	return {clientId: idp.clientId, ...(secret === undefined ? {} : {clientSecret: secret}), authMethod, source: 'pre-registered'};
}

/** The identity provider's token endpoint (the one given, else its metadata's) and its client. */
async function identityProviderEndpoint(input: EnterpriseInput): Promise<{readonly idp: IdentityProvider; readonly client: ClientCredentials}> {
	const {identityProvider: idp} = input;
	let {tokenEndpoint} = idp;
	let metadata: AuthorizationServerMetadata | undefined;
	if (tokenEndpoint === undefined) {
		if (idp.issuer === undefined) throw new WizardError('input', 'No identity provider was named', 'Pass --idp-issuer <url> (its metadata names the token endpoint) or --idp-token-endpoint <url>.');
		const found = await identityProviderMetadata({http: input.http, issuer: idp.issuer, signal: input.signal, onEvent: input.onEvent});
		metadata = found;
		tokenEndpoint = found.token_endpoint;
	}

	assertSafeTokenEndpoint(tokenEndpoint);
	return {idp: {...(idp.issuer === undefined ? {} : {issuer: idp.issuer}), tokenEndpoint, clientId: idp.clientId}, client: identityProviderClient(idp, metadata)};
}

/**
 * Step 1, at the identity provider: the ID token exchanged for an ID-JAG (RFC 8693 2.1) whose audience
 * is the MCP server's authorization server and whose resource is the MCP server (SEP-990), as the
 * IdP's `client` (see identityProviderClient).
 */
async function requestIdJag(input: EnterpriseInput, idp: IdentityProvider, client: ClientCredentials): Promise<{readonly assertion: string; readonly summary: IdJagSummary}> {
	const audience = input.metadata.issuer;
	const scope = scopeParameter(input.scopes);
	// The IdP is not the MCP server's authorization server: its own issuer (or, given only its token endpoint, that endpoint's origin).
	const as: oauth.AuthorizationServer = {issuer: idp.issuer ?? new URL(idp.tokenEndpoint).origin, token_endpoint: idp.tokenEndpoint};
	input.onEvent?.({type: 'token-exchange', tokenEndpoint: idp.tokenEndpoint, clientId: idp.clientId, authMethod: client.authMethod, audience, resource: input.resource, scopes: input.scopes});
	const names: EndpointNames = {
		endpoint: `token endpoint of the identity provider ${idp.issuer ?? idp.tokenEndpoint}`,
		response: 'identity provider\'s token exchange response',
		spec: 'RFC 8693 2.2',
		hint: identityProviderHint(idp),
	};
	const answer = await tokenRequest('identity-provider', idp.tokenEndpoint, async () => {
		const parameters = new URLSearchParams({
			subject_token: input.idToken,
			subject_token_type: idTokenType,
			requested_token_type: idJagTokenType,
			audience,
			resource: input.resource,
			...(scope === undefined ? {} : {scope}),
		});
		const response = await oauth.genericTokenEndpointRequest(as, toClient(client), clientAuthentication(client), tokenExchangeGrant, parameters, oauthRequestOptions(input.http, idp.tokenEndpoint, input.signal));
		// RFC 8693 2.2.1: token_type "N_A" for a token that is not an access token, as an ID-JAG is not;
		// oauth4webapi refuses token types it does not know (RFC 6749 7.1) unless they are recognized.
		return oauth.processGenericTokenEndpointResponse(as, toClient(client), response, {recognizedTokenTypes: {n_a() {}}});
	}, names);

	const issued = answer['issued_token_type'];
	if (issued !== idJagTokenType) {
		throw new WizardError(
			'identity-provider',
			`The identity provider ${idp.issuer ?? idp.tokenEndpoint} issued ${typeof issued === 'string' ? `a token of type "${printableLine(issued, 120)}"` : 'a token without issued_token_type'}, not an ID-JAG (${idJagTokenType}, RFC 8693 2.2.1)`,
			`It does not issue ID-JAGs for the client ${idp.clientId}: ask its administrator to enable cross-app access (enterprise-managed authorization) for that client and this MCP server.`,
		);
	}

	const assertion = answer.access_token;
	const claims = assertionClaims(assertion);
	if (!claims) {
		throw new WizardError('identity-provider', `The identity provider's ID-JAG (${maskSecret(assertion)}) is not a JWT`, 'An ID-JAG is a signed JWT (RFC 7519); report it to the identity provider\'s administrator.');
	}

	const typ = jwtType(assertion);
	const summary: IdJagSummary = {...(typ === undefined ? {} : {typ}), claims, masked: maskSecret(assertion), warnings: idJagWarnings(claims, typ, {audience, resource: input.resource, clientId: input.client.clientId})};
	input.onEvent?.({type: 'id-jag', idJag: summary});
	return {assertion, summary};
}

/**
 * Step 2, at the MCP server's authorization server: the ID-JAG as a JWT bearer grant (RFC 7523 2.1),
 * the MCP client authenticated (client_secret_basic through our encoder), with `resource` (RFC 8707
 * 2.2) and the scopes.
 */
async function redeemIdJag(input: GrantInput & {readonly assertion: string; readonly onEvent?: EnterpriseInput['onEvent']}): Promise<TokenSet> {
	const as = toAuthorizationServer(input.metadata);
	const client = toClient(input.client);
	const scope = scopeParameter(input.scopes);
	const endpoint = input.metadata.token_endpoint;
	input.onEvent?.({type: 'jwt-bearer', tokenEndpoint: endpoint ?? input.metadata.issuer, clientId: input.client.clientId, authMethod: input.client.authMethod, resource: input.resource, scopes: input.scopes});
	const response = await tokenRequest('token', endpoint, async () => {
		const parameters = new URLSearchParams({assertion: input.assertion, resource: input.resource, ...(scope === undefined ? {} : {scope})});
		const answer = await oauth.genericTokenEndpointRequest(as, client, clientAuthentication(input.client), jwtBearerGrant, parameters, oauthRequestOptions(input.http, endpoint, input.signal));
		return oauth.processGenericTokenEndpointResponse(as, client, answer);
	}, {endpoint: 'token endpoint', response: 'token response', spec: 'RFC 6749 5.1', hint: jwtBearerHint});
	return toTokenSet(response);
}

/**
 * The whole flow: the ID token's claims shown, the identity provider's token endpoint found, the
 * ID-JAG requested there, then redeemed at the authorization server. The ID token and the ID-JAG are
 * used and dropped: neither is returned whole.
 */
export async function enterpriseTokens(input: EnterpriseInput): Promise<EnterpriseResult> {
	const idTokenClaims = assertionClaims(input.idToken);
	if (idTokenClaims) input.onEvent?.({type: 'id-token', claims: idTokenClaims, expired: idTokenClaims.exp !== undefined && idTokenClaims.exp * 1000 <= Date.now()});
	const {idp: identityProvider, client} = await identityProviderEndpoint(input);
	const {assertion, summary} = await requestIdJag(input, identityProvider, client);
	const tokens = await redeemIdJag({http: input.http, metadata: input.metadata, client: input.client, scopes: input.scopes, resource: input.resource, signal: input.signal, assertion, onEvent: input.onEvent});
	return {tokens, identityProvider, idJag: summary};
}
