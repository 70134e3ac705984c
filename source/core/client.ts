import {type KeyObject, createPrivateKey} from 'node:crypto';
import * as oauth from 'oauth4webapi';
import {WizardError} from './errors.js';
import type {HttpClient} from './http.js';
import type {AuthorizationServerMetadata} from './metadata.js';
import {isLoopbackHost} from './urls.js';

/** Token endpoint client authentication methods we speak (RFC 6749 2.3.1, RFC 7591 2; private_key_jwt: RFC 7523 2.2, for client credentials). */
export type TokenEndpointAuthMethod = 'none' | 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';

/** The client identity used with one authorization server. */
export type ClientCredentials = {
	readonly clientId: string;
	readonly clientSecret?: string;
	/** private_key_jwt: the client's private key, PEM (PKCS #8, or SEC 1 / PKCS #1). A secret: never shown. */
	readonly privateKey?: string;
	readonly authMethod: TokenEndpointAuthMethod;
	/** How the client id was had (MCP 2025-11-25, Client Registration Approaches). */
	readonly source: ClientSource;
};

/** registration: RFC 7591; pre-registered: given by the user; client-metadata-document: the id is the URL of one (MCP 2025-11-25). */
export type ClientSource = 'registration' | 'pre-registered' | 'client-metadata-document';

/** How the client id was had, in a few words for a screen. */
export const clientSourceLabels: Readonly<Record<ClientSource, string>> = {
	registration: 'registered here',
	'pre-registered': 'pre-registered',
	'client-metadata-document': 'Client ID Metadata Document',
};

export function isSupportedAuthMethod(method: unknown): method is TokenEndpointAuthMethod {
	return method === 'none' || method === 'client_secret_basic' || method === 'client_secret_post';
}

/**
 * The method for a client: none without a secret; with one, what the server lists, preferring
 * client_secret_basic (RFC 6749 2.3.1: servers MUST support it; also the RFC 8414 default).
 */
export function chooseAuthMethod(metadata: AuthorizationServerMetadata, hasSecret: boolean): TokenEndpointAuthMethod {
	if (!hasSecret) return 'none';
	const supported = metadata.token_endpoint_auth_methods_supported;
	if (supported && !supported.includes('client_secret_basic') && supported.includes('client_secret_post')) return 'client_secret_post';
	return 'client_secret_basic';
}

/** A client id (and secret) the user registered with the server operator (MCP 2025-11-25, Client Registration Approaches: pre-registration). */
export function preRegisteredClient(metadata: AuthorizationServerMetadata, clientId: string, clientSecret?: string): ClientCredentials {
	return {clientId, clientSecret, authMethod: chooseAuthMethod(metadata, clientSecret !== undefined), source: 'pre-registered'};
}

/**
 * A Client ID Metadata Document client: the document's URL is the client id, and it is a public client
 * (CIMD 4.1: no shared secret can exist; private_key_jwt would need the document to publish our key).
 */
export function clientMetadataDocumentClient(url: string): ClientCredentials {
	return {clientId: url, authMethod: 'none', source: 'client-metadata-document'};
}

export function toAuthorizationServer(metadata: AuthorizationServerMetadata): oauth.AuthorizationServer {
	return metadata as oauth.AuthorizationServer;
}

export function toClient(client: ClientCredentials): oauth.Client {
	return {client_id: client.clientId, token_endpoint_auth_method: client.authMethod};
}

/**
 * application/x-www-form-urlencoded as the WHATWG URL standard serializes it (URLSearchParams): `*-._`
 * and alphanumerics stay as they are, a space becomes `+`.
 */
function formUrlEncode(value: string): string {
	return new URLSearchParams([['', value]]).toString().slice(1);
}

/**
 * HTTP Basic with the id and secret form-urlencoded first (RFC 6749 2.3.1). oauth4webapi's own encoder
 * also escapes `-`, and many servers compare the id without decoding it: `pre-registered-client`
 * would arrive as `pre%2Dregistered%2Dclient`.
 */
function clientSecretBasic(clientSecret: string): oauth.ClientAuth {
	return (_as, client, _body, headers) => {
		const credentials = Buffer.from(`${formUrlEncode(client.client_id)}:${formUrlEncode(clientSecret)}`).toString('base64');
		headers.set('authorization', `Basic ${credentials}`);
	};
}

export function clientAuthentication(client: ClientCredentials): oauth.ClientAuth {
	switch (client.authMethod) {
		case 'client_secret_basic': {
			return clientSecretBasic(client.clientSecret ?? '');
		}

		case 'client_secret_post': {
			return oauth.ClientSecretPost(client.clientSecret ?? '');
		}

		case 'none': {
			return oauth.None();
		}

		case 'private_key_jwt': {
			// A signed assertion, iss = sub = client id, aud = the issuer, a fresh jti, a minute to live (RFC 7523 3).
			return async (as, oauthClient, body, headers) => {
				const {key, alg} = await signingKey(client.privateKey ?? '', as.token_endpoint_auth_signing_alg_values_supported);
				// The name the server listed (oauth4webapi would write "Ed25519" where a server lists "EdDSA").
				await oauth.PrivateKeyJwt(key, {[oauth.modifyAssertion](header) {
					header.alg = alg;
				}})(as, oauthClient, body, headers);
			};
		}
	}
}

/** The JWS algorithm for a key, and the WebCrypto parameters to import it with. */
const algorithms = [
	{alg: 'ES256', matches: (type: string, curve?: string) => type === 'ec' && curve === 'prime256v1', params: {name: 'ECDSA', namedCurve: 'P-256'}},
	{alg: 'ES384', matches: (type: string, curve?: string) => type === 'ec' && curve === 'secp384r1', params: {name: 'ECDSA', namedCurve: 'P-384'}},
	{alg: 'RS256', matches: (type: string) => type === 'rsa', params: {name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256'}},
	{alg: 'PS256', matches: (type: string) => type === 'rsa', params: {name: 'RSA-PSS', hash: 'SHA-256'}},
	{alg: 'EdDSA', matches: (type: string) => type === 'ed25519', params: {name: 'Ed25519'}},
	{alg: 'Ed25519', matches: (type: string) => type === 'ed25519', params: {name: 'Ed25519'}},
] as const;

/**
 * The client's private key, ready to sign (RFC 7523 2.2), with the algorithm its type gives among those
 * the server lists in token_endpoint_auth_signing_alg_values_supported (RFC 8414 2; any of ours when it
 * lists none). A key that cannot be read or used is a one-screen error.
 */
export async function signingKey(pem: string, supported?: readonly string[]): Promise<{key: CryptoKey; alg: string}> {
	let key: KeyObject;
	try {
		key = createPrivateKey(pem);
	} catch (error) {
		throw new WizardError('client', `The private key is not one that can be read: ${error instanceof Error ? error.message : String(error)}`, 'Pass a PEM file of a private key (-----BEGIN PRIVATE KEY-----, or EC / RSA PRIVATE KEY): --private-key <file>.');
	}

	const type = key.asymmetricKeyType ?? '';
	const curve = key.asymmetricKeyDetails?.namedCurve;
	const usable = algorithms.filter(candidate => candidate.matches(type, curve));
	const chosen = usable.find(candidate => supported === undefined || supported.includes(candidate.alg));
	if (!chosen) {
		const kind = `${type}${curve ? ` ${curve}` : ''}`;
		throw new WizardError('client', `The authorization server takes ${supported?.join(', ') ?? 'no'} signatures, and the private key (${kind || 'unknown'}) makes ${usable.map(({alg}) => alg).join(' or ') || 'none of ES256, ES384, RS256, PS256, EdDSA'}`, 'Use a key of a type the server takes (token_endpoint_auth_signing_alg_values_supported in its metadata).');
	}

	const der = key.export({type: 'pkcs8', format: 'der'});
	return {key: await crypto.subtle.importKey('pkcs8', der, chosen.params, false, ['sign']), alg: chosen.alg};
}

/**
 * oauth4webapi's requests go through our HTTP layer (trace, timeouts, size cap). Plain http is allowed
 * for loopback endpoints only (OAuth 2.1 1.5): oauth4webapi refuses it otherwise.
 */
export function oauthRequestOptions(http: HttpClient, endpoint: string | undefined, signal?: AbortSignal): oauth.HttpRequestOptions<'POST', URLSearchParams> {
	const loopback = endpoint !== undefined && URL.canParse(endpoint) && isLoopbackHost(new URL(endpoint).hostname);
	return {
		[oauth.customFetch]: async (url, init) => http.fetch(url, init as RequestInit),
		[oauth.allowInsecureRequests]: loopback,
		signal,
	};
}
