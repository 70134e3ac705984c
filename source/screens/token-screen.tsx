import {Spinner} from '@inkjs/ui';
import {Box, Text, useInput} from 'ink';
import type {ReactNode} from 'react';
import type {McpCheckResult} from '../core/mcp-check.js';
import {type TokenSet, type TokenSummary, summarizeTokens} from '../core/tokens.js';
import {Countdown, clockTime} from '../components/countdown.js';
import {ErrorBox, type ErrorInfo} from '../components/error-box.js';
import {printable} from '../core/text.js';
import {type KeyHint, KeyHints} from '../components/key-hints.js';

export type RefreshState =
	| {readonly kind: 'idle'}
	| {readonly kind: 'refreshing'}
	| {readonly kind: 'refreshed'; readonly at: string}
	| {readonly kind: 'failed'; readonly error: ErrorInfo};

export type CheckState = {readonly kind: 'idle'} | {readonly kind: 'running'} | {readonly kind: 'done'; readonly result: McpCheckResult};

/** Whether the login was stored. */
export type SavedState = {readonly kind: 'saved'; readonly path: string} | {readonly kind: 'failed'; readonly message: string};

export type TokenScreenProps = {
	/** The name the server is saved under. */
	readonly serverName: string;
	/** The MCP server logged in to. */
	readonly mcpUrl: string;
	/** The current tokens; shown masked, never whole. */
	readonly tokens: TokenSet;
	/** The scopes the login asked for. */
	readonly requestedScopes: readonly string[];
	/** The last refresh. */
	readonly refresh: RefreshState;
	/** ISO time of the next automatic refresh, if one is planned. */
	readonly nextRefreshAt?: string;
	/** The MCP check. */
	readonly check: CheckState;
	/** Whether the tokens were saved; undefined while saving. */
	readonly saved?: SavedState;
	/** The clock, for tests; Date.now by default. */
	readonly now?: () => number;
	/** `r`: refresh now (only offered with a refresh token). */
	readonly onRefresh: () => void;
	/** `v`: call the MCP server with the token. */
	readonly onCheck: () => void;
};

const labelWidth = 15;

function Field({label, children}: {readonly label: string; readonly children: ReactNode}) {
	return (
		<Box>
			<Box width={labelWidth} flexShrink={0}>
				<Text dimColor>{label}</Text>
			</Box>
			<Box flexDirection="column">{children}</Box>
		</Box>
	);
}

function Scopes({summary}: {readonly summary: TokenSummary}) {
	const extra = (summary.grantedScopes ?? []).filter(scope => !summary.requestedScopes.includes(scope));
	return (
		<>
			{summary.requestedScopes.length === 0 ? <Text>none requested</Text> : undefined}
			{summary.requestedScopes.map(scope =>
				summary.missingScopes.includes(scope) ? (
					<Text key={scope} color="red">
						✗ {scope} NOT granted
					</Text>
				) : (
					<Text key={scope} color="green">
						✓ {scope} granted
					</Text>
				),
			)}
			{extra.length > 0 ? <Text>+ also granted: {extra.join(', ')}</Text> : undefined}
			{summary.grantedFrom === 'unknown' ? <Text dimColor>granted scopes not stated by the server (as requested, RFC 6749 5.1)</Text> : undefined}
			{summary.grantedFrom === 'jwt' ? <Text dimColor>granted scopes read from the access token (the response did not state them)</Text> : undefined}
		</>
	);
}

function RefreshLine({refresh}: {readonly refresh: RefreshState}) {
	switch (refresh.kind) {
		case 'idle': {
			return undefined;
		}

		case 'refreshing': {
			return <Spinner label="Refreshing…"/>;
		}

		case 'refreshed': {
			return <Text color="green">✓ refreshed at {clockTime(refresh.at)}</Text>;
		}

		case 'failed': {
			return <ErrorBox title="Refresh failed" {...refresh.error}/>;
		}
	}
}

const shownTools = 8;

function CheckLine({check}: {readonly check: CheckState}) {
	if (check.kind === 'idle') return undefined;
	if (check.kind === 'running') return <Spinner label="Calling the MCP server with the token…"/>;
	const {result} = check;
	if (result.ok) {
		const name = printable(`${result.serverName || '(unnamed server)'} ${result.serverVersion}`.trim());
		const more = result.toolNames.length > shownTools ? [`… ${result.toolNames.length - shownTools} more`] : [];
		const tools = result.toolNames.length > 0 ? ` (${[...result.toolNames.slice(0, shownTools).map(tool => printable(tool)), ...more].join(', ')})` : '';
		return (
			<Text color="green">
				MCP check: {name}, {result.toolCount} {result.toolCount === 1 ? 'tool' : 'tools'}
				{tools}
				{result.protocolVersion ? `, protocol ${result.protocolVersion}` : ''}
			</Text>
		);
	}

	return (
		<Box flexDirection="column">
			<Text color="red">
				MCP check failed: {result.status === undefined ? '' : `HTTP ${result.status}, `}
				{result.message}
			</Text>
			{result.challenge ? <Text>WWW-Authenticate: {printable(result.challenge)}</Text> : undefined}
			<Text>Try: {result.hint}</Text>
		</Box>
	);
}

/** The end of the login: the token (masked), its expiry ticking, the scopes granted, refresh and check. */
export function TokenScreen({serverName, mcpUrl, tokens, requestedScopes, refresh, nextRefreshAt, check, saved, now, onRefresh, onCheck}: TokenScreenProps) {
	const canRefresh = tokens.refreshToken !== undefined;
	useInput(input => {
		if (input === 'r' && canRefresh && refresh.kind !== 'refreshing') onRefresh();
		else if (input === 'v' && check.kind !== 'running') onCheck();
	});

	const summary = summarizeTokens(tokens, requestedScopes, now?.());
	const hints: readonly KeyHint[] = [canRefresh ? ['r', 'refresh now'] : ['', 'no refresh token: log in again to get one'], ['v', 'check with MCP'], ['t', 'trace'], ['q', 'quit']];
	return (
		<Box flexDirection="column">
			<Text bold color="green">
				✓ Logged in to {mcpUrl}
			</Text>
			<Box flexDirection="column" marginTop={1}>
				<Field label="Access token">
					<Text>
						{summary.maskedAccessToken} <Text dimColor>({summary.tokenType}{summary.isJwt ? ', a JWT' : ''})</Text>
					</Text>
				</Field>
				<Field label="Expiry">
					<Countdown expiresAt={summary.expiresAt} now={now}/>
				</Field>
				<Field label="Scopes">
					<Scopes summary={summary}/>
				</Field>
				<Field label="Refresh token">
					<Text>{canRefresh ? 'yes' : 'no'}</Text>
					{nextRefreshAt ? <Text>refreshes by itself at {clockTime(nextRefreshAt)}</Text> : undefined}
					<RefreshLine refresh={refresh}/>
				</Field>
			</Box>
			<Box flexDirection="column" marginTop={1}>
				<CheckLine check={check}/>
				{saved?.kind === 'saved' ? (
					<Text>
						Saved as {serverName} in {saved.path}
					</Text>
				) : saved?.kind === 'failed' ? (
					<Text color="red">Not saved: {saved.message}</Text>
				) : undefined}
			</Box>
			<KeyHints hints={hints}/>
		</Box>
	);
}
