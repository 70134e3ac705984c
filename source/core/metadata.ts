/** Protected-resource metadata (RFC 9728 2); only the fields we read are typed. */
export type ProtectedResourceMetadata = {
	readonly resource: string;
	readonly authorization_servers?: readonly string[];
	readonly scopes_supported?: readonly string[];
	readonly bearer_methods_supported?: readonly string[];
	readonly resource_name?: string;
	readonly [field: string]: unknown;
};

/** Authorization-server metadata (RFC 8414 2, OpenID Connect Discovery 3). */
export type AuthorizationServerMetadata = {
	readonly issuer: string;
	readonly authorization_endpoint?: string;
	readonly token_endpoint?: string;
	readonly registration_endpoint?: string;
	/** RFC 8628 4. */
	readonly device_authorization_endpoint?: string;
	readonly scopes_supported?: readonly string[];
	readonly response_types_supported?: readonly string[];
	readonly grant_types_supported?: readonly string[];
	readonly code_challenge_methods_supported?: readonly string[];
	readonly token_endpoint_auth_methods_supported?: readonly string[];
	readonly token_endpoint_auth_signing_alg_values_supported?: readonly string[];
	readonly authorization_response_iss_parameter_supported?: boolean;
	readonly client_id_metadata_document_supported?: boolean;
	readonly [field: string]: unknown;
};

const isStringArray = (value: unknown): value is string[] => Array.isArray(value) && value.every(item => typeof item === 'string');

/** The fields whose type is wrong, so that a bad document is reported field by field. */
export function protectedResourceTypeProblems(document: Record<string, unknown>): string[] {
	const problems: string[] = [];
	if (typeof document['resource'] !== 'string') problems.push('`resource` is missing or not a string');
	if (document['authorization_servers'] !== undefined && !isStringArray(document['authorization_servers'])) problems.push('`authorization_servers` is not a list of strings');
	if (document['scopes_supported'] !== undefined && !isStringArray(document['scopes_supported'])) problems.push('`scopes_supported` is not a list of strings');
	return problems;
}

export function authorizationServerTypeProblems(document: Record<string, unknown>): string[] {
	const problems: string[] = [];
	if (typeof document['issuer'] !== 'string') problems.push('`issuer` is missing or not a string');
	for (const field of ['authorization_endpoint', 'token_endpoint', 'registration_endpoint', 'device_authorization_endpoint']) {
		if (document[field] !== undefined && typeof document[field] !== 'string') problems.push(`\`${field}\` is not a string`);
	}

	for (const field of ['scopes_supported', 'code_challenge_methods_supported', 'token_endpoint_auth_methods_supported', 'grant_types_supported', 'response_types_supported']) {
		if (document[field] !== undefined && !isStringArray(document[field])) problems.push(`\`${field}\` is not a list of strings`);
	}

	return problems;
}
