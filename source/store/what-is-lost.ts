import {printableLine} from '../core/text.js';
import type {SavedServer} from './types.js';

/*
 * What the destructive actions on a saved server cost, in words: the details screen asks with them,
 * and so do the subcommands.
 */

/** "a, b and c". */
function listing(items: readonly string[]): string {
	return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** The question a destructive action asks, and exactly what is lost on yes. */
export function confirmationFor(action: 'forget-tokens' | 'forget-registration' | 'remove', server: SavedServer): {readonly question: string; readonly details: readonly string[]} {
	const name = printableLine(server.name);
	const {client, tokens} = server;
	const registered = client?.source === 'registration';
	const clientId = client ? printableLine(client.clientId) : '';
	switch (action) {
		case 'forget-tokens': {
			if (tokens === undefined) return {question: `Forget the tokens of ${name}?`, details: ['No tokens are saved for this server: nothing is deleted.']};
			const what = tokens.refreshToken === undefined ? 'The access token is' : 'The access and refresh tokens are';
			const kept = !client ? 'no client is saved, so a re-authorization registers one.' : registered ? 'the client registration stays, so a re-authorization skips registering.' : `the pre-registered client ${clientId} stays, so a re-authorization uses it again.`;
			return {question: `Forget the tokens of ${name}?`, details: [`${what} deleted from this machine; ${kept}`]};
		}

		case 'forget-registration': {
			if (!client) return {question: `Forget the client registration of ${name}?`, details: ['No client is saved for this server: nothing is deleted.']};
			const withTokens = tokens === undefined ? '' : ' and its tokens';
			if (registered) {
				return {
					question: `Forget the client registration of ${name}?`,
					details: [`The client ${clientId}${withTokens} ${tokens === undefined ? 'is' : 'are'} deleted from this machine; the next login registers a new client.`, 'The authorization server may still list the old client.'],
				};
			}

			const secret = client.privateKey === undefined ? (client.clientSecret === undefined ? '' : ' (and its secret)') : ' (and its private key)';
			return {
				question: `Forget the pre-registered client of ${name}?`,
				details: [`The client id ${clientId}${secret}${withTokens} ${tokens === undefined ? 'is' : 'are'} deleted from this machine; the next login registers a new client, unless it is given --client-id again.`],
			};
		}

		case 'remove': {
			const lost = [
				`its name (${name})`,
				...(client ? [registered ? `the client registration (${clientId})` : `the pre-registered client id (${clientId})`] : []),
				...(tokens === undefined ? [] : ['the tokens']),
				...(server.lastCheck === undefined ? [] : ['the last MCP check']),
				...(server.lastLoginTrace === undefined ? [] : ['the last login\'s trace']),
			];
			return {
				question: `Remove ${name}?`,
				details: [`Everything saved for this server is deleted from this machine: ${listing(lost)}.`, ...(registered ? ['The authorization server may still list the client.'] : [])],
			};
		}
	}
}

