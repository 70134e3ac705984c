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

/** Field and parameter names whose values are secrets (RFC 6749, 7591, 7636). */
const secretNames = new Set([
	'access_token',
	'refresh_token',
	'id_token',
	'client_secret',
	'code',
	'code_verifier',
	'registration_access_token',
	'device_code',
	'assertion',
	'client_assertion',
	'subject_token',
	'password',
	// Our own objects (stored servers, results) spell them in camelCase.
	'accesstoken',
	'refreshtoken',
	'clientsecret',
	'codeverifier',
	'idtoken',
]);

export function isSecretName(name: string): boolean {
	return secretNames.has(name.toLowerCase());
}

/** Redacts secret values in a JSON value, at any depth. */
export function redactJson(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(item => redactJson(item));
	if (value !== null && typeof value === 'object') {
		return Object.fromEntries(
			Object.entries(value).map(([key, item]) => [
				key,
				isSecretName(key) && typeof item === 'string' ? maskSecret(item) : redactJson(item),
			]),
		);
	}

	return value;
}

function redactParameters(parameters: URLSearchParams): URLSearchParams {
	const redacted = new URLSearchParams();
	for (const [key, value] of parameters) redacted.append(key, isSecretName(key) ? maskSecret(value) : value);
	return redacted;
}

/** Redacts secret query parameters (a callback URL carries the authorization code); the rest stays as sent. */
export function redactUrl(url: string): string {
	const queryStart = url.indexOf('?');
	if (queryStart === -1) return url;
	const hashStart = url.indexOf('#', queryStart);
	const query = url.slice(queryStart + 1, hashStart === -1 ? undefined : hashStart);
	const redacted = query
		.split('&')
		.map(part => {
			const [key = '', value] = part.split('=', 2);
			return value !== undefined && isSecretName(decodeURIComponentSafe(key)) ? `${key}=${maskSecret(decodeURIComponentSafe(value))}` : part;
		})
		.join('&');
	return `${url.slice(0, queryStart + 1)}${redacted}${hashStart === -1 ? '' : url.slice(hashStart)}`;
}

function decodeURIComponentSafe(text: string): string {
	try {
		return decodeURIComponent(text.replaceAll('+', ' '));
	} catch {
		return text;
	}
}

/** Redacts a request or response body by its content type: JSON, form-encoded, or left as it is. */
export function redactBody(body: string, contentType: string | undefined): string {
	const type = (contentType ?? '').toLowerCase();
	if (type.includes('json')) {
		try {
			return JSON.stringify(redactJson(JSON.parse(body)));
		} catch {
			return body;
		}
	}

	if (type.includes('application/x-www-form-urlencoded')) {
		return redactParameters(new URLSearchParams(body)).toString();
	}

	return body;
}

/** Authorization headers carry a bearer token or Basic client credentials. */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
	return Object.fromEntries(
		Object.entries(headers).map(([name, value]) => {
			if (name.toLowerCase() !== 'authorization' && name.toLowerCase() !== 'dpop') return [name, value];
			const [scheme, credentials] = value.split(/\s+/, 2);
			return [name, credentials === undefined ? maskSecret(value) : `${scheme} ${maskSecret(credentials)}`];
		}),
	);
}
