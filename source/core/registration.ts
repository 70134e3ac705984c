import {type ClientCredentials, type TokenEndpointAuthMethod, isSupportedAuthMethod} from './client.js';
import {deviceCodeGrant, supportsDeviceLogin} from './device.js';
import {WizardError} from './errors.js';
import {parseJsonObject, type HttpClient} from './http.js';
import type {AuthorizationServerMetadata} from './metadata.js';
import {parseScopes, scopeParameter} from './scopes.js';

/** A dynamic client registration request body (RFC 7591 2), as shown to the user and sent. */
export type RegistrationRequest = {
	client_name: string;
	/** Absent for a client that logs in on another device only (RFC 8628). */
	redirect_uris?: string[];
	grant_types: string[];
	response_types: string[];
	token_endpoint_auth_method: string;
	application_type: 'native';
	scope?: string;
	[field: string]: unknown;
};

/** A field whose registered value differs from the requested one (RFC 7591 3.2.1: the answer is what counts). */
export type RegistrationDifference = {
	readonly field: string;
	readonly requested: unknown;
	/** undefined when the answer leaves the field out. */
	readonly registered: unknown;
};

export type RegistrationResult = {
	readonly request: RegistrationRequest;
	/** The exact bytes that were sent. */
	readonly sentBody: string;
	readonly status: number;
	readonly response: Record<string, unknown>;
	readonly client: ClientCredentials;
	readonly differences: readonly RegistrationDifference[];
};

export const defaultClientName = 'mcp-auth-wizard';

/**
 * The body for a CLI (RFC 7591 2, MCP 2025-11-25 Dynamic Client Registration): a public native client with a loopback redirect URI, and the
 * chosen scopes in `scope`: some servers (Fastmail) refuse a registration without it, which is the bug
 * this tool was started for.
 */
export function buildRegistrationRequest(input: {
	readonly metadata: AuthorizationServerMetadata;
	/** The loopback callback; undefined for a client that logs in on another device only (RFC 8628). */
	readonly redirectUri: string | undefined;
	readonly scopes: readonly string[];
	readonly clientName?: string;
	/** Other clients' redirect URIs to register too (export's "logs in by itself" way), after ours. */
	readonly extraRedirectUris?: readonly string[];
}): RegistrationRequest {
	const supported = input.metadata.token_endpoint_auth_methods_supported;
	// "none" unless the server supports only others (then the one it lists first that we speak).
	const authMethod: string = !supported || supported.includes('none') ? 'none' : (supported.find(method => isSupportedAuthMethod(method)) ?? supported[0] ?? 'none');
	const scope = scopeParameter(input.scopes);
	// `scope` second, so that the preview shows it near the top.
	return {
		client_name: input.clientName ?? defaultClientName,
		...(scope === undefined ? {} : {scope}),
		...(input.redirectUri === undefined ? {} : {redirect_uris: [input.redirectUri, ...(input.extraRedirectUris ?? []).filter(uri => uri !== input.redirectUri)]}),
		// The device grant wherever the server offers it (RFC 8628 4), so this client can also log in on another device.
		grant_types: input.redirectUri === undefined ? [deviceCodeGrant, 'refresh_token'] : ['authorization_code', 'refresh_token', ...(supportsDeviceLogin(input.metadata) ? [deviceCodeGrant] : [])],
		// Empty for a device-only client: left out, it would mean ["code"] (RFC 7591 2), and need a redirect URI.
		response_types: input.redirectUri === undefined ? [] : ['code'],
		token_endpoint_auth_method: authMethod,
		application_type: 'native',
	};
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every(item => b.includes(item));

function asList(value: unknown, isScope: boolean): string[] | undefined {
	if (isScope && typeof value === 'string') return parseScopes(value);
	if (Array.isArray(value) && value.every(item => typeof item === 'string')) return value as string[];
	return undefined;
}

/** Every field of the request whose registered value is not the same (order of lists ignored). */
export function registrationDifferences(request: RegistrationRequest, response: Record<string, unknown>): RegistrationDifference[] {
	const differences: RegistrationDifference[] = [];
	for (const [field, requested] of Object.entries(request)) {
		const registered = response[field];
		if (typeof requested === 'string' && field !== 'scope') {
			if (registered !== requested) differences.push({field, requested, registered});
			continue;
		}

		const want = asList(requested, field === 'scope');
		const got = asList(registered, field === 'scope');
		if (want && (!got || !sameSet(want, got))) differences.push({field, requested, registered});
	}

	return differences;
}

/** What to try next for each RFC 7591 3.2.2 error code, and for the server's words about the scope. */
function registrationHint(error: string | undefined, description: string | undefined, scope: string | undefined): string {
	if (/scope/i.test(`${error ?? ''} ${description ?? ''}`)) {
		return scope === undefined
			? 'This server wants a scope in the registration: choose at least one of the scopes it advertises and try again.'
			: `This server refused the scope "${scope}" (see its answer): choose only scopes it advertises and try again.`;
	}

	switch (error) {
		case 'invalid_redirect_uri': {
			return 'The server does not accept the loopback redirect URI: try a fixed port it allows with --callback-port, or ask its operator.';
		}

		case 'invalid_client_metadata': {
			return 'The server refused a field of the registration body: compare it with the server\'s documentation.';
		}

		case 'invalid_software_statement':
		case 'unapproved_software_statement': {
			return 'The server only registers approved software: ask its operator for a client id and pass --client-id.';
		}

		default: {
			return 'The server refused the registration; its answer is above. A pre-registered client (--client-id) avoids registration.';
		}
	}
}

/**
 * Sends a registration request (RFC 7591 3.1) with exactly the body given, and returns what was
 * registered and how it differs from what was asked. An error answer throws with its status and body
 * verbatim. Never retried: a second POST could register a second client.
 */
export async function registerClient(
	http: HttpClient,
	metadata: AuthorizationServerMetadata,
	request: RegistrationRequest,
	options: {readonly signal?: AbortSignal} = {},
): Promise<RegistrationResult> {
	const endpoint = metadata.registration_endpoint;
	if (!endpoint) {
		throw new WizardError('registration', 'The authorization server has no registration endpoint', 'Pass a pre-registered client with --client-id (and --client-secret).');
	}

	const sentBody = JSON.stringify(request);
	const response = await http.request({
		url: endpoint,
		method: 'POST',
		step: 'registration',
		headers: {'content-type': 'application/json', accept: 'application/json'},
		body: sentBody,
		signal: options.signal,
	});
	const answer = {url: endpoint, status: response.status, body: response.body};
	const parsed = parseJsonObject(response);

	// RFC 7591 3.2.1 says 201; 200 is accepted too, as many servers send it.
	if (response.status !== 201 && response.status !== 200) {
		const error = parsed.ok && typeof parsed.value['error'] === 'string' ? parsed.value['error'] : undefined;
		const description = parsed.ok && typeof parsed.value['error_description'] === 'string' ? parsed.value['error_description'] : undefined;
		const words = error ? `: ${error}${description ? ` (${description})` : ''}` : '';
		throw new WizardError('registration', `Registration refused with HTTP ${response.status}${words}`, registrationHint(error, description, request.scope), answer);
	}

	if (!parsed.ok || typeof parsed.value['client_id'] !== 'string') {
		throw new WizardError('registration', `Registration answered ${response.status} but ${parsed.ok ? 'without a client_id' : parsed.problem}`, 'The server\'s registration endpoint is not working as RFC 7591 says; report it to its operator.', answer);
	}

	const registered = parsed.value;
	const registeredMethod = registered['token_endpoint_auth_method'] ?? request.token_endpoint_auth_method;
	const clientSecret = typeof registered['client_secret'] === 'string' ? registered['client_secret'] : undefined;
	const authMethod: TokenEndpointAuthMethod = isSupportedAuthMethod(registeredMethod) ? registeredMethod : clientSecret ? 'client_secret_basic' : 'none';
	return {
		request,
		sentBody,
		status: response.status,
		response: registered,
		client: {clientId: registered['client_id'] as string, clientSecret, authMethod, source: 'registration'},
		differences: registrationDifferences(request, registered),
	};
}

/** The redirect URIs registered for a client: the registration answer's (what counts, RFC 7591 3.2.1), else the request's. */
export function registeredRedirectUris(registration: {readonly request: RegistrationRequest; readonly response: Record<string, unknown>} | undefined): readonly string[] {
	if (!registration) return [];
	const answered = registration.response['redirect_uris'];
	if (Array.isArray(answered) && answered.length > 0 && answered.every(uri => typeof uri === 'string')) return answered as string[];
	return registration.request.redirect_uris ?? [];
}
