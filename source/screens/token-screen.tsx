import {Spinner} from '@inkjs/ui';
import {Box, useInput} from 'ink';
import {Text} from '../components/text.js';
import {Field, McpCheckLine, TokenFields} from '../components/token-fields.js';
import type {ReactNode} from 'react';
import type {McpCheckResult} from '../core/mcp-check.js';
import {type TokenSet, type TokenSummary, summarizeTokens} from '../core/tokens.js';
import {Countdown, clockTime, dateTime} from '../components/countdown.js';
import {ErrorBox, type ErrorInfo} from '../components/error-box.js';
import {printable} from '../core/text.js';
import {type KeyHint, KeyHints} from '../components/key-hints.js';

export type RefreshState =
	| {readonly kind: 'idle'}
	| {readonly kind: 'refreshing'}
	| {readonly kind: 'refreshed'; readonly at: string}
	/** `revoked`: the refresh token is no longer honoured (invalid_grant) and the saved tokens were cleared. */
	| {readonly kind: 'failed'; readonly error: ErrorInfo; readonly revoked?: boolean};

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
	/** `a`, once the refresh token was revoked: log in again. */
	readonly onLogInAgain: () => void;
};

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

function CheckLine({check}: {readonly check: CheckState}) {
	if (check.kind === 'idle') return undefined;
	if (check.kind === 'running') return <Spinner label="Calling the MCP server with the token…"/>;
	return <McpCheckLine result={check.result} />;
}

/** The end of the login: the token (masked), its expiry ticking, the scopes granted, refresh and check. */
export function TokenScreen({serverName, mcpUrl, tokens, requestedScopes, refresh, nextRefreshAt, check, saved, now, onRefresh, onCheck, onLogInAgain}: TokenScreenProps) {
	const revoked = refresh.kind === 'failed' && refresh.revoked === true;
	const canRefresh = tokens.refreshToken !== undefined && !revoked;
	useInput(input => {
		if (input === 'r' && canRefresh && refresh.kind !== 'refreshing') onRefresh();
		else if (input === 'v' && check.kind !== 'running') onCheck();
		else if (input === 'a' && revoked) onLogInAgain();
	});

	const summary = summarizeTokens(tokens, requestedScopes, now?.());
	const refreshHint: KeyHint = revoked ? ['a', 'log in again'] : canRefresh ? ['r', 'refresh now'] : ['', 'no refresh token: log in again to get one'];
	const hints: readonly KeyHint[] = [refreshHint, ['v', 'check with MCP'], ['t', 'trace'], ['q', 'quit']];
	return (
		<Box flexDirection="column">
			<Text bold color="green">
				✓ Logged in to {mcpUrl}
			</Text>
			<Box flexDirection="column" marginTop={1}>
				<TokenFields summary={summary} now={now} />
				<Field label="Refresh token">
					<Text>{canRefresh ? 'yes' : 'no'}</Text>
					{nextRefreshAt ? <Text>refreshes by itself at {dateTime(nextRefreshAt)}</Text> : undefined}
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
