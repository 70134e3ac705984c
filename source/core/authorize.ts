import * as oauth from 'oauth4webapi';
import {type ClientCredentials, toAuthorizationServer, toClient} from './client.js';
import {WizardError} from './errors.js';
import type {AuthorizationServerMetadata} from './metadata.js';
import {scopeParameter} from './scopes.js';

/** An authorization request on its way: what must be remembered to check the callback and redeem the code. */
export type PendingAuthorization = {
	/** The full authorization URL, for the browser and for copying. */
	readonly url: string;
	readonly state: string;
	readonly codeVerifier: string;
	readonly redirectUri: string;
	readonly scope?: string;
	/** Undefined for an OpenID login at an identity provider, which serves no MCP server. */
	readonly resource?: string;
	/** RFC 9207: the issuer the callback's `iss` must equal. */
	readonly issuer: string;
};

/** The authorization request (RFC 6749 4.1.1) with PKCE S256 (RFC 7636), state, `resource` (RFC 8707) and `scope`. */
export async function prepareAuthorization(input: {
	readonly metadata: AuthorizationServerMetadata;
	readonly client: ClientCredentials;
	readonly redirectUri: string;
	readonly scopes: readonly string[];
	readonly resource?: string;
}): Promise<PendingAuthorization> {
	if (!input.metadata.authorization_endpoint) {
		throw new WizardError('authorization', 'The authorization server has no authorization endpoint', 'Report the metadata to the server operator.');
	}

	const codeVerifier = oauth.generateRandomCodeVerifier();
	const state = oauth.generateRandomState();
	const url = new URL(input.metadata.authorization_endpoint);
	const scope = scopeParameter(input.scopes);
	url.searchParams.set('response_type', 'code');
	url.searchParams.set('client_id', input.client.clientId);
	url.searchParams.set('redirect_uri', input.redirectUri);
	if (scope !== undefined) url.searchParams.set('scope', scope);
	url.searchParams.set('state', state);
	url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(codeVerifier));
	url.searchParams.set('code_challenge_method', 'S256');
	if (input.resource !== undefined) url.searchParams.set('resource', input.resource);
	return {url: url.toString(), state, codeVerifier, redirectUri: input.redirectUri, scope, ...(input.resource === undefined ? {} : {resource: input.resource}), issuer: input.metadata.issuer};
}

function authorizationErrorHint(error: string): string {
	switch (error) {
		case 'access_denied': {
			return 'The login was denied or cancelled in the browser: run the login again and approve it.';
		}

		case 'invalid_scope': {
			return 'The server refused a requested scope: choose other scopes (--scopes) and try again.';
		}

		case 'invalid_target': {
			return 'The server refused the `resource` indicator (RFC 8707): check the MCP URL (a trailing slash counts).';
		}

		case 'unauthorized_client':
		case 'invalid_client': {
			return 'The server does not know this client, or not for this kind of login: register again.';
		}

		default: {
			return 'The server refused the authorization request; its words are above.';
		}
	}
}

/** Whether a callback URL carries this login's state: without it, it answers another login, or none. */
export function carriesState(pending: PendingAuthorization, callbackUrl: URL): boolean {
	return callbackUrl.searchParams.get('state') === pending.state;
}

/**
 * Checks the callback (RFC 6749 4.1.2, RFC 9207): state, `iss` when the server advertises it or sends
 * it, and `error=` answers. Returns the parameters to redeem. On an `iss` mismatch none of the error
 * fields that came with it are shown: they may come from another server (RFC 9207 2.4).
 */
export function validateCallback(input: {
	readonly metadata: AuthorizationServerMetadata;
	readonly client: ClientCredentials;
	readonly pending: PendingAuthorization;
	readonly callbackUrl: URL;
}): URLSearchParams {
	try {
		return oauth.validateAuthResponse(toAuthorizationServer(input.metadata), toClient(input.client), input.callbackUrl, input.pending.state);
	} catch (error) {
		if (error instanceof oauth.AuthorizationResponseError) {
			const description = error.error_description ? `: ${error.error_description}` : '';
			throw new WizardError('authorization', `The authorization server answered ${error.error}${description}`, authorizationErrorHint(error.error));
		}

		const params = input.callbackUrl.searchParams;
		if (!carriesState(input.pending, input.callbackUrl)) {
			throw new WizardError('callback', params.has('state') ? 'The callback carries a different state than the login started with' : 'The callback carries no state', 'The answer does not belong to this login (it may be an old tab or a forged request): start the login again.');
		}

		if (params.has('iss') || input.metadata.authorization_response_iss_parameter_supported) {
			const iss = params.get('iss');
			throw new WizardError('callback', iss === null ? 'The callback has no `iss`, which this server promises (RFC 9207)' : `The callback's iss "${iss}" is not the issuer "${input.pending.issuer}"`, 'The answer may come from another authorization server (a mix-up attack): start the login again, and report it if it repeats.');
		}

		throw new WizardError('callback', `The callback is not valid: ${error instanceof Error ? error.message : String(error)}`, 'Start the login again.');
	}
}
