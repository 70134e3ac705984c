import type {ClientCredentials} from './client.js';
import {deviceCodeGrant} from './device.js';
import type {HttpClient} from './http.js';
import {type RegistrationRequest, registeredRedirectUris} from './registration.js';
import {parseScopes} from './scopes.js';

/** Whether the authorization server still knows a registered client. */
export type ClientCheck = {readonly status: 'valid'} | {readonly status: 'rejected'; readonly reason: string} | {readonly status: 'unknown'; readonly reason: string};

/**
 * Asks the authorization server about a registered client (RFC 7592 2.1: GET registration_client_uri
 * with the registration access token). A server that dropped the client answers 401 (RFC 7592 2.1:
 * "the client does not exist"). Without the two fields there is no way to ask: unknown.
 */
async function checkRegisteredClient(http: HttpClient, registration: Record<string, unknown> | undefined, signal?: AbortSignal): Promise<ClientCheck> {
	const uri = registration?.['registration_client_uri'];
	const token = registration?.['registration_access_token'];
	if (typeof uri !== 'string' || typeof token !== 'string') {
		return {status: 'unknown', reason: 'the server gave no registration_client_uri to ask it (RFC 7592)'};
	}

	try {
		const response = await http.request({url: uri, step: 'client', headers: {authorization: `Bearer ${token}`, accept: 'application/json'}, signal});
		if (response.status === 200) return {status: 'valid'};
		if (response.status === 401 || response.status === 403 || response.status === 404) {
			return {status: 'rejected', reason: `the authorization server no longer knows the client (its registration endpoint answered ${response.status}, RFC 7592 2.1)`};
		}

		return {status: 'unknown', reason: `the registration endpoint answered ${response.status}`};
	} catch (error) {
		signal?.throwIfAborted();
		return {status: 'unknown', reason: error instanceof Error ? error.message : String(error)};
	}
}

export type ReuseDecision = {readonly reuse: true; readonly client: ClientCredentials} | {readonly reuse: false; readonly reason: string};

/**
 * Whether a saved client can log in again: only with the same authorization server (client credentials
 * are per issuer, MCP 2026-07-28), while the server still knows it, and for scopes it was registered
 * for (servers refuse others with invalid_scope).
 */
export function decideClientReuse(input: {
	readonly savedIssuer: string;
	readonly issuer: string;
	readonly client: ClientCredentials;
	/** The `scope` the registration answer names, if any. */
	readonly registeredScope?: unknown;
	readonly scopes: readonly string[];
	readonly check: ClientCheck;
	/** The grant types the registration names (the answer's, else the request's); undefined when unknown (pre-registered). */
	readonly grantTypes?: readonly string[];
	/** Whether the registration names a redirect URI, which a browser login comes back to. */
	readonly hasRedirectUri?: boolean;
	/** The login to come: with the browser here (default), or on another device (RFC 8628). */
	readonly device?: boolean;
	/** Redirect URIs the client must have (--redirect-uri), and those it was registered with. */
	readonly wantedRedirectUris?: readonly string[];
	readonly redirectUris?: readonly string[];
}): ReuseDecision {
	if (input.issuer !== input.savedIssuer) {
		return {reuse: false, reason: `the authorization server changed from ${input.savedIssuer} to ${input.issuer}, and clients are not reused across servers`};
	}

	if (input.check.status === 'rejected') return {reuse: false, reason: input.check.reason};
	// A client registered for one way to log in is refused by the server for the other (unauthorized_client, RFC 6749 5.2).
	if (input.grantTypes !== undefined) {
		if (input.device && !input.grantTypes.includes(deviceCodeGrant)) return {reuse: false, reason: 'the client was not registered for logins on another device (RFC 8628)'};
		if (!input.device && (!input.grantTypes.includes('authorization_code') || input.hasRedirectUri === false)) return {reuse: false, reason: 'the client was registered for logins on another device only'};
	}

	const missing = input.client.source === 'registration' ? (input.wantedRedirectUris ?? []).filter(uri => !(input.redirectUris ?? []).includes(uri)) : [];
	if (missing.length > 0) return {reuse: false, reason: `the client was not registered for the redirect URI ${missing.join(' ')}`};

	if (input.client.source === 'registration' && typeof input.registeredScope === 'string') {
		const registered = parseScopes(input.registeredScope);
		const extra = input.scopes.filter(scope => !registered.includes(scope));
		if (extra.length > 0) return {reuse: false, reason: `the client was not registered for ${extra.join(' ')}`};
	}

	return {reuse: true, client: input.client};
}

/** The port of a registered loopback redirect URI: a reused client must come back to the same one. */
export function registeredCallbackPort(registration: Record<string, unknown> | undefined): number | undefined {
	const uris = registration?.['redirect_uris'];
	const first = Array.isArray(uris) ? uris[0] : undefined;
	if (typeof first !== 'string' || !URL.canParse(first)) return undefined;
	const port = Number(new URL(first).port);
	return Number.isInteger(port) && port > 0 ? port : undefined;
}

/** What a saved server keeps of its client. */
export type SavedClient = {
	readonly issuer: string;
	readonly client: ClientCredentials;
	readonly registration?: {readonly request: RegistrationRequest; readonly response: Record<string, unknown>};
};

/**
 * Whether a saved registered or pre-registered client can log in again to `issuer` for `scopes` (a
 * registered one is asked about first, RFC 7592), and the port of its registered redirect URI, which
 * the login must listen on. The one decision behind `reauthorize` and the wizard's re-authorization.
 */
export async function checkSavedClient(
	http: HttpClient,
	saved: SavedClient,
	target: {readonly issuer: string; readonly scopes: readonly string[]; readonly device?: boolean; readonly redirectUris?: readonly string[]; readonly signal?: AbortSignal},
): Promise<{decision: ReuseDecision; check: ClientCheck; callbackPort?: number}> {
	const {client, registration} = saved;
	const check = client.source === 'registration' ? await checkRegisteredClient(http, registration?.response, target.signal) : ({status: 'unknown', reason: 'pre-registered'} as const);
	const callbackPort = registeredCallbackPort(registration?.response) ?? registeredCallbackPort(registration?.request);
	const answered = registration?.response['grant_types'];
	const grantTypes = Array.isArray(answered) ? answered.filter(grant => typeof grant === 'string') : registration?.request.grant_types;
	const redirectUris = registeredRedirectUris(registration);
	const hasRedirectUri = registration === undefined ? undefined : redirectUris.length > 0;
	const decision = decideClientReuse({savedIssuer: saved.issuer, issuer: target.issuer, client, registeredScope: registration?.response['scope'], scopes: target.scopes, check, grantTypes, hasRedirectUri, device: target.device, wantedRedirectUris: target.redirectUris, redirectUris});
	return {decision, check, callbackPort};
}
