import * as oauth from 'oauth4webapi';
import {type CallbackServer, startCallbackServer} from './callback-server.js';
import {type ClientCredentials, toAuthorizationServer, toClient} from './client.js';
import {type EnterpriseEvent, type EnterpriseInput, type EnterpriseResult, assertSafeTokenEndpoint, enterpriseTokens, hasBrowserLogin, identityProviderClient, identityProviderMetadata} from './enterprise.js';
import {WizardError} from './errors.js';
import type {HttpClient} from './http.js';
import type {AuthorizationServerMetadata} from './metadata.js';
import {type BrowserLoginOptions, browserLogin} from './login.js';
import {printableLine} from './text.js';
import {codeGrantRequest, tokenRequest} from './tokens.js';
import {isHttpsOrLoopback} from './urls.js';

type IdTokenLoginInput = {
	readonly http: HttpClient;
	/** The identity provider's issuer: its metadata names its authorization and token endpoints. */
	readonly issuer: string;
	/** This application's client at the identity provider, registered with a loopback redirect URI (RFC 8252 7.3). */
	readonly clientId: string;
	/** A secret: never shown, never saved; sent as the identity provider's metadata lists. Without it the client is public. */
	readonly clientSecret?: string;
	/** 0 or undefined: a random free port. */
	readonly callbackPort?: number;
	/** A loopback listener already up (the wizard's) instead of one on `callbackPort`; closed when the login ends, however it ends. */
	readonly callbackServer?: CallbackServer;
	/** The identity provider found, and any warning about it. */
	readonly onEnterpriseEvent?: (event: EnterpriseEvent) => void;
} & BrowserLoginOptions;

type IdTokenLogin = {
	/** The user's ID token: a secret, for the token exchange only; never shown, never saved. */
	readonly idToken: string;
	/** The identity provider's token endpoint, where the ID token is then exchanged, and how its client authenticates there. */
	readonly tokenEndpoint: string;
	readonly authMethod: ClientCredentials['authMethod'];
};

/** The identity provider's hints for its browser login's code exchange, by error code (RFC 6749 5.2). */
function codeExchangeHint(error: string): string | undefined {
	switch (error) {
		case 'invalid_grant': {
			return 'The login\'s code expired or was already used: log in at the identity provider again.';
		}

		case 'invalid_client':
		case 'unauthorized_client': {
			return 'The identity provider does not know this client for a browser login: check the identity provider\'s client id (and secret: --idp-client-secret), or log in with an ID token you already have (--id-token <file>).';
		}

		default: {
			return undefined;
		}
	}
}

/** The identity provider's metadata, checked for a browser login: an authorization endpoint, and https (or loopback) endpoints. */
async function usableForBrowserLogin(input: IdTokenLoginInput): Promise<AuthorizationServerMetadata & {readonly token_endpoint: string}> {
	const metadata = await identityProviderMetadata({http: input.http, issuer: input.issuer, signal: input.signal, onEvent: input.onEnterpriseEvent});
	const endpoint = metadata.authorization_endpoint;
	if (endpoint === undefined) {
		throw new WizardError('identity-provider', `The identity provider ${input.issuer} names no authorization_endpoint in its metadata: it has no browser login`, 'Log in with an ID token you already have instead (--id-token <file>).');
	}

	if (!isHttpsOrLoopback(endpoint)) {
		throw new WizardError('identity-provider', `The identity provider's authorization endpoint ${printableLine(endpoint, 200)} is not https`, 'A login goes only over https (plain http only to localhost, OAuth 2.1 1.5); nothing was sent. Log in with an ID token you already have instead (--id-token <file>).');
	}

	assertSafeTokenEndpoint(metadata.token_endpoint);
	return metadata;
}

/**
 * The user's ID token by an OpenID login at the identity provider, for an enterprise login (SEP-990)
 * that has none at hand: the authorization code flow with PKCE and scope `openid` (OpenID Connect Core
 * 3.1), through the browser and a loopback redirect, as the MCP server's own login. No `resource`: the
 * identity provider serves no MCP server. oauth4webapi checks the ID token's claims (iss, aud, exp,
 * OpenID Connect Core 3.1.3.7); its signature is the identity provider's to check when it is exchanged.
 */
async function idTokenByBrowserLogin(input: IdTokenLoginInput): Promise<IdTokenLogin> {
	const {http, signal} = input;
	const metadata = await usableForBrowserLogin(input).catch(async (error: unknown) => {
		// A listener handed over is ours to close, also when the login ends before it starts.
		await input.callbackServer?.close();
		throw error;
	});
	const client = identityProviderClient({clientId: input.clientId, ...(input.clientSecret === undefined ? {} : {clientSecret: input.clientSecret})}, metadata);
	const callbackServer = input.callbackServer ?? (await startCallbackServer({port: input.callbackPort}));
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

/** An enterprise login: the ID token given, or none, and then a login at the identity provider in the browser (`browser`, its options) gets one. */
export type EnterpriseLoginInput = Omit<EnterpriseInput, 'idToken'> & {
	readonly idToken?: string;
	readonly browser?: Pick<IdTokenLoginInput, 'callbackPort' | 'callbackServer' | 'timeoutMs' | 'noOpen' | 'env' | 'onEvent' | 'onSession'>;
};

/** The whole enterprise login (SEP-990), from an ID token at hand or from one a browser login gets first. */
export async function enterpriseLogin(input: EnterpriseLoginInput): Promise<EnterpriseResult> {
	const {identityProvider: idp, browser} = input;
	if (input.idToken !== undefined) {
		// No browser login: a listener handed over is closed all the same.
		await browser?.callbackServer?.close();
		return enterpriseTokens({...input, idToken: input.idToken});
	}

	if (!hasBrowserLogin(idp)) {
		await browser?.callbackServer?.close();
		throw new WizardError('identity-provider', 'No ID token was given, and an identity provider named by its token endpoint only has no browser login to get one', 'Give the file of an ID token, or the identity provider\'s issuer to log in there.');
	}

	const login = await idTokenByBrowserLogin({
		http: input.http,
		issuer: idp.issuer,
		clientId: idp.clientId,
		clientSecret: idp.clientSecret,
		signal: input.signal,
		callbackPort: browser?.callbackPort,
		callbackServer: browser?.callbackServer,
		timeoutMs: browser?.timeoutMs,
		noOpen: browser?.noOpen,
		env: browser?.env,
		onEvent: browser?.onEvent,
		onSession: browser?.onSession,
		onEnterpriseEvent: input.onEvent,
	});
	// A token endpoint given stays where the ID token goes; else the one the metadata named, read once.
	return enterpriseTokens({...input, identityProvider: {...idp, tokenEndpoint: idp.tokenEndpoint ?? login.tokenEndpoint, authMethod: login.authMethod}, idToken: login.idToken});
}
