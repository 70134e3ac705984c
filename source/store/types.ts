import type {ClientCredentials} from '../core/client.js';
import type {Exchange} from '../core/http.js';
import type {McpCheckResult} from '../core/mcp-check.js';
import type {AuthorizationServerMetadata} from '../core/metadata.js';
import type {RegistrationRequest} from '../core/registration.js';
import type {IdentityProvider} from '../core/enterprise.js';
import type {LoginGrant, TokenSet} from '../core/tokens.js';

/** One login to an MCP server, keyed by its name: a URL may hold several (accounts). */
export type SavedServer = {
	readonly name: string;
	readonly mcpUrl: string;
	/** The `resource` sent in authorization and token requests (RFC 8707). */
	readonly resource: string;
	readonly issuer: string;
	readonly authorizationServer: AuthorizationServerMetadata;
	/** Absent once the user forgot the registration: the next login registers a new client. */
	readonly client?: ClientCredentials;
	readonly registration?: {
		readonly request: RegistrationRequest;
		readonly response: Record<string, unknown>;
		readonly registeredAt: string;
	};
	/** The scopes asked for at the last login. */
	readonly scopes: readonly string[];
	/**
	 * How tokens are had: a login of a user (code, or a device code; absent), the client acting as itself
	 * (client credentials, SEP-1046), or an ID-JAG from an identity provider (jwt-bearer, SEP-990).
	 */
	readonly grant?: LoginGrant;
	/** jwt-bearer: the identity provider the ID-JAG came from, to say how to log in again. Never the ID token. */
	readonly identityProvider?: IdentityProvider;
	readonly tokens?: TokenSet;
	readonly lastCheck?: {readonly at: string; readonly result: McpCheckResult};
	/** The HTTP exchanges of the last login, secrets already masked (for the details view). */
	readonly lastLoginTrace?: readonly Exchange[];
	readonly createdAt: string;
	readonly updatedAt: string;
};

/** The saved-server store, as the commands and screens see it; the conf-backed one is in conf-store.ts. */
export type ServerStore = {
	readonly path: string;
	/**
	 * What the user must be told about the store as it was opened: a file moved aside, permissions
	 * tightened, a newer format read-only... one line each, with what to do. An update that finds the
	 * file unreadable moves it aside and adds a line here too.
	 */
	readonly notices: readonly string[];
	/** The servers on disk now (the last ones read if the file has turned unreadable), by name. */
	list(): SavedServer[];
	/** A saved server by name, or by MCP URL when that URL has one login (undefined when it has several). */
	find(nameOrUrl: string): SavedServer | undefined;
	/**
	 * Read-modify-write of one server under an inter-process lock: `change` gets the server as it is on
	 * disk NOW (another process may have saved since we opened the store) and returns the new value, or
	 * undefined to remove it; a new value under another name renames it (refused when that name is taken).
	 * Resolves with the new value. Rejects with a WizardError('store') when the
	 * file cannot be written (permissions, a newer format, a lock held too long); nothing saved is lost.
	 */
	update(name: string, change: (current: SavedServer | undefined) => SavedServer | undefined): Promise<SavedServer | undefined>;
	/** Saves `server` under its name, replacing the one saved there. */
	save(server: SavedServer): Promise<void>;
	/**
	 * Runs `body` while no other process (or call) runs one for the same server: one refresh of its
	 * tokens at a time, since a rotated refresh token used twice loses the grant (RFC 9700 4.14.2).
	 */
	exclusively<T>(name: string, body: () => Promise<T>): Promise<T>;
	/**
	 * Runs a login of `name` (the browser, for as long as it takes) while no other process runs one:
	 * several proxies of one server open one browser between them, the others wait and take its tokens.
	 */
	loggingIn<T>(name: string, body: () => Promise<T>): Promise<T>;
};
