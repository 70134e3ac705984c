import type {Discovery} from '../core/discovery.js';
import type {McpCheckResult} from '../core/mcp-check.js';
import {redactJson} from '../core/redact.js';
import type {TokenSummary} from '../core/tokens.js';
import type {SavedServer} from '../store/types.js';
import {formatDuration} from '../core/text.js';

export function discoveryLines(discovery: Discovery): string[] {
	const lines = [`MCP server: ${discovery.mcpUrl}`, `Resource:   ${discovery.resource}`, '', 'Requests:'];
	for (const attempt of discovery.attempts) {
		const status = attempt.status === undefined ? '' : ` ${attempt.status}`;
		lines.push(`  ${attempt.outcome.padEnd(9)}${status.padEnd(4)} ${String(attempt.ms).padStart(5)} ms  ${attempt.url}${attempt.note ? `  (${attempt.note})` : ''}`);
	}

	if (discovery.probe.wwwAuthenticate) lines.push('', `Challenge: WWW-Authenticate: ${discovery.probe.wwwAuthenticate}`);
	const as = discovery.authorizationServer;
	if (as) {
		const m = as.metadata;
		lines.push(
			'',
			`Authorization server: ${as.issuer}`,
			`  authorization_endpoint: ${m.authorization_endpoint ?? '-'}`,
			`  token_endpoint:         ${m.token_endpoint ?? '-'}`,
			`  registration_endpoint:  ${m.registration_endpoint ?? '-'}`,
			`  PKCE methods:           ${m.code_challenge_methods_supported?.join(', ') ?? '-'}`,
			`  token auth methods:     ${m.token_endpoint_auth_methods_supported?.join(', ') ?? '-'}`,
		);
	}

	for (const finding of discovery.findings) {
		lines.push('', `${finding.level === 'error' ? 'Error' : 'Warning'}: ${finding.message}`, `  ${finding.hint}`);
	}

	return lines;
}

export function summaryLines(summary: TokenSummary): string[] {
	const lines = [
		`  access token:  ${summary.maskedAccessToken} (${summary.tokenType}${summary.isJwt ? ', JWT' : ''})`,
		`  expires:       ${summary.expiresAt === undefined ? 'not said' : `${summary.expiresAt} (${summary.expired ? 'expired' : `in ${formatDuration(summary.expiresInSeconds ?? 0, {withSeconds: false})}`})`}`,
		`  requested:     ${summary.requestedScopes.join(' ') || '(no scope)'}`,
		`  granted:       ${summary.grantedScopes === undefined ? 'not said (as requested, RFC 6749 5.1)' : summary.grantedScopes.join(' ') || '(none)'}${summary.grantedFrom === 'jwt' ? ' (from the JWT)' : ''}`,
		`  refresh token: ${summary.hasRefreshToken ? 'yes' : 'no'}`,
	];
	if (summary.missingScopes.length > 0) lines.push(`  NOT granted:   ${summary.missingScopes.join(' ')}`);
	return lines;
}

export function checkLines(result: McpCheckResult): string[] {
	if (result.ok) {
		return [`MCP check: ${result.serverName} ${result.serverVersion}, ${result.toolCount} tool${result.toolCount === 1 ? '' : 's'}${result.toolNames.length > 0 ? ` (${result.toolNames.join(', ')})` : ''}`];
	}

	return [`MCP check failed${result.status === undefined ? '' : ` (HTTP ${result.status})`}: ${result.message}`, ...(result.challenge ? [`  WWW-Authenticate: ${result.challenge}`] : []), `  Try: ${result.hint}`];
}

/** status --show-token: the access token whole, last and on a line of its own (for `tail -n 1`). */
export function shownTokenLines(accessToken: string, mcpUrl: string): string[] {
	return [`Access token, whole (a secret: anyone who has it can use ${mcpUrl} as you until it expires):`, accessToken];
}

/** A saved server as --json shows it: secrets masked. */
export function publicServer(server: SavedServer): unknown {
	return redactJson(server);
}
