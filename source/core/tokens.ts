import * as oauth from 'oauth4webapi';
import type {PendingAuthorization} from './authorize.js';
import {type ClientCredentials, clientAuthentication, oauthRequestOptions, toAuthorizationServer, toClient} from './client.js';
import {type FailedStep, WizardError} from './errors.js';
import type {HttpClient} from './http.js';
import type {AuthorizationServerMetadata} from './metadata.js';
import {maskSecret} from './redact.js';
import {missingScopes, parseScopes} from './scopes.js';

/** Tokens as stored. Secrets: never shown whole. */
export type TokenSet = {
	readonly accessToken: string;
	readonly tokenType: string;
	readonly refreshToken?: string;
	/** ISO time; absent when the server did not say (no expires_in, not a JWT with exp). */
	readonly expiresAt?: string;
	/** The `scope` of the token response, verbatim. */
	readonly scope?: string;
	readonly obtainedAt: string;
};

/**
 * How a saved login gets its tokens when it is not a user's login in a browser or on another device:
 * the client acting as itself (client credentials, SEP-1046), or an ID-JAG from the enterprise's
 * identity provider redeemed as a JWT bearer grant (SEP-990, RFC 7523).
 */
export type LoginGrant = 'client_credentials' | 'jwt-bearer';

/** What a request for new tokens for a client needs: the server, the client, the scopes and the `resource` (RFC 8707). */
export type GrantInput = {
	readonly http: HttpClient;
	readonly metadata: AuthorizationServerMetadata;
	readonly client: ClientCredentials;
	readonly scopes: readonly string[];
	/** The `resource` of the token requests (RFC 8707). */
	readonly resource: string;
	readonly signal?: AbortSignal;
};

export type TokenSummary = {
	readonly tokenType: string;
	/** The access token masked: a few leading characters and its length. */
	readonly maskedAccessToken: string;
	readonly isJwt: boolean;
	readonly expiresAt?: string;
	readonly expiresInSeconds?: number;
	readonly expired: boolean;
	readonly requestedScopes: readonly string[];
	/** undefined when neither the response nor the token says. */
	readonly grantedScopes?: readonly string[];
	readonly grantedFrom: 'response' | 'jwt' | 'unknown';
	readonly missingScopes: readonly string[];
	readonly hasRefreshToken: boolean;
};

/** The payload of a JWT access token, read without verifying it: only for display. */
export function decodeJwtPayload(token: string): Record<string, unknown> | undefined {
	const parts = token.split('.');
	if (parts.length !== 3) return undefined;
	try {
		const payload: unknown = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
		return payload !== null && typeof payload === 'object' && !Array.isArray(payload) ? (payload as Record<string, unknown>) : undefined;
	} catch {
		return undefined;
	}
}

function jwtScopes(claims: Record<string, unknown>): string[] | undefined {
	// RFC 9068 2.2.3 `scope`; some servers use `scp` (a list or a string).
	const value = claims['scope'] ?? claims['scp'];
	if (typeof value === 'string') return parseScopes(value);
	if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
	return undefined;
}

export function summarizeTokens(tokens: TokenSet, requestedScopes: readonly string[], now: number = Date.now()): TokenSummary {
	const claims = decodeJwtPayload(tokens.accessToken);
	const fromJwt = claims ? jwtScopes(claims) : undefined;
	const granted = tokens.scope === undefined ? fromJwt : parseScopes(tokens.scope);
	const grantedFrom = tokens.scope === undefined ? (fromJwt ? 'jwt' : 'unknown') : 'response';
	const expiresAt = tokens.expiresAt ?? (typeof claims?.['exp'] === 'number' ? new Date(claims['exp'] * 1000).toISOString() : undefined);
	const expiresInSeconds = expiresAt === undefined ? undefined : Math.round((Date.parse(expiresAt) - now) / 1000);
	return {
		tokenType: tokens.tokenType,
		maskedAccessToken: maskSecret(tokens.accessToken),
		isJwt: claims !== undefined,
		expiresAt,
		expiresInSeconds,
		expired: expiresInSeconds !== undefined && expiresInSeconds <= 0,
		requestedScopes,
		grantedScopes: granted,
		grantedFrom,
		// RFC 6749 5.1: a response without `scope` means the requested scope was granted. offline_access
		// is granted by the refresh token itself, and servers leave it out of the access token's scope.
		missingScopes: granted ? missingScopes(requestedScopes, tokens.refreshToken === undefined ? granted : [...granted, 'offline_access']) : [],
		hasRefreshToken: tokens.refreshToken !== undefined,
	};
}

export function toTokenSet(response: oauth.TokenEndpointResponse, previousRefreshToken?: string): TokenSet {
	const obtainedAt = new Date();
	return {
		accessToken: response.access_token,
		tokenType: response.token_type,
		// RFC 6749 6: the server may keep the old refresh token valid and send none.
		refreshToken: response.refresh_token ?? previousRefreshToken,
		// A lifetime no date can hold (a server's 1e300) is taken as none said, not thrown on.
		expiresAt: typeof response.expires_in === 'number' && Math.abs(response.expires_in) <= 8.64e12 ? new Date(obtainedAt.getTime() + response.expires_in * 1000).toISOString() : undefined,
		scope: response.scope,
		obtainedAt: obtainedAt.toISOString(),
	};
}

function tokenErrorHint(error: string, step: FailedStep): string {
	switch (error) {
		case 'invalid_grant': {
			return step === 'refresh' ? 'The refresh token is expired or revoked: log in again.' : 'The authorization code expired or was already used: log in again.';
		}

		case 'invalid_client':
		case 'unauthorized_client': {
			return 'The server no longer accepts this client: register again (log in without --client-id), or check --client-secret.';
		}

		case 'invalid_target': {
			return 'The server refused the `resource` indicator (RFC 8707): check the MCP URL.';
		}

		case 'invalid_scope': {
			return 'The server refused a scope: log in again with other scopes.';
		}

		default: {
			return 'The token endpoint refused the request; its words are above.';
		}
	}
}

/** Which endpoint a request goes to, its answer's spec, and (optionally) what to try after an OAuth error code there. */
export type EndpointNames = {
	readonly endpoint: string;
	readonly response: string;
	readonly spec: string;
	/** The hint for an error code (RFC 6749 5.2); undefined falls back to the token endpoint's hints. */
	readonly hint?: (error: string) => string | undefined;
};

const tokenEndpointNames: EndpointNames = {endpoint: 'token endpoint', response: 'token response', spec: 'RFC 6749 5.1'};

/** An OAuth error answer's fields (RFC 6749 5.2), when the body is one. */
function oauthErrorOf(body: string): {readonly error: string; readonly error_description?: string} | undefined {
	try {
		const parsed = JSON.parse(body) as {error?: unknown; error_description?: unknown};
		if (typeof parsed.error !== 'string') return undefined;
		return {error: parsed.error, ...(typeof parsed.error_description === 'string' ? {error_description: parsed.error_description} : {})};
	} catch {
		return undefined;
	}
}

/**
 * A request made through oauth4webapi, its failures in our words: unreachable, an OAuth error answer
 * (RFC 6749 5.2, quoted), or an answer outside OAuth. `names` says which endpoint, and its answer's spec.
 */
export async function tokenRequest<T>(step: FailedStep, url: string | undefined, send: () => Promise<T>, names: EndpointNames = tokenEndpointNames): Promise<T> {
	const {endpoint, response, spec} = names;
	try {
		return await send();
	} catch (error) {
		// The HTTP layer names no step for oauth4webapi's requests: this one is the token request.
		if (error instanceof WizardError && error.step === 'network') throw new WizardError(step, `Could not reach the ${endpoint}: ${error.message}`, error.hint, error.answer, {cause: error});
		if (error instanceof WizardError) throw error;
		if (error instanceof oauth.ResponseBodyError) {
			const description = error.error_description ? ` (${error.error_description})` : '';
			throw new WizardError(step, `The ${endpoint} answered HTTP ${error.status}: ${error.error}${description}`, names.hint?.(error.error) ?? tokenErrorHint(error.error, step), {url: url ?? '', status: error.status, body: JSON.stringify(error.cause)});
		}

		// A 401 with a challenge (RFC 6749 5.2: invalid_client after HTTP Basic): oauth4webapi leaves its body unread.
		if (error instanceof oauth.WWWAuthenticateChallengeError) {
			const body = await error.response.text().catch(() => '');
			const answer = oauthErrorOf(body) ?? {error: error.cause[0]?.parameters.error ?? 'invalid_client', error_description: error.cause[0]?.parameters.error_description};
			const description = answer.error_description ? ` (${answer.error_description})` : '';
			throw new WizardError(step, `The ${endpoint} answered HTTP ${error.status}: ${answer.error}${description}`, names.hint?.(answer.error) ?? tokenErrorHint(answer.error, step), {url: url ?? '', status: error.status, body});
		}

		if (error instanceof oauth.OperationProcessingError || error instanceof oauth.UnsupportedOperationError) {
			throw new WizardError(step, `The ${response} is not usable: ${error.message}`, `The server answered outside OAuth 2.0 (${spec}); the HTTP trace shows what came back.`);
		}

		throw error;
	}
}

type CodeExchangeInput = {
	readonly http: HttpClient;
	readonly metadata: AuthorizationServerMetadata;
	readonly client: ClientCredentials;
	readonly pending: PendingAuthorization;
	readonly callbackParameters: URLSearchParams;
	readonly signal?: AbortSignal;
};

/** The code's token request (RFC 6749 4.1.3) with the PKCE verifier and the login's `resource` (RFC 8707 2.2); its answer not yet read. */
export async function codeGrantRequest(input: CodeExchangeInput): Promise<Response> {
	const {pending} = input;
	return oauth.authorizationCodeGrantRequest(toAuthorizationServer(input.metadata), toClient(input.client), clientAuthentication(input.client), input.callbackParameters, pending.redirectUri, pending.codeVerifier, {
		...oauthRequestOptions(input.http, input.metadata.token_endpoint, input.signal),
		...(pending.resource === undefined ? {} : {additionalParameters: {resource: pending.resource}}),
	});
}

/** Redeems the authorization code for the login's tokens. */
export async function exchangeCode(input: CodeExchangeInput): Promise<TokenSet> {
	const response = await tokenRequest('token', input.metadata.token_endpoint, async () => oauth.processAuthorizationCodeResponse(toAuthorizationServer(input.metadata), toClient(input.client), await codeGrantRequest(input)));
	return toTokenSet(response);
}

/** Refreshes (RFC 6749 6) with `resource` (RFC 8707 2.2), keeping the old refresh token if no new one comes. */
export async function refreshTokens(input: {
	readonly http: HttpClient;
	readonly metadata: AuthorizationServerMetadata;
	readonly client: ClientCredentials;
	readonly refreshToken: string;
	readonly resource: string;
	readonly signal?: AbortSignal;
}): Promise<TokenSet> {
	const as = toAuthorizationServer(input.metadata);
	const client = toClient(input.client);
	const response = await tokenRequest('refresh', input.metadata.token_endpoint, async () => {
		const answer = await oauth.refreshTokenGrantRequest(as, client, clientAuthentication(input.client), input.refreshToken, {
			...oauthRequestOptions(input.http, input.metadata.token_endpoint, input.signal),
			additionalParameters: {resource: input.resource},
		});
		return oauth.processRefreshTokenResponse(as, client, answer);
	});
	return toTokenSet(response, input.refreshToken);
}

/** The least time between two renewals by themselves (refreshDueAt). */
const minimumRenewalGapMs = 5000;

/**
 * When to refresh by itself: shortly before expiry (a minute, or a fifth of a short lifetime), so that
 * a live session never holds an expired token. Undefined without a refresh token or an expiry.
 */
export function refreshDueAt(tokens: TokenSet, sameGrantAgain = false): string | undefined {
	// A client acting as itself has no refresh token: it asks again by the same grant (RFC 6749 4.4.3).
	if ((tokens.refreshToken === undefined && !sameGrantAgain) || tokens.expiresAt === undefined) return undefined;
	// Never sooner than a few seconds after the last: a server's expires_in of 0 or 1 would otherwise
	// have each new token asked for at once, without end.
	const due = Math.max(Date.parse(tokens.expiresAt) - refreshLeadMs(tokens), Date.parse(tokens.obtainedAt) + minimumRenewalGapMs);
	return new Date(due).toISOString();
}

/**
 * How long before its expiry a token is refreshed: a minute, or a fifth of a short lifetime (a
 * 5-second token refreshed a minute early would be refreshed before every request). At least a second.
 */
export function refreshLeadMs(tokens: TokenSet): number {
	const lifetime = tokens.expiresAt === undefined ? Number.POSITIVE_INFINITY : Date.parse(tokens.expiresAt) - Date.parse(tokens.obtainedAt);
	return Math.min(60_000, Math.max(1000, lifetime / 5));
}

/** Whether a refresh failed because the server no longer honours the refresh token (RFC 6749 5.2 invalid_grant). */
export function isRevokedGrant(error: unknown): boolean {
	if (!(error instanceof WizardError) || error.step !== 'refresh' || error.answer === undefined) return false;
	try {
		return (JSON.parse(error.answer.body) as {error?: unknown}).error === 'invalid_grant';
	} catch {
		return false;
	}
}
