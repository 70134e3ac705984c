/**
 * Secrets never appear whole on screen, in logs or in traces: tokens, client secrets, authorization
 * codes, PKCE verifiers. A masked value keeps a few leading characters so that two values can still be
 * told apart, and its length.
 */
export function maskSecret(value: string): string {
	if (value.length === 0) return '';
	const shown = Math.min(6, Math.floor(value.length / 4));
	return `${value.slice(0, shown)}…(${value.length} chars)`;
}

/** A JWT (three base64url parts, its header JSON's "{" as eyJ), a PEM block, or longer than a path plausibly is: a secret pasted where a path goes. */
export function looksLikeSecret(text: string): boolean {
	return /^eyJ[\w-]*\.[\w-]+\.[\w-]*$/.test(text.trim()) || text.includes('-----BEGIN') || text.length > 1024;
}

/** What a field for a file's path shows of what was typed: a pasted secret masked, a path as it is. */
export function maskPastedSecret(text: string): string {
	return looksLikeSecret(text) ? maskSecret(text) : text;
}

/** A value maskSecret made already (a summary's `maskedAccessToken`): masked again it would only say how long the mask is. */
function isMasked(value: string): boolean {
	return /^[^…]{0,6}…\(\d+ chars\)$/.test(value);
}

/**
 * Whether a field, parameter or header name holds a secret, however it is spelled (snake_case,
 * camelCase, kebab-case): OAuth's tokens, codes, verifiers and assertions (RFC 6749, 7591, 7636, 7523,
 * 8628, 8693), passwords, client secrets and API keys. `token_type` or `token_endpoint` are not.
 */
export function isSecretName(name: string): boolean {
	const folded = name.toLowerCase().replaceAll(/[-_]/g, '');
	return folded === 'code' || folded === 'devicecode' || /(token|secret|password|passwd|apikey|privatekey|assertion|verifier|cookie)$/.test(folded);
}

/** A JWT (RFC 7519: three base64url parts, the first a JSON header) or a bearer credential in free text. */
const secretInText = /\beyJ[\w-]+\.[\w-]+\.[\w-]*|\b(Bearer|Basic|DPoP)\s+[\w.~+/-]{8,}=*(?![\w"=.~+/-])/g;

/** Masks what looks like a secret wherever it stands in text: JWTs, bearer credentials, secret=value parameters. */
export function redactText(text: string): string {
	return text
		.replaceAll(secretInText, (match, scheme: string | undefined) => (scheme === undefined ? maskSecret(match) : `${scheme} ${maskSecret(match.slice(scheme.length).trim())}`))
		.replaceAll(/\b([\w-]+)=([^\s"&;,]{6,})/g, (match, name: string, value: string) => (isSecretName(name) && !value.includes('…(') ? `${name}=${maskSecret(value)}` : match));
}

/** Redacts secret values in a JSON value, at any depth: by their field's name, and JWTs wherever they are. */
export function redactJson(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(item => redactJson(item));
	if (value !== null && typeof value === 'object') {
		return Object.fromEntries(
			Object.entries(value).map(([key, item]) => [
				key,
				isSecretName(key) && typeof item === 'string' && !isMasked(item) ? maskSecret(item) : redactJson(item),
			]),
		);
	}

	return typeof value === 'string' ? redactText(value) : value;
}

/** `a=1&b=2` or `a=1;b=2` (some servers separate parameters so): secret values masked, the rest as sent. */
function redactParameterString(parameters: string): string {
	return parameters
		.split(/([&;])/)
		.map(part => {
			if (part === '&' || part === ';') return part;
			const separator = part.indexOf('=');
			if (separator === -1) return part;
			const key = part.slice(0, separator);
			return isSecretName(decodeURIComponentSafe(key)) ? `${key}=${maskSecret(decodeURIComponentSafe(part.slice(separator + 1)))}` : redactText(part);
		})
		.join('');
}

/** Redacts secret parameters in a URL's query and fragment (a callback URL carries the code, an implicit one tokens). */
export function redactUrl(url: string): string {
	const hashStart = url.indexOf('#');
	const beforeHash = hashStart === -1 ? url : url.slice(0, hashStart);
	const queryStart = beforeHash.indexOf('?');
	const base = queryStart === -1 ? beforeHash : `${beforeHash.slice(0, queryStart + 1)}${redactParameterString(beforeHash.slice(queryStart + 1))}`;
	return hashStart === -1 ? base : `${base}#${redactParameterString(url.slice(hashStart + 1))}`;
}

function decodeURIComponentSafe(text: string): string {
	try {
		return decodeURIComponent(text.replaceAll('+', ' '));
	} catch {
		return text;
	}
}

/**
 * Redacts a request or response body by what it holds, whatever its content type says (a token
 * response may come as text/plain, or with none): JSON, form-encoded parameters, or other text.
 */
export function redactBody(body: string): string {
	const trimmed = body.trim();
	if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
		try {
			return JSON.stringify(redactJson(JSON.parse(body)));
		} catch {
			return redactText(body);
		}
	}

	if (/^[\w.%~+-]+=[^\s]*$/.test(trimmed)) return redactParameterString(trimmed);
	return redactText(body);
}

/** Set-Cookie and Cookie: each cookie's value masked, its name and attributes kept. */
function redactCookies(value: string, header: string): string {
	if (header === 'set-cookie') {
		return value
			.split(/,(?=\s*[^;=\s]+=)/)
			.map(cookie => cookie.replace(/^(\s*[^=;]+=)([^;]*)/, (_match, name: string, cookieValue: string) => `${name}${maskSecret(cookieValue)}`))
			.join(',');
	}

	return value.replaceAll(/([^=;\s]+=)([^;]*)/g, (_match, name: string, cookieValue: string) => `${name}${maskSecret(cookieValue)}`);
}

/** Credentials in headers: Authorization (bearer token, Basic client credentials), cookies, API keys, and any header named like a secret. */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
	return Object.fromEntries(
		Object.entries(headers).map(([name, value]) => {
			const header = name.toLowerCase();
			if (header === 'set-cookie' || header === 'cookie') return [name, redactCookies(value, header)];
			if (header === 'authorization' || header === 'proxy-authorization' || header === 'dpop') {
				const [scheme, credentials] = value.split(/\s+/, 2);
				return [name, credentials === undefined ? maskSecret(value) : `${scheme} ${maskSecret(credentials)}`];
			}

			if (isSecretName(header)) return [name, maskSecret(value)];
			return [name, redactText(value)];
		}),
	);
}
