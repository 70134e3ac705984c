import * as oauth from 'oauth4webapi';
import {startCallbackServer} from './callback-server.js';
import {type ClientCredentials, toAuthorizationServer, toClient} from './client.js';
import {type EnterpriseEvent, assertSafeTokenEndpoint, identityProviderClient, identityProviderMetadata} from './enterprise.js';
import {WizardError} from './errors.js';
import type {HttpClient} from './http.js';
import {type BrowserLoginOptions, browserLogin} from './login.js';
import {printableLine} from './text.js';
import {codeGrantRequest, tokenRequest} from './tokens.js';
import {isHttpsOrLoopback} from './urls.js';

export type IdTokenLoginInput = {
	readonly http: HttpClient;
	/** The identity provider's issuer: its metadata names its authorization and token endpoints. */
	readonly issuer: string;
	/** This application's client at the identity provider, registered with a loopback redirect URI (RFC 8252 7.3). */
	readonly clientId: string;
	/** A secret: never shown, never saved; sent as the identity provider's metadata lists. Without it the client is public. */
	readonly clientSecret?: string;
	/** 0 or undefined: a random free port. */
	readonly callbackPort?: number;
	/** The identity provider found, and any warning about it. */
	readonly onEnterpriseEvent?: (event: EnterpriseEvent) => void;
} & BrowserLoginOptions;

export type IdTokenLogin = {
	/** The user's ID token: a secret, for the token exchange only; never shown, never saved. */
	readonly idToken: string;
	/** The identity provider's token endpoint, where the ID token is then exchanged, and how its client authenticates there. */
	readonly tokenEndpoint: string;
	readonly authMethod: ClientCredentials['authMethod'];
};

function codeExchangeHint(error: string): string | undefined {
	switch (error) {
		case 'invalid_grant': {
			return 'The login\'s code expired or was already used: log in at the identity provider again.';
		}

		case 'invalid_client':
		case 'unauthorized_client': {
			return 'The identity provider does not know this client for a browser login: check the identity provider\'s client id (and secret), or log in with an ID token you already have: login --enterprise … --id-token <file>.';
		}

		default: {
			return undefined;
		}
	}
}

/**
 * The user's ID token by an OpenID login at the identity provider, for an enterprise login (SEP-990)
 * that has none at hand: the authorization code flow with PKCE and scope `openid` (OpenID Connect Core
 * 3.1), through the browser and a loopback redirect, as the MCP server's own login. No `resource`: the
 * identity provider serves no MCP server. oauth4webapi checks the ID token's claims (iss, aud, exp,
 * OpenID Connect Core 3.1.3.7); its signature is the identity provider's to check when it is exchanged.
 */
export async function idTokenByBrowserLogin(input: IdTokenLoginInput): Promise<IdTokenLogin> {
	const {http, signal} = input;
	const metadata = await identityProviderMetadata({http, issuer: input.issuer, signal, onEvent: input.onEnterpriseEvent});
	const endpoint = metadata.authorization_endpoint;
	if (endpoint === undefined) {
		throw new WizardError('identity-provider', `The identity provider ${input.issuer} names no authorization_endpoint in its metadata: it has no browser login`, 'Log in with an ID token you already have instead: login --enterprise … --id-token <file>.');
	}

	if (!isHttpsOrLoopback(endpoint)) {
		throw new WizardError('identity-provider', `The identity provider's authorization endpoint ${printableLine(endpoint, 200)} is not https`, 'A login goes only over https (plain http only to localhost, OAuth 2.1 1.5); nothing was sent. Log in with an ID token you already have instead: login --enterprise … --id-token <file>.');
	}

	assertSafeTokenEndpoint(metadata.token_endpoint);
	const client = identityProviderClient({clientId: input.clientId, ...(input.clientSecret === undefined ? {} : {clientSecret: input.clientSecret})}, metadata);
	const callbackServer = await startCallbackServer({port: input.callbackPort});
	const names = {endpoint: `token endpoint of the identity provider ${input.issuer}`, response: 'identity provider\'s token response', spec: 'OpenID Connect Core 3.1.3.3', hint: codeExchangeHint};
	const onEvent: BrowserLoginOptions['onEvent'] = event => {
		if (event.type === 'authorization-started') input.onEnterpriseEvent?.({type: 'id-token-login', issuer: input.issuer});
		input.onEvent?.(event);
	};
	const idToken = await browserLogin({...input, metadata, client, callbackServer, scopes: ['openid'], serverLabel: input.issuer, onEvent}, async (pending, callbackParameters) => {
		const answer = await tokenRequest('identity-provider', metadata.token_endpoint, async () => {
			const response = await codeGrantRequest({http, metadata, client, pending, callbackParameters, signal});
			return oauth.processAuthorizationCodeResponse(toAuthorizationServer(metadata), toClient(client), response, {requireIdToken: true});
		}, names);
		// requireIdToken: oauth4webapi has refused an answer without one.
		return answer.id_token!;
	});
	return {idToken, tokenEndpoint: metadata.token_endpoint, authMethod: client.authMethod};
}
