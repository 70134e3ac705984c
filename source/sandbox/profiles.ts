/**
 * What the sandbox imitates: Fastmail's MCP server as its metadata was reported
 * (shared/fixtures/fastmail), moved to http://127.0.0.1:PORT.
 */
export const fastmailMcpScope = 'https://www.fastmail.com/dev/mcp';

/** The authorization server's scopes_supported, in Fastmail's order. */
export const fastmailScopes = [
	'urn:ietf:params:oauth:scope:mail',
	'urn:ietf:params:oauth:scope:contacts',
	'urn:ietf:params:oauth:scope:calendars',
	fastmailMcpScope,
	'offline_access',
] as const;

/** The protected resource's scopes_supported. */
export const fastmailResourceScopes = [fastmailMcpScope, 'offline_access'] as const;

/** The scopes an access token for the MCP server can carry (offline_access is for the AS only). */
export const fastmailTokenScopes = fastmailScopes.filter(scope => scope !== 'offline_access');

export const fastmailPaths = {
	mcp: '/mcp',
	registration: '/oauth/register',
	authorization: '/oauth/authorize',
	// Fastmail's token endpoint really is called "refresh"; it serves both grants.
	token: '/oauth/refresh',
	jwks: '/oauth/jwks',
} as const;

/** Fastmail's answer to a registration without `scope`, byte for byte (registration-error-no-scope.json). */
export const fastmailNoScopeError = '{"error_description":"invalid_request no scope","error":"invalid_request"}';

export const sandboxServerInfo = {name: 'sandbox-fastmail', version: '1.0.0'} as const;
