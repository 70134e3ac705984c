import type {Discovery} from '../../source/core/discovery.js';
import type {RegistrationRequest, RegistrationResult} from '../../source/core/registration.js';
import type {TokenSet} from '../../source/core/tokens.js';

/** Fastmail's MCP server as discovered (shared/fixtures/fastmail). */
export const fastmailMcpScope = 'https://www.fastmail.com/dev/mcp';

export const fastmailDiscovery: Discovery = {
	mcpUrl: 'https://api.fastmail.com/mcp',
	resource: 'https://api.fastmail.com/mcp',
	probe: {
		status: 401,
		wwwAuthenticate: 'Bearer resource_metadata="https://api.fastmail.com/.well-known/oauth-protected-resource/mcp"',
		challenge: {scheme: 'bearer', params: {resource_metadata: 'https://api.fastmail.com/.well-known/oauth-protected-resource/mcp'}},
	},
	resourceMetadata: {
		url: 'https://api.fastmail.com/.well-known/oauth-protected-resource/mcp',
		document: {resource: 'https://api.fastmail.com/mcp', authorization_servers: ['https://api.fastmail.com'], scopes_supported: [fastmailMcpScope, 'offline_access']},
	},
	authorizationServer: {
		issuer: 'https://api.fastmail.com',
		url: 'https://api.fastmail.com/.well-known/oauth-authorization-server',
		metadata: {
			issuer: 'https://api.fastmail.com',
			registration_endpoint: 'https://api.fastmail.com/oauth/register',
			authorization_endpoint: 'https://api.fastmail.com/oauth/authorize',
			token_endpoint: 'https://api.fastmail.com/oauth/refresh',
			scopes_supported: ['urn:ietf:params:oauth:scope:mail', 'urn:ietf:params:oauth:scope:contacts', 'urn:ietf:params:oauth:scope:calendars', fastmailMcpScope, 'offline_access'],
			token_endpoint_auth_methods_supported: ['none'],
			code_challenge_methods_supported: ['S256'],
		},
	},
	attempts: [],
	findings: [],
};

export const redirectUri = 'http://127.0.0.1:53682/callback';

export const fastmailRequest: RegistrationRequest = {
	client_name: 'mcp-auth-wizard',
	redirect_uris: [redirectUri],
	grant_types: ['authorization_code', 'refresh_token'],
	response_types: ['code'],
	token_endpoint_auth_method: 'none',
	application_type: 'native',
	scope: `${fastmailMcpScope} offline_access`,
};

export const registrationAccessToken = 'rat-0123456789abcdef0123456789abcdef';

export const fastmailRegistered: RegistrationResult = {
	request: fastmailRequest,
	sentBody: JSON.stringify(fastmailRequest),
	status: 201,
	response: {...fastmailRequest, client_id: 'fm-client-7f3a', scope: fastmailMcpScope, registration_access_token: registrationAccessToken},
	client: {clientId: 'fm-client-7f3a', authMethod: 'none', source: 'registration'},
	differences: [{field: 'scope', requested: `${fastmailMcpScope} offline_access`, registered: fastmailMcpScope}],
};

/** A JWT-looking access token: it must never show whole. */
export const accessToken = `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify({sub: 'alice'})).toString('base64url')}.c2lnbmF0dXJlLXRoYXQtaXMtbG9uZy1lbm91Z2gtdG8tbWFzaw`;

export function fastmailTokens(now: number, overrides: Partial<TokenSet> = {}): TokenSet {
	return {
		accessToken,
		tokenType: 'Bearer',
		refreshToken: 'refresh-0123456789abcdef',
		expiresAt: new Date(now + 3600 * 1000).toISOString(),
		scope: fastmailMcpScope,
		obtainedAt: new Date(now).toISOString(),
		...overrides,
	};
}
