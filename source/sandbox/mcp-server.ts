import {verify, type KeyObject} from 'node:crypto';
import {
	type AuthInfo,
	McpServer,
	OAuthError,
	OAuthErrorCode,
	bearerAuthChallengeResponse,
	createMcpHandler,
	fromJsonSchema,
	requireScopes,
	verifyBearerToken,
} from '@modelcontextprotocol/server';
import {sandboxServerInfo} from './profiles.js';

export type McpEndpointOptions = {
	readonly issuer: string;
	/** The MCP server's URL: its resource identifier and the audience its tokens must carry. */
	readonly resource: string;
	/** Named in every challenge when set (RFC 9728 section 5.1); profiles that leave it out leave it unset. */
	readonly resourceMetadataUrl: string | undefined;
	/** The scope every request needs. */
	readonly mcpScope: string;
	/** What the 401 to a request without a token says besides resource_metadata. */
	readonly challenge: {readonly realm?: string; readonly scope: boolean};
	/** A tool that needs one more scope than the others (MCP 2025-11-25 step-up). */
	readonly stepUp?: {readonly tool: string; readonly scope: string};
	/** Default: every version the SDK speaks. */
	readonly protocolVersions?: readonly string[];
	readonly serverName: string;
	readonly signingKey: {readonly kid: string; readonly publicKey: KeyObject};
	readonly log: (line: string) => void;
};

export type McpEndpoint = {
	readonly handle: (request: Request) => Promise<Response>;
	close(): Promise<void>;
};

const mailboxes = [
	{id: 'inbox', name: 'Inbox', role: 'inbox', unread: 3},
	{id: 'archive', name: 'Archive', role: 'archive', unread: 0},
	{id: 'sent', name: 'Sent', role: 'sent', unread: 0},
];

function invalidToken(message: string): OAuthError {
	return new OAuthError(OAuthErrorCode.InvalidToken, message);
}

function decodeJson(part: string): Record<string, unknown> {
	try {
		const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
		if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
	} catch {}

	throw invalidToken('Token is not a JWT');
}

/**
 * Checks an access token the way a resource server does with RFC 9068 JWT access tokens: signed by
 * this AS's key, typ at+jwt (section 4), issuer and audience (RFC 8707) right. Expiry and scope are
 * checked by the SDK's verifyBearerToken.
 */
function verifyAccessToken(token: string, options: McpEndpointOptions): AuthInfo {
	const [header = '', payload = '', signature = '', ...rest] = token.split('.');
	if (rest.length > 0 || !signature) throw invalidToken('Token is not a JWT');
	const head = decodeJson(header);
	if (head['alg'] !== 'RS256' || head['kid'] !== options.signingKey.kid) throw invalidToken('Token was not signed by this authorization server');
	if (!verify('sha256', Buffer.from(`${header}.${payload}`), options.signingKey.publicKey, Buffer.from(signature, 'base64url'))) {
		throw invalidToken('Token signature is invalid');
	}

	if (String(head['typ']).toLowerCase().replace(/^application\//, '') !== 'at+jwt') throw invalidToken('Token is not an access token');
	const claims = decodeJson(payload);
	if (claims['iss'] !== options.issuer) throw invalidToken('Token was issued by another authorization server');
	const audiences = Array.isArray(claims['aud']) ? claims['aud'] : [claims['aud']];
	if (!audiences.includes(options.resource)) throw invalidToken('Token was not issued for this resource');
	const scope = typeof claims['scope'] === 'string' ? claims['scope'] : '';
	return {
		token,
		clientId: String(claims['client_id']),
		scopes: scope.split(' ').filter(Boolean),
		expiresAt: typeof claims['exp'] === 'number' ? claims['exp'] : undefined,
		resource: new URL(options.resource),
		extra: {sub: claims['sub']},
	};
}

type Email = {readonly to: string; readonly subject?: string};

const emailSchema = fromJsonSchema<Email>({
	type: 'object',
	properties: {to: {type: 'string', description: 'The recipient.'}, subject: {type: 'string'}},
	required: ['to'],
});

function createServer(authInfo: AuthInfo | undefined, options: McpEndpointOptions): McpServer {
	const server = new McpServer(
		{...sandboxServerInfo, name: options.serverName},
		options.protocolVersions ? {supportedProtocolVersions: [...options.protocolVersions]} : undefined,
	);
	server.registerTool('whoami', {description: 'The signed-in user and the scopes of the access token.'}, () => ({
		content: [{type: 'text', text: JSON.stringify({subject: authInfo?.extra?.['sub'], clientId: authInfo?.clientId, scopes: authInfo?.scopes})}],
	}));
	server.registerTool('list_mailboxes', {description: 'The mailboxes of the account (fake data).'}, () => ({
		content: [{type: 'text', text: JSON.stringify(mailboxes)}],
	}));
	const {stepUp} = options;
	if (stepUp) {
		server.registerTool(stepUp.tool, {
			description: `Sends an email (fake: nothing leaves the sandbox). Needs the ${stepUp.scope} scope.`,
			inputSchema: emailSchema,
			// The SDK answers HTTP 403 insufficient_scope with these scopes before the tool runs.
			scopeChallenge: requireScopes(options.mcpScope, stepUp.scope),
		}, (email: Email) => ({
			content: [{type: 'text', text: JSON.stringify({sent: true, to: email.to, subject: email.subject ?? ''})}],
		}));
	}

	return server;
}

function quoted(value: string): string {
	return `"${value.replaceAll(/["\\]/g, character => `\\${character}`)}"`;
}

/** The challenge to a request without credentials: RFC 6750 section 3.1 puts no error code in it. */
function unauthorizedChallenge(options: McpEndpointOptions): string {
	const parameters = [
		options.challenge.realm === undefined ? undefined : `realm=${quoted(options.challenge.realm)}`,
		options.resourceMetadataUrl === undefined ? undefined : `resource_metadata=${quoted(options.resourceMetadataUrl)}`,
		options.challenge.scope ? `scope=${quoted(options.mcpScope)}` : undefined,
	].filter(parameter => parameter !== undefined);
	return parameters.length === 0 ? 'Bearer' : `Bearer ${parameters.join(', ')}`;
}

/** The MCP server at /mcp: a stateless MCP v2 handler behind a bearer-token check (RFC 6750). */
export function createMcpEndpoint(options: McpEndpointOptions): McpEndpoint {
	const handler = createMcpHandler(context => createServer(context.authInfo, options), {
		onerror: error => options.log(`mcp server error: ${error.message}`),
	});
	const verifier = {verifyAccessToken: async (token: string) => verifyAccessToken(token, options)};

	async function handle(request: Request): Promise<Response> {
		const authorization = request.headers.get('authorization');
		if (!authorization) {
			return new Response('Unauthorized', {status: 401, headers: {'WWW-Authenticate': unauthorizedChallenge(options)}});
		}

		let authInfo: AuthInfo;
		try {
			authInfo = await verifyBearerToken(authorization, {verifier, requiredScopes: [options.mcpScope], resourceMetadataUrl: options.resourceMetadataUrl});
		} catch (error) {
			const insufficient = error instanceof OAuthError && error.code === OAuthErrorCode.InsufficientScope;
			// The scope goes into the challenge only on 403 (RFC 6750 section 3.1), as for step-up.
			return bearerAuthChallengeResponse(error, {resourceMetadataUrl: options.resourceMetadataUrl, requiredScopes: insufficient ? [options.mcpScope] : []});
		}

		return handler.fetch(request, {authInfo});
	}

	return {handle, close: async () => handler.close()};
}
