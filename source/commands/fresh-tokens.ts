import {formatDuration} from '../core/text.js';
import {summarizeTokens} from '../core/tokens.js';
import {type KeepOptions, type TokenKeeperEvent, keepFresh, requireTokens, withFreshToken as keeperWithFreshToken} from '../store/token-keeper.js';
import {logInAgainCommand} from '../store/status.js';
import type {SavedServer, ServerStore} from '../store/types.js';
import type {CommandContext} from './context.js';

export {requireTokens} from '../store/token-keeper.js';

/** What the token keeper did, as lines on stderr. */
function noteEvents(context: CommandContext, server: SavedServer): (event: TokenKeeperEvent) => void {
	return event => {
		switch (event.type) {
			case 'refreshing': {
				if (event.why !== 'asked for') context.output.note(`${event.why}: refreshing it first.`);
				context.output.note(`Refreshing at ${event.tokenEndpoint}`);
				break;
			}

			case 'refreshed':
			case 'refreshed-elsewhere': {
				const {expiresInSeconds} = summarizeTokens(event.tokens, server.scopes);
				const valid = expiresInSeconds === undefined ? '' : `: valid for ${formatDuration(expiresInSeconds, {withSeconds: false})}`;
				context.output.note(event.type === 'refreshed' ? `Refreshed${valid}.` : `Refreshed by another process meanwhile${valid}; using its tokens.`);
				break;
			}

			case 'cannot-refresh': {
				context.output.note(`${event.why}, and there is no refresh token: log in again with ${logInAgainCommand(server)}`);
				break;
			}
		}
	};
}

function keeperOptions(context: CommandContext, server: SavedServer, extra: Pick<KeepOptions, 'force' | 'rejected'> = {}): KeepOptions {
	return {http: context.http, signal: context.signal, onEvent: noteEvents(context, server), ...extra};
}

/** Refreshes the saved tokens now (the refresh command); the server as saved afterwards. */
export async function refreshSaved(context: CommandContext, store: ServerStore, server: SavedServer): Promise<SavedServer> {
	return (await keepFresh(store, server, keeperOptions(context, server, {force: true}))).server;
}

/**
 * The saved server with an access token to use now (see keepFresh), what was done said on stderr;
 * `rejected`: the MCP server has just refused the one it holds (HTTP 401).
 */
export async function usableServer(context: CommandContext, store: ServerStore, server: SavedServer, rejected = false): Promise<{server: SavedServer; refreshed: boolean}> {
	return keepFresh(store, server, keeperOptions(context, server, {rejected}));
}

/** Runs `use` with a fresh access token, and once more after a refresh on a 401 (see the keeper). */
export async function withFreshToken<T extends {readonly ok: boolean; readonly status?: number}>(context: CommandContext, store: ServerStore, server: SavedServer, use: (server: SavedServer) => Promise<T>): Promise<{result: T; server: SavedServer; refreshed: boolean}> {
	requireTokens(server);
	let calls = 0;
	return keeperWithFreshToken(store, server, keeperOptions(context, server), async current => {
		if (calls++ > 0) context.output.note('Trying again.');
		return use(current);
	});
}
