import {hasBrowserLogin} from '../core/enterprise.js';
import {formatDuration, shellQuote} from '../core/text.js';
import {summarizeTokens} from '../core/tokens.js';
import type {SavedServer} from './types.js';

export type ServerStatus =
	| {readonly kind: 'valid'; readonly secondsLeft?: number}
	/** `byGrant`: a client acting as itself, which gets a new token by its grant, not a refresh token. */
	| {readonly kind: 'expired-refreshable'; readonly byGrant?: true}
	| {readonly kind: 'needs-login'; readonly why: string}
	| {readonly kind: 'check-failed'; readonly message: string};

/** Whether a new access token can be had without a login: a refresh token, or a client acting as itself (its grant again). */
export function renewable(server: SavedServer): boolean {
	return server.client !== undefined && (server.tokens?.refreshToken !== undefined || server.grant === 'client_credentials');
}

/**
 * The command that logs in to a saved server again. An enterprise login (jwt-bearer) needs a new ID
 * token (it is never kept, and an ID-JAG cannot be had without one): reauthorize gets one by a login at
 * the identity provider's issuer in the browser, with the saved client; else only a new `login
 * --enterprise` helps.
 */
export function logInAgainCommand(server: SavedServer): string {
	if (server.grant !== 'jwt-bearer' || reauthorizesEnterprise(server)) return `mcp-auth-wizard reauthorize ${server.name}`;
	return enterpriseLoginCommand(server, server.identityProvider === undefined || !hasBrowserLogin(server.identityProvider));
}

/** Whether reauthorize (and the proxy) log an enterprise login in again by themselves: a browser login at its identity provider's issuer, with the saved client. */
export function reauthorizesEnterprise(server: SavedServer): server is SavedServer & {readonly identityProvider: {readonly issuer: string}; readonly client: NonNullable<SavedServer['client']>} {
	return server.identityProvider !== undefined && hasBrowserLogin(server.identityProvider) && server.client !== undefined;
}

/** The `login --enterprise` command of a saved enterprise login; `withIdTokenFile`: a new ID token's file (else a browser login at the issuer gets one). */
export function enterpriseLoginCommand(server: SavedServer, withIdTokenFile: boolean): string {
	const idp = server.identityProvider;
	const words = [
		'mcp-auth-wizard', 'login', server.mcpUrl, '--name', server.name, '--enterprise',
		...(idp?.issuer === undefined ? ['--idp-token-endpoint', idp?.tokenEndpoint ?? ''] : ['--idp-issuer', idp.issuer]),
		'--idp-client-id', idp?.clientId ?? '', '--client-id', server.client?.clientId ?? '<id>', '--client-secret', '-',
	];
	const command = words.map(word => shellQuote(word)).join(' ');
	return withIdTokenFile ? `${command} --id-token <file of a new ID token>` : command;
}

/** What renewing the tokens takes where it is not the usual refresh (or the client's own grant again): an enterprise login. */
export function renewalNote(server: SavedServer): string | undefined {
	if (server.grant !== 'jwt-bearer') return undefined;
	const newIdToken = server.identityProvider && hasBrowserLogin(server.identityProvider) ? 'a new ID token, by a login at the identity provider in the browser' : 'a new ID token from the identity provider';
	if (server.tokens?.refreshToken !== undefined) return `with its refresh token; once that is refused, only ${newIdToken} helps: ${logInAgainCommand(server)}`;
	return `not by itself: the token came from an ID-JAG, and another one needs ${newIdToken}: ${logInAgainCommand(server)}`;
}

/**
 * A saved server's state as the list shows it, at `now`: a failed MCP check counts only if it came
 * after the tokens it checked were obtained.
 */
export function serverStatus(server: SavedServer, now: number = Date.now()): ServerStatus {
	const {tokens} = server;
	if (!tokens) return {kind: 'needs-login', why: 'no tokens'};
	const summary = summarizeTokens(tokens, server.scopes, now);
	if (summary.expired) {
		if (!renewable(server)) return {kind: 'needs-login', why: 'expired'};
		return tokens.refreshToken === undefined ? {kind: 'expired-refreshable', byGrant: true} : {kind: 'expired-refreshable'};
	}

	const check = server.lastCheck;
	if (check && !check.result.ok && Date.parse(check.at) >= Date.parse(tokens.obtainedAt)) {
		return {kind: 'check-failed', message: check.result.status === undefined ? check.result.message : `HTTP ${check.result.status}`};
	}

	return {kind: 'valid', secondsLeft: summary.expiresInSeconds};
}

export function statusLabel(status: ServerStatus): string {
	switch (status.kind) {
		case 'valid': {
			if (status.secondsLeft === undefined) return 'valid (no expiry given)';
			return status.secondsLeft < 60 ? `expires in ${formatDuration(status.secondsLeft, {withSeconds: false})}` : `valid for ${formatDuration(status.secondsLeft, {withSeconds: false})}`;
		}

		case 'expired-refreshable': {
			return status.byGrant ? 'expired, renews by its grant' : 'expired, refresh token available';
		}

		case 'needs-login': {
			return status.why === 'expired' ? 'expired, needs login' : 'needs login';
		}

		case 'check-failed': {
			return `last check failed (${status.message})`;
		}
	}
}
