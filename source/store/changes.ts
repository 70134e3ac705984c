import type {McpCheckResult} from '../core/mcp-check.js';
import {type TokenSet, isRevokedGrant} from '../core/tokens.js';
import type {SavedServer, ServerStore} from './types.js';

/** A change the user asks for on a saved server; `remove` takes the whole entry. */
export type ServerChange = {readonly kind: 'forget-tokens'} | {readonly kind: 'forget-registration'} | {readonly kind: 'remove'} | {readonly kind: 'rename'; readonly name: string};

/** What each change does to a saved server; undefined removes it. Tokens go with their client. */
export function applyChange(server: SavedServer, change: ServerChange, now = new Date().toISOString()): SavedServer | undefined {
	switch (change.kind) {
		case 'forget-tokens': {
			return {...server, tokens: undefined, updatedAt: now};
		}

		case 'forget-registration': {
			return {...server, client: undefined, registration: undefined, tokens: undefined, updatedAt: now};
		}

		case 'rename': {
			return {...server, name: change.name, updatedAt: now};
		}

		case 'remove': {
			return undefined;
		}
	}
}

/**
 * Makes a change the user asked for while no refresh of the same login runs (its lock, see
 * ServerStore.exclusively): a refresh finishing after a rename would save its rotated tokens to a
 * name no longer there, and one finishing after a forget would bring the tokens back.
 */
export async function changeServer(store: ServerStore, name: string, change: ServerChange): Promise<SavedServer | undefined> {
	return store.exclusively(name, async () => store.update(name, current => current && applyChange(current, change)));
}

/** Each change's outcome in one line, for the screens and the subcommands alike. */
export function changeDone(change: ServerChange, name: string): string {
	switch (change.kind) {
		case 'forget-tokens': {
			return `Forgot the tokens of ${name}; its client registration is kept, so a re-authorization logs in without registering.`;
		}

		case 'forget-registration': {
			return `Forgot the client registration and tokens of ${name}; the next login registers a new client. The authorization server may still list the old one.`;
		}

		case 'rename': {
			return `Renamed to ${change.name}.`;
		}

		case 'remove': {
			return `Removed ${name}: its client registration and tokens are forgotten here.`;
		}
	}
}

/** Keeps an MCP check's result with the server as it is on disk now (unless it was removed meanwhile). */
export async function recordCheck(store: ServerStore, name: string, result: McpCheckResult): Promise<SavedServer | undefined> {
	const at = new Date().toISOString();
	return store.update(name, current => current && {...current, lastCheck: {at, result}, updatedAt: at});
}

/** Keeps refreshed tokens with the server as it is on disk now (unless it was removed meanwhile). */
export async function recordTokens(store: ServerStore, name: string, tokens: TokenSet): Promise<SavedServer | undefined> {
	return store.update(name, current => current && {...current, tokens, updatedAt: new Date().toISOString()});
}

/**
 * After a refresh failed: only an `invalid_grant` answer (RFC 6749 5.2: the refresh token is expired or
 * revoked) makes the saved tokens useless, so only then are they cleared and the server needs a login.
 * A network failure or a 5xx keeps them: the next try may work.
 */
export async function recordRefreshFailure(store: ServerStore, name: string, error: unknown): Promise<SavedServer | undefined> {
	if (!isRevokedGrant(error)) return undefined;
	return store.update(name, current => current && {...current, tokens: undefined, updatedAt: new Date().toISOString()});
}
