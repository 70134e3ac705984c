import {formatDuration} from '../core/text.js';
import {summarizeTokens} from '../core/tokens.js';
import type {SavedServer} from './types.js';

export type ServerStatus =
	| {readonly kind: 'valid'; readonly secondsLeft?: number}
	| {readonly kind: 'expired-refreshable'}
	| {readonly kind: 'needs-login'; readonly why: string}
	| {readonly kind: 'check-failed'; readonly message: string};

/** Whether a new access token can be had without a login: a refresh token, or a client acting as itself (its grant again). */
export function renewable(server: SavedServer): boolean {
	return server.client !== undefined && (server.tokens?.refreshToken !== undefined || server.grant === 'client_credentials');
}

/**
 * A saved server's state as the list shows it, at `now`: a failed MCP check counts only if it came
 * after the tokens it checked were obtained.
 */
export function serverStatus(server: SavedServer, now: number = Date.now()): ServerStatus {
	const {tokens} = server;
	if (!tokens) return {kind: 'needs-login', why: 'no tokens'};
	const summary = summarizeTokens(tokens, server.scopes, now);
	if (summary.expired) return renewable(server) ? {kind: 'expired-refreshable'} : {kind: 'needs-login', why: 'expired'};
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
			return 'expired, refresh token available';
		}

		case 'needs-login': {
			return status.why === 'expired' ? 'expired, needs login' : 'needs login';
		}

		case 'check-failed': {
			return `last check failed (${status.message})`;
		}
	}
}
