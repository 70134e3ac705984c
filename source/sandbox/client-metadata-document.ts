import type {AdapterPayload} from 'oidc-provider';
import {loopbackRedirectUri} from './profiles.js';

/**
 * One look-up of a URL client id by the authorization server: a fetch of its Client ID Metadata
 * Document, or a refusal before any fetch (then status is undefined). oidc-provider looks a client up
 * several times a request (and once more when it answers an error), so one login makes several.
 */
export type ClientMetadataFetch = {
	/** The client id, which is the URL fetched. */
	readonly url: string;
	/** The HTTP status, or undefined when nothing was fetched or no answer came. */
	readonly status: number | undefined;
	/** The body exactly as received ('' when none came). */
	readonly body: string;
	/** Why the document was refused (the error_description the AS answered), or undefined when accepted. */
	readonly refused: string | undefined;
};

export type ClientMetadataResolverOptions = {
	/** Called once a fetch is over, accepted or not. */
	readonly onFetch: (fetch: ClientMetadataFetch) => void;
	/** Aborts fetches in flight when the sandbox closes. */
	readonly signal: AbortSignal;
	readonly log: (line: string) => void;
};

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]']);
const sharedSecretMethods = new Set(['client_secret_basic', 'client_secret_post', 'client_secret_jwt']);
const fetchTimeoutMs = 5000;

/** A refusal, with the words the authorization server answers (as oidc-provider's own CIMD support does). */
class Refusal extends Error {
	constructor(readonly kind: 'invalid_client' | 'invalid_client_metadata', description: string) {
		super(description);
	}
}

/**
 * Which client ids are Client ID Metadata Document URLs: https with a path, no fragment and no
 * credentials (MCP 2025-11-25). The sandbox lives on loopback, so http is allowed there too; an http
 * URL elsewhere is refused rather than fetched.
 */
function documentUrl(id: string): URL | undefined {
	if (!/^https?:\/\//i.test(id)) return undefined;
	let url: URL;
	try {
		url = new URL(id);
	} catch {
		throw new Refusal('invalid_client', 'client_id is not a valid URL');
	}

	if (url.protocol === 'http:' && !loopbackHosts.has(url.hostname)) {
		throw new Refusal('invalid_client', 'client_id metadata document URLs must use https (http only on loopback)');
	}

	if (url.pathname === '/' || url.hash || id.includes('#') || url.username || url.password) {
		throw new Refusal('invalid_client', 'client_id metadata document URLs need a path, and no fragment or credentials');
	}

	return url;
}

function checkDocument(id: string, body: string): AdapterPayload {
	let value: unknown;
	try {
		value = JSON.parse(body);
	} catch {
		throw new Refusal('invalid_client_metadata', 'client_id metadata document is not JSON');
	}

	if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Refusal('invalid_client_metadata', 'client_id metadata document is not a JSON object');
	const document = value as Record<string, unknown>;
	// The document speaks for the URL it is served at, and for no other (MCP 2025-11-25).
	if (document['client_id'] !== id) {
		throw new Refusal('invalid_client_metadata', `client_id metadata document client_id ${JSON.stringify(document['client_id'])} is not its URL ${id}`);
	}

	if ('client_secret' in document || 'client_secret_expires_at' in document) {
		throw new Refusal('invalid_client_metadata', 'client_id metadata document must not contain client_secret or client_secret_expires_at');
	}

	if (typeof document['token_endpoint_auth_method'] === 'string' && sharedSecretMethods.has(document['token_endpoint_auth_method'])) {
		throw new Refusal('invalid_client_metadata', 'client_id metadata document must not use a shared-secret token_endpoint_auth_method');
	}

	// The rest (redirect_uris, grant types, auth method, scope) oidc-provider checks as for any client.
	return document;
}

/**
 * The Client model's fallback (see MemoryAdapterOptions.findClient): fetches the Client ID Metadata
 * Document that a URL client id names, every time it is asked (no cache, so a changed document
 * counts at once), and answers its metadata, or undefined for a client id that is no URL. A refused
 * document is answered with oidc-provider's invalid_client or invalid_client_metadata error, which
 * the authorization endpoint shows on its error page (it cannot redirect to an unknown client).
 */
export function createClientMetadataResolver(options: ClientMetadataResolverOptions): (id: string) => Promise<AdapterPayload | undefined> {
	return async id => {
		let status: number | undefined;
		let body = '';
		try {
			const url = documentUrl(id);
			if (!url) return undefined;
			const response = await fetch(url, {
				headers: {accept: 'application/json'},
				redirect: 'manual',
				signal: AbortSignal.any([options.signal, AbortSignal.timeout(fetchTimeoutMs)]),
			}).catch((error: unknown) => {
				throw new Refusal('invalid_client', `client_id metadata document fetch failed: ${error instanceof Error ? error.message : String(error)}`);
			});
			status = response.status;
			body = await response.text();
			if (status !== 200) throw new Refusal('invalid_client', `client_id metadata document fetch failed: HTTP ${status}`);
			const document = checkDocument(id, body);
			options.onFetch({url: id, status, body, refused: undefined});
			return document;
		} catch (error) {
			const refusal = error instanceof Refusal ? error : new Refusal('invalid_client', `client_id metadata document fetch failed: ${String(error)}`);
			options.log(`client metadata document ${id} refused: ${refusal.message}`);
			options.onFetch({url: id, status, body, refused: refusal.message});
			const {errors} = await import('oidc-provider');
			throw refusal.kind === 'invalid_client' ? new errors.InvalidClient(refusal.message) : new errors.InvalidClientMetadata(refusal.message);
		}
	};
}

/** The document the sandbox serves for its own client id URL: a public native client on loopback. */
export function sandboxClientMetadataDocument(clientId: string, scope: string): Record<string, unknown> {
	return {
		client_id: clientId,
		client_name: 'mcp-auth-wizard (sandbox client metadata document)',
		// RFC 8252 section 7.3: for a native client the AS ignores the loopback port.
		application_type: 'native',
		redirect_uris: [loopbackRedirectUri],
		grant_types: ['authorization_code', 'refresh_token'],
		response_types: ['code'],
		token_endpoint_auth_method: 'none',
		scope,
	};
}
