import {WizardError} from './errors.js';
import {printableLine} from './text.js';

const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]']);

export function isLoopbackHost(hostname: string): boolean {
	return loopbackHosts.has(hostname) || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/**
 * An http(s) URL, or an input error that says what to enter: `new URL` alone throws a bare TypeError,
 * and a URL of another scheme has no origin (its well-known URLs would start with "null").
 */
function httpUrl(input: string | URL): URL {
	let url: URL;
	try {
		url = new URL(input);
	} catch {
		throw new WizardError('input', `"${printableLine(String(input))}" is not a URL`, 'Enter the full MCP server URL, e.g. https://api.example.com/mcp');
	}

	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		throw new WizardError('input', `${url.protocol.slice(0, -1)} URLs are not MCP server URLs`, 'Use an https:// URL (http:// only for localhost).');
	}

	return url;
}

/**
 * Whether a URL may carry OAuth traffic: https, or plain http to this machine only (OAuth 2.1 1.5 and
 * the MCP spec's Communication Security: every authorization-server URL is https but loopback ones).
 */
export function isHttpsOrLoopback(value: string): boolean {
	if (!URL.canParse(value)) return false;
	const url = new URL(value);
	return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
}

/**
 * Checks a URL the user typed for an MCP server: http(s) only, a host, no credentials or fragment, and
 * plain http only for loopback hosts (OAuth 2.1 1.5: every endpoint is https but loopback ones).
 */
export function parseServerUrl(input: string): URL {
	const url = httpUrl(input.trim());
	if (url.hostname === '') {
		throw new WizardError('input', `"${input}" has no host`, 'Enter the full MCP server URL, e.g. https://api.example.com/mcp');
	}

	if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
		throw new WizardError('input', `Plain http is not allowed for ${url.hostname}`, `Use https://${url.host}${url.pathname}; plain http is only for localhost.`);
	}

	if (url.username !== '' || url.password !== '') {
		throw new WizardError('input', 'The URL contains a user name or password', 'Remove the credentials from the URL: the login gets its own token.');
	}

	if (url.hash !== '') {
		throw new WizardError('input', 'The URL contains a fragment (#...)', 'Remove the part from # on: a resource identifier has no fragment (RFC 8707 2).');
	}

	return url;
}

/**
 * The canonical resource identifier of an MCP server (RFC 8707 2, MCP "canonical server URI"):
 * lowercase scheme and host (URL parsing does that), no default port, no fragment, and no trailing
 * slash on an empty path. A trailing slash on a longer path is kept: it is part of the path. So is an
 * empty query's "?" (RFC 3986 6.2.3: "http://example.com/?" is not "http://example.com/").
 */
export function canonicalResource(url: string | URL): string {
	const parsed = httpUrl(url);
	parsed.hash = '';
	const text = parsed.toString();
	return parsed.pathname === '/' && parsed.search === '' && text.endsWith('/') ? text.slice(0, -1) : text;
}

/** The path a well-known URL is built from: none for "/", else without its terminating slash. */
function wellKnownPath(url: URL): string {
	return url.pathname.replace(/\/$/, '');
}

/**
 * Where the protected-resource metadata may be (RFC 9728 3.1), in the order a client tries them:
 * the well-known path inserted between the host and the path and/or query (when the URL has either),
 * then the root.
 */
export function protectedResourceMetadataUrls(resourceUrl: string | URL): string[] {
	const url = httpUrl(resourceUrl);
	const rest = wellKnownPath(url) + url.search;
	const root = `${url.origin}/.well-known/oauth-protected-resource`;
	return rest === '' ? [root] : [`${root}${rest}`, root];
}

/**
 * Where an authorization server's metadata may be, in priority order (RFC 8414 3.1, OpenID Connect
 * Discovery 4, and the MCP spec's order for issuers with a path). An issuer has no query or fragment
 * (RFC 8414 2), so none is carried over.
 */
export function authorizationServerMetadataUrls(issuer: string | URL): string[] {
	const url = httpUrl(issuer);
	const path = wellKnownPath(url);
	if (path === '') {
		return [`${url.origin}/.well-known/oauth-authorization-server`, `${url.origin}/.well-known/openid-configuration`];
	}

	return [
		`${url.origin}/.well-known/oauth-authorization-server${path}`,
		`${url.origin}/.well-known/openid-configuration${path}`,
		`${url.origin}${path}/.well-known/openid-configuration`,
	];
}

/** Whether two URLs name the same resource once canonical; false for anything that is not an http(s) URL. */
export function sameResource(a: string, b: string): boolean {
	try {
		return canonicalResource(a) === canonicalResource(b);
	} catch {
		return false;
	}
}
