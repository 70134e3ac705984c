/**
 * What the sandbox imitates. The default profile copies Fastmail's MCP server as its metadata was
 * reported (shared/fixtures/fastmail), moved to http://127.0.0.1:PORT; the other profiles configure
 * the same oidc-provider and MCP server differently, one for each shape of MCP authorization a
 * client meets (the discovery paths of the MCP authorization spec, RFC 9728 and RFC 8414).
 */
export const sandboxProfiles = [
	'fastmail',
	'openid-tenant',
	'root-metadata',
	'challenge-only-metadata',
	'legacy-2025-03-26',
	'preregistered',
	'client-metadata-document',
	'step-up',
	'iss-required',
	'device-flow',
	'client-credentials',
	'enterprise',
] as const;

export type SandboxProfile = (typeof sandboxProfiles)[number];

/** Mistakes a real server makes, which a client must notice; any profile can carry any of them. */
export type SandboxFaults = {
	/** The resource metadata names another resource (the MCP URL with a trailing slash). */
	readonly resourceMismatch?: boolean;
	/** The authorization-server metadata names another issuer (the issuer with `localhost` for `127.0.0.1`). */
	readonly issuerMismatch?: boolean;
	/** The authorization-server metadata lists no S256 (code_challenge_methods_supported: ["plain"]). */
	readonly noS256?: boolean;
	/** The metadata promises RFC 9207 `iss`, but the authorization response leaves it out. */
	readonly omitIss?: boolean;
};

export function isSandboxProfile(value: unknown): value is SandboxProfile {
	return typeof value === 'string' && (sandboxProfiles as readonly string[]).includes(value);
}

export const fastmailMcpScope = 'https://www.fastmail.com/dev/mcp';
export const fastmailMailScope = 'urn:ietf:params:oauth:scope:mail';

/** The authorization server's scopes_supported, in Fastmail's order. */
export const fastmailScopes = [
	fastmailMailScope,
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

/** The MCP scope of every profile but fastmail and step-up. */
export const genericMcpScope = 'mcp:tools';

/** The path of the issuer of the openid-tenant profile. */
export const tenantPath = '/tenant1';

/** client-metadata-document: where the sandbox serves its own Client ID Metadata Document. */
export const clientMetadataDocumentPath = '/clients/mcp-auth-wizard.json';

/** challenge-only-metadata: the resource metadata's only location, named by the 401 alone. */
export const challengeOnlyMetadataPath = '/meta/mcp-resource';

/** preregistered: the client id the operator hands out (its secret is new for every sandbox). */
export const preregisteredClientId = 'sandbox-preregistered-client';

/** preregistered and client-metadata-document clients: loopback, any port (RFC 8252 section 7.3). */
export const loopbackRedirectUri = 'http://127.0.0.1/callback';

/** Where the protected-resource metadata (RFC 9728) is served. */
export type ResourceMetadataLocation =
	/** `/.well-known/oauth-protected-resource/mcp` only (RFC 9728 section 3.1). */
	| 'path-aware'
	/** `/.well-known/oauth-protected-resource` only. */
	| 'root'
	/** Only at challengeOnlyMetadataPath, which the 401 names. */
	| 'challenge-only'
	/** Nowhere (MCP 2025-03-26). */
	| 'none';

/** How one profile configures the servers. Paths of the authorization server are below issuerPath. */
export type ProfileDefinition = {
	/** '' or the issuer's path; oidc-provider is mounted there. */
	readonly issuerPath: string;
	/** oidc-provider's `routes`, relative to issuerPath. */
	readonly routes: {readonly authorization: string; readonly token: string; readonly registration: string; readonly jwks: string};
	/** The one authorization-server metadata document served, below issuerPath; the other 404s. */
	readonly authorizationServerMetadata: 'oauth-authorization-server' | 'openid-configuration' | 'none';
	readonly resourceMetadata: ResourceMetadataLocation;
	/** What a 401 to a request without a token carries (RFC 6750 section 3). */
	readonly challenge: {readonly realm?: string; readonly resourceMetadata: boolean; readonly scope: boolean};
	/** oidc-provider's `scopes`, and the metadata's scopes_supported. */
	readonly scopes: readonly string[];
	/** The resource metadata's scopes_supported. */
	readonly resourceScopes: readonly string[];
	/** The scopes an access token for the MCP server can carry. */
	readonly tokenScopes: readonly string[];
	/** The scope every MCP request needs. */
	readonly mcpScope: string;
	/** fastmail: RFC 7591 registration that refuses a body without `scope`; open: plain RFC 7591; none: no endpoint. */
	readonly registration: 'fastmail' | 'open' | 'none';
	/** token_endpoint_auth_methods_supported. */
	readonly clientAuthMethods: readonly string[];
	readonly preregisteredClient: boolean;
	readonly clientMetadataDocuments: boolean;
	/** RFC 6749 section 3.3: the scope the AS grants when a request names none. */
	readonly defaultScope?: string;
	readonly stepUp?: {readonly tool: string; readonly scope: string};
	/** RFC 8628: a device_authorization_endpoint, and the device_code grant at the token endpoint. */
	readonly deviceFlow?: boolean;
	/** The pre-registered client acts as itself: the client_credentials grant only (SEP-1046), no user. */
	readonly clientCredentials?: boolean;
	/**
	 * Enterprise-managed authorization (SEP-990): an identity provider at identityProviderPath, and the
	 * pre-registered client takes the JWT bearer grant (RFC 7523) with the ID-JAGs it issues, nothing else.
	 */
	readonly enterprise?: boolean;
	/** The MCP protocol versions the server speaks (default: all the SDK knows). */
	readonly protocolVersions?: readonly string[];
	readonly serverName: string;
};

const genericRoutes = {authorization: '/oauth2/authorize', token: '/oauth2/token', registration: '/oauth2/register', jwks: '/oauth2/jwks'} as const;

const fastmail: ProfileDefinition = {
	issuerPath: '',
	routes: fastmailPaths,
	authorizationServerMetadata: 'oauth-authorization-server',
	resourceMetadata: 'path-aware',
	challenge: {resourceMetadata: true, scope: false},
	scopes: fastmailScopes,
	resourceScopes: fastmailResourceScopes,
	tokenScopes: fastmailTokenScopes,
	mcpScope: fastmailMcpScope,
	registration: 'fastmail',
	clientAuthMethods: ['none'],
	preregisteredClient: false,
	clientMetadataDocuments: false,
	serverName: sandboxServerInfo.name,
};

/** A plain 2025-11-25 server: RFC 8414 at the origin, registration, scope in the challenge. */
const generic: ProfileDefinition = {
	issuerPath: '',
	routes: genericRoutes,
	authorizationServerMetadata: 'oauth-authorization-server',
	resourceMetadata: 'path-aware',
	challenge: {resourceMetadata: true, scope: true},
	scopes: [genericMcpScope, 'offline_access'],
	resourceScopes: [genericMcpScope],
	tokenScopes: [genericMcpScope],
	mcpScope: genericMcpScope,
	registration: 'open',
	clientAuthMethods: ['none'],
	preregisteredClient: false,
	clientMetadataDocuments: false,
	serverName: 'sandbox',
};

export const profileDefinitions: Readonly<Record<SandboxProfile, ProfileDefinition>> = {
	fastmail,
	'openid-tenant': {
		...generic,
		issuerPath: tenantPath,
		authorizationServerMetadata: 'openid-configuration',
		scopes: ['openid', genericMcpScope, 'offline_access'],
		serverName: 'sandbox-openid-tenant',
	},
	'root-metadata': {
		...generic,
		resourceMetadata: 'root',
		challenge: {realm: 'mcp', resourceMetadata: false, scope: false},
		serverName: 'sandbox-root-metadata',
	},
	'challenge-only-metadata': {...generic, resourceMetadata: 'challenge-only', serverName: 'sandbox-challenge-only-metadata'},
	'legacy-2025-03-26': {
		...generic,
		// MCP 2025-03-26: the client falls back to these at the MCP server's origin.
		routes: {authorization: '/authorize', token: '/token', registration: '/register', jwks: '/jwks'},
		authorizationServerMetadata: 'none',
		resourceMetadata: 'none',
		challenge: {resourceMetadata: false, scope: false},
		defaultScope: genericMcpScope,
		protocolVersions: ['2025-03-26'],
		serverName: 'sandbox-legacy-2025-03-26',
	},
	preregistered: {
		...generic,
		registration: 'none',
		clientAuthMethods: ['client_secret_basic'],
		preregisteredClient: true,
		serverName: 'sandbox-preregistered',
	},
	'client-metadata-document': {
		...generic,
		registration: 'none',
		clientMetadataDocuments: true,
		serverName: 'sandbox-client-metadata-document',
	},
	'step-up': {...fastmail, stepUp: {tool: 'send_email', scope: fastmailMailScope}, serverName: 'sandbox-step-up'},
	'iss-required': {...generic, serverName: 'sandbox-iss-required'},
	// For logins on another device (SSH, containers): RFC 8628 besides the browser login.
	'device-flow': {...generic, deviceFlow: true, serverName: 'sandbox-device-flow'},
	// For scripts, CI and agents (MCP's client credentials extension): a client with a secret, no user.
	'client-credentials': {
		...generic,
		registration: 'none',
		clientAuthMethods: ['client_secret_basic'],
		preregisteredClient: true,
		clientCredentials: true,
		scopes: [genericMcpScope],
		serverName: 'sandbox-client-credentials',
	},
	// For companies whose users log in once at their identity provider (SEP-990, cross-app access): the
	// user's ID token becomes an ID-JAG there, which this AS takes for an access token. No browser.
	enterprise: {
		...generic,
		registration: 'none',
		clientAuthMethods: ['client_secret_basic'],
		preregisteredClient: true,
		enterprise: true,
		scopes: [genericMcpScope],
		serverName: 'sandbox-enterprise',
	},
};

/** device-flow: where the user enters the code (RFC 8628 3.2 verification_uri), and where the client asks for one. */
export const devicePaths = {verification: '/oauth2/device', authorization: '/oauth2/device/auth'} as const;

/** enterprise: where the identity provider (a second oidc-provider) is mounted; its issuer is the origin with this path. */
export const identityProviderPath = '/idp';

/** enterprise: the identity provider's routes, relative to identityProviderPath. */
export const identityProviderRoutes = {authorization: '/auth', token: '/token', jwks: '/jwks'} as const;

/**
 * enterprise: the applications the identity provider knows (public clients: the client_id in the body),
 * each with its client id at the MCP server's authorization server, which its ID-JAGs name. Only the
 * first is registered there; the second stands for another application of the company.
 */
export const enterpriseApps = [
	{idpClientId: 'sandbox-idp-client', clientId: 'sandbox-enterprise-client'},
	{idpClientId: 'sandbox-idp-other-app', clientId: 'sandbox-other-app'},
] as const;

/** enterprise: the user of the ID token the sandbox mints when it starts. */
export const enterpriseDemoUser = 'demo-user@example.com';
