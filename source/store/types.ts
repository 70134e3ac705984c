import type {ClientCredentials} from '../core/client.js';
import type {McpCheckResult} from '../core/mcp-check.js';
import type {AuthorizationServerMetadata} from '../core/metadata.js';
import type {RegistrationRequest} from '../core/registration.js';
import type {TokenSet} from '../core/tokens.js';

/** One MCP server the user logged in to, keyed by its URL. */
export type SavedServer = {
	readonly name: string;
	readonly mcpUrl: string;
	/** The `resource` sent in authorization and token requests (RFC 8707). */
	readonly resource: string;
	readonly issuer: string;
	readonly authorizationServer: AuthorizationServerMetadata;
	readonly client: ClientCredentials;
	readonly registration?: {
		readonly request: RegistrationRequest;
		readonly response: Record<string, unknown>;
		readonly registeredAt: string;
	};
	/** The scopes asked for at the last login. */
	readonly scopes: readonly string[];
	readonly tokens?: TokenSet;
	readonly lastCheck?: {readonly at: string; readonly result: McpCheckResult};
	readonly createdAt: string;
	readonly updatedAt: string;
};

/** The saved-server store, as the commands and screens see it; the conf-backed one is in conf-store.ts. */
export type ServerStore = {
	readonly path: string;
	list(): SavedServer[];
	/** A saved server by name, or by MCP URL. */
	find(nameOrUrl: string): SavedServer | undefined;
	save(server: SavedServer): void;
	remove(mcpUrl: string): boolean;
};
