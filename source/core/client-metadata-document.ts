import {type ClientCredentials, clientMetadataDocumentClient} from './client.js';
import {WizardError, isAbortError} from './errors.js';
import {type HttpClient, metadataMaxBytes, parseJsonObject} from './http.js';
import {printableLine} from './text.js';
import {isLoopbackHost} from './urls.js';

/**
 * What mcp-auth-wizard found at a Client ID Metadata Document URL (MCP 2025-11-25, "Client ID
 * Metadata Documents"; draft-ietf-oauth-client-id-metadata-document). It is the authorization server
 * that fetches the document, not us: this check only catches, before the browser opens, what would
 * make the authorization server refuse the login.
 */
export type ClientMetadataDocumentCheck = {
	readonly url: string;
	/** false: could not fetch from here — a warning, not a stop (the AS fetches it, not us). */
	readonly fetched: boolean;
	/** e.g. could not fetch (and why), client_name missing. */
	readonly warnings: readonly string[];
	/** client_id ≠ URL exactly; redirect_uris do not cover the loopback callback; not JSON; URL not https-with-path (loopback http allowed). */
	readonly errors: readonly string[];
	readonly document?: Record<string, unknown>;
	/** The loopback redirect URI from the document to use (its port: the callback listener must listen there; a port-less loopback URI means any port, RFC 8252 7.3). */
	readonly redirectUri?: string;
};

export type ClientMetadataDocumentOptions = {
	readonly signal?: AbortSignal;
	/** The port the user asked for (--callback-port); undefined or 0: any. */
	readonly callbackPort?: number;
	/** The scopes the login will ask for: a document `scope` without them is worth a warning. */
	readonly scopes?: readonly string[];
};

/** Where our callback listener answers (callback-server.ts): the IP literal, not "localhost" (RFC 8252 8.3). */
const callbackHost = '127.0.0.1';
const callbackPath = '/callback';

/** CIMD draft 4.1: no method built on a shared secret, since there is no way to share one. */
const sharedSecretMethods = new Set(['client_secret_basic', 'client_secret_post', 'client_secret_jwt']);

/**
 * Why a URL cannot be a Client Identifier URL (CIMD draft 3, MCP 2025-11-25: https with a path, no
 * userinfo, no fragment, no dot segments), or undefined when it can. Plain http is accepted on
 * loopback hosts for development, as for every other endpoint (OAuth 2.1 1.5).
 */
export function clientMetadataUrlProblem(url: string): string | undefined {
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		return `"${printableLine(url)}" is not a URL`;
	}

	if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && isLoopbackHost(parsed.hostname))) {
		return `${printableLine(url)} is not https (plain http only on localhost, for development)`;
	}

	if (parsed.username !== '' || parsed.password !== '') return `${printableLine(url)} contains a user name or password`;
	if (url.includes('#')) return `${printableLine(url)} contains a fragment (#...)`;
	// The URL parser removes dot segments, so they are looked for in the text as given.
	const rawPath = url.replace(/^[a-z][a-z\d+.-]*:\/\/[^/?#]*/i, '').split(/[?#]/)[0] ?? '';
	if (rawPath.split('/').some(segment => segment === '.' || segment === '..')) return `${printableLine(url)} contains . or .. path segments`;
	if (parsed.pathname === '/' || parsed.pathname === '') return `${printableLine(url)} has no path: the document must be at a path, e.g. https://example.com/client.json`;
	return undefined;
}

function isCallbackUri(uri: URL): boolean {
	return uri.protocol === 'http:' && uri.hostname === callbackHost && uri.pathname === callbackPath && uri.search === '' && uri.hash === '';
}

/**
 * The redirect URI of the document the login can use: http://127.0.0.1[:PORT]/callback. With
 * --callback-port, one with that port or none; else a port-less one first (any free port), else the
 * first with a port.
 */
function pickRedirectUri(uris: readonly string[], callbackPort: number | undefined): {uri: string} | {problem: string} {
	const candidates = uris.flatMap(uri => (URL.canParse(uri) && isCallbackUri(new URL(uri)) ? [{uri, port: new URL(uri).port}] : []));
	const wanted = callbackPort === undefined || callbackPort === 0 ? undefined : String(callbackPort);
	const portLess = candidates.find(candidate => candidate.port === '');
	if (wanted !== undefined) {
		const chosen = candidates.find(candidate => candidate.port === wanted) ?? portLess;
		if (chosen) return {uri: chosen.uri};
		if (candidates.length > 0) {
			return {problem: `redirect_uris allow port ${candidates.map(candidate => candidate.port).join(', ')} on ${callbackHost}, not ${wanted} (--callback-port)`};
		}
	} else {
		const chosen = portLess ?? candidates[0];
		if (chosen) return {uri: chosen.uri};
	}

	const loopback = uris.filter(uri => URL.canParse(uri) && new URL(uri).protocol === 'http:' && isLoopbackHost(new URL(uri).hostname));
	const near = loopback.length > 0 ? ` (${loopback.map(uri => printableLine(uri)).join(', ')} ${loopback.length === 1 ? 'is' : 'are'} loopback, but mcp-auth-wizard listens on http://${callbackHost}:PORT${callbackPath}, and redirect URIs are compared exactly)` : '';
	return {problem: `redirect_uris have no http://${callbackHost}${wanted === undefined ? '' : `:${wanted}`}${callbackPath}, where mcp-auth-wizard receives the login callback${near}`};
}

/** Checks the fields the authorization server will check (MCP 2025-11-25; CIMD draft 4; RFC 7591 2). */
function checkDocument(url: string, document: Record<string, unknown>, options: ClientMetadataDocumentOptions, errors: string[], warnings: string[]): string | undefined {
	const clientId = document['client_id'];
	if (clientId === undefined) errors.push('client_id is missing');
	// CIMD draft 4: simple string comparison, no normalization.
	else if (clientId !== url) errors.push(`client_id ${printableLine(JSON.stringify(clientId))} is not the document's URL ${printableLine(url)} exactly`);

	const name = document['client_name'];
	if (typeof name !== 'string' || name.trim() === '') warnings.push('client_name is missing: the authorization server may refuse the document, or show the URL on its consent page');

	if ('client_secret' in document || 'client_secret_expires_at' in document) {
		errors.push('the document contains client_secret or client_secret_expires_at, which a public document must not (CIMD 4.1)');
	}

	const method = document['token_endpoint_auth_method'];
	if (method === undefined) {
		warnings.push('token_endpoint_auth_method is missing: RFC 7591 defaults it to client_secret_basic, which a metadata document cannot use; add "token_endpoint_auth_method": "none"');
	} else if (typeof method === 'string' && sharedSecretMethods.has(method)) {
		errors.push(`token_endpoint_auth_method "${method}" needs a shared secret, which a metadata document cannot have (CIMD 4.1); use "none"`);
	} else if (method !== 'none') {
		errors.push(`token_endpoint_auth_method ${printableLine(JSON.stringify(method))}: mcp-auth-wizard logs in only as a public client ("none")`);
	}

	const grantTypes = document['grant_types'];
	if (Array.isArray(grantTypes) && !grantTypes.includes('authorization_code')) errors.push('grant_types does not include authorization_code');
	const responseTypes = document['response_types'];
	if (Array.isArray(responseTypes) && !responseTypes.includes('code')) errors.push('response_types does not include code');

	const scope = document['scope'];
	if (typeof scope === 'string' && options.scopes) {
		const listed = scope.split(' ').filter(Boolean);
		const extra = options.scopes.filter(wanted => !listed.includes(wanted));
		if (extra.length > 0) warnings.push(`the document's scope does not list ${extra.join(' ')}: the authorization server may refuse to grant it`);
	}

	const uris = document['redirect_uris'];
	if (!Array.isArray(uris) || uris.length === 0 || !uris.every(uri => typeof uri === 'string')) {
		errors.push('redirect_uris is missing or not a list of URLs');
		return undefined;
	}

	const picked = pickRedirectUri(uris as string[], options.callbackPort);
	if ('problem' in picked) {
		errors.push(picked.problem);
		return undefined;
	}

	return picked.uri;
}

function fetchFailure(url: string, error: unknown): string {
	const text = error instanceof WizardError ? `${error.message}` : error instanceof Error ? error.message : String(error);
	return `could not fetch ${printableLine(url)} from here (${text}); the authorization server fetches it itself, so the login goes on`;
}

/** The http layer reports a body over the cap as an error whose cause is got's cancel (http.ts). */
function isTooLarge(error: unknown): boolean {
	return error instanceof WizardError && (error.cause as {code?: unknown} | undefined)?.code === 'ERR_CANCELED';
}

/**
 * Fetches a Client ID Metadata Document through our http layer (so it is in the trace; 1 MiB cap) and
 * checks it as the authorization server will. Never throws but for an aborted signal: a document that
 * cannot be fetched from here is a warning (the authorization server may reach what we cannot), a
 * document that is wrong is an error.
 */
export async function checkClientMetadataDocument(http: HttpClient, url: string, options: ClientMetadataDocumentOptions = {}): Promise<ClientMetadataDocumentCheck> {
	const errors: string[] = [];
	const warnings: string[] = [];
	const problem = clientMetadataUrlProblem(url);
	if (problem !== undefined) return {url, fetched: false, warnings, errors: [problem]};
	if (new URL(url).search !== '') warnings.push('the URL has a query, which a Client Identifier URL should not have (CIMD 3)');
	if (new URL(url).href !== url) warnings.push(`the URL is not in normal form (${new URL(url).href}); the authorization server compares client ids as plain strings, so use exactly one spelling`);

	let response;
	try {
		response = await http.request({
			url,
			step: 'client',
			headers: {accept: 'application/json'},
			// CIMD 5: the authorization server does not follow redirects, so neither does this check.
			followRedirects: false,
			maxBytes: metadataMaxBytes,
			signal: options.signal,
		});
	} catch (error) {
		if (options.signal?.aborted || isAbortError(error)) throw options.signal?.reason ?? error;
		if (isTooLarge(error)) return {url, fetched: false, warnings, errors: [`the document is larger than ${metadataMaxBytes / 1024 / 1024} MiB: this URL does not serve a client metadata document`]};
		return {url, fetched: false, warnings: [...warnings, fetchFailure(url, error)], errors};
	}

	if (response.status >= 300 && response.status < 400) {
		const location = response.headers['location'];
		errors.push(`the URL redirects (HTTP ${response.status}${location ? ` to ${printableLine(location)}` : ''}); the authorization server does not follow redirects (CIMD 5): use the final URL`);
		return {url, fetched: false, warnings, errors};
	}

	if (response.status >= 500) {
		warnings.push(fetchFailure(url, new Error(`HTTP ${response.status}`)));
		return {url, fetched: false, warnings, errors};
	}

	if (response.status !== 200) {
		errors.push(`the URL answered HTTP ${response.status}; the document must be served with 200 OK (CIMD 4)`);
		return {url, fetched: false, warnings, errors};
	}

	const parsed = parseJsonObject(response);
	if (!parsed.ok) {
		errors.push(`${parsed.problem.replace(/^the answer/, 'the document')}`);
		return {url, fetched: true, warnings, errors};
	}

	const type = response.headers['content-type'] ?? '';
	if (!/^application\/([\w.+-]+\+)?json\b/i.test(type)) warnings.push(`served as ${type === '' ? 'no content type' : printableLine(type)}, not application/json: some authorization servers refuse that`);
	const redirectUri = checkDocument(url, parsed.value, options, errors, warnings);
	return {url, fetched: true, warnings, errors, document: parsed.value, ...(redirectUri === undefined ? {} : {redirectUri})};
}

/** The port the callback listener must use for a document's redirect URI: undefined for a port-less one. */
export function documentCallbackPort(redirectUri: string): number | undefined {
	const port = new URL(redirectUri).port;
	return port === '' ? undefined : Number(port);
}

/**
 * What a login needs from a checked document: the client (its URL is the client id, a public client)
 * and the port to listen on — the document's, or `callbackPort` (--callback-port) when its loopback
 * redirect URI has none (RFC 8252 7.3), else undefined: any free port. A document with errors throws a
 * WizardError('client') naming them, so that the login stops before any authorization request.
 */
export function clientForDocument(check: ClientMetadataDocumentCheck, callbackPort?: number): {readonly client: ClientCredentials; readonly callbackPort?: number} {
	if (check.errors.length > 0) {
		throw new WizardError(
			'client',
			describeDocumentCheck(check),
			'Fix the document (client_id must be its URL exactly; redirect_uris must include http://127.0.0.1/callback, or with the port you pass with --callback-port), or log in without --client-metadata-url to register a client instead.',
		);
	}

	const port = (check.redirectUri === undefined ? undefined : documentCallbackPort(check.redirectUri)) ?? callbackPort;
	return {client: clientMetadataDocumentClient(check.url), ...(port === undefined ? {} : {callbackPort: port})};
}

/** The whole check in one line for the terminal: "client_id matches; redirect URIs cover ...". */
export function describeDocumentCheck(check: ClientMetadataDocumentCheck, redirectUri?: string): string {
	if (check.errors.length > 0) return `Client ID Metadata Document at ${check.url} is not usable: ${check.errors.join('; ')}`;
	if (!check.fetched) return `Client ID Metadata Document at ${check.url}: not checked from here`;
	const covered = redirectUri ?? check.redirectUri;
	const any = check.redirectUri !== undefined && documentCallbackPort(check.redirectUri) === undefined ? ` (the document lists ${check.redirectUri}: any port)` : '';
	return `Client ID Metadata Document at ${check.url}: client_id matches; redirect URIs cover ${covered ?? '?'}${any}`;
}
