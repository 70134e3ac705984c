import {Box} from 'ink';
import {Text} from './text.js';
import type {ReactNode} from 'react';
import type {McpCheckResult} from '../core/mcp-check.js';
import {printableLine} from '../core/text.js';
import type {TokenSummary} from '../core/tokens.js';
import {Countdown} from './countdown.js';

const labelWidth = 16;

/** A label and its value(s), the labels in one column. */
export function Field({label, children}: {readonly label: string; readonly children: ReactNode}) {
	return (
		<Box>
			<Box width={labelWidth} flexShrink={0}>
				<Text dimColor>{label}</Text>
			</Box>
			<Box flexDirection="column">{children}</Box>
		</Box>
	);
}

/** Each scope asked, granted (✓) or NOT (✗), and where the answer came from. */
export function GrantedScopes({summary}: {readonly summary: TokenSummary}) {
	const extra = (summary.grantedScopes ?? []).filter(scope => !summary.requestedScopes.includes(scope));
	return (
		<>
			{summary.requestedScopes.length === 0 ? <Text>none requested</Text> : undefined}
			{summary.requestedScopes.map(scope =>
				summary.missingScopes.includes(scope) ? (
					<Text key={scope} color="red">
						✗ {printableLine(scope)} NOT granted
					</Text>
				) : (
					<Text key={scope} color="green">
						✓ {printableLine(scope)} granted
					</Text>
				),
			)}
			{extra.length > 0 ? <Text>+ also granted: {printableLine(extra.join(', '))}</Text> : undefined}
			{summary.grantedFrom === 'unknown' ? <Text dimColor>granted scopes not stated by the server (as requested, RFC 6749 5.1)</Text> : undefined}
			{summary.grantedFrom === 'jwt' ? <Text dimColor>granted scopes read from the access token (the response did not state them)</Text> : undefined}
		</>
	);
}

/** The access token (masked, never whole), its expiry ticking, and the scopes granted. */
export function TokenFields({summary, now}: {readonly summary: TokenSummary; readonly now?: () => number}) {
	return (
		<>
			<Field label="Access token">
				<Text>
					{summary.maskedAccessToken} <Text dimColor>({summary.tokenType}{summary.isJwt ? ', a JWT' : ''})</Text>
				</Text>
			</Field>
			<Field label="Expiry">
				<Countdown expiresAt={summary.expiresAt} now={now} />
			</Field>
			<Field label="Scopes">
				<GrantedScopes summary={summary} />
			</Field>
		</>
	);
}

const shownTools = 8;

/** An MCP check's result: the server and its tools, or what failed, the challenge and what to try. */
export function McpCheckLine({result, prefix = 'MCP check'}: {readonly result: McpCheckResult; readonly prefix?: string}) {
	if (result.ok) {
		const name = printableLine(`${result.serverName || '(unnamed server)'} ${result.serverVersion}`.trim());
		const more = result.toolNames.length > shownTools ? [`… ${result.toolNames.length - shownTools} more`] : [];
		const tools = result.toolNames.length > 0 ? ` (${[...result.toolNames.slice(0, shownTools).map(tool => printableLine(tool)), ...more].join(', ')})` : '';
		return (
			<Text>
				{prefix}: <Text color="green">✓</Text> {name}, {result.toolCount} {result.toolCount === 1 ? 'tool' : 'tools'}
				{tools}
				{result.protocolVersion ? `, protocol ${result.protocolVersion}` : ''}
			</Text>
		);
	}

	return (
		<Box flexDirection="column">
			<Text>
				{prefix}: <Text color="red">✗ failed</Text> {result.status === undefined ? '' : `HTTP ${result.status}: `}
				{printableLine(result.message)}
			</Text>
			{result.challenge ? <Text>WWW-Authenticate: {result.challenge}</Text> : undefined}
			<Text>Try: {result.hint}</Text>
		</Box>
	);
}
