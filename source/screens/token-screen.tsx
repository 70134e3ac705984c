import {Spinner} from '@inkjs/ui';
import {Box} from 'ink';
import {Text} from '../components/text.js';
import {Field, McpCheckLine, TokenFields} from '../components/token-fields.js';
import {type TokenSet, summarizeTokens} from '../core/tokens.js';
import {clockTime, dateTime} from '../components/countdown.js';
import {ErrorBox} from '../components/error-box.js';
import {type Binding, KeyLine, useKeymap, useSharedKeys} from '../components/keymap.js';
import {ToolCallPanel} from './tool-call-panel.js';
import type {CheckState, RefreshState, SaveState, ToolCallState} from '../wizard/token-state.js';

export type TokenScreenProps = {
	/** The MCP server logged in to. */
	readonly mcpUrl: string;
	/** The current tokens; shown masked, never whole. */
	readonly tokens: TokenSet;
	/** The grant that made them: a browser login, one on another device, the client acting as itself, or an ID-JAG. */
	readonly grant: 'authorization_code' | 'device_code' | 'client_credentials' | 'jwt-bearer';
	/** The scopes the login asked for. */
	readonly requestedScopes: readonly string[];
	/** The last refresh. */
	readonly refresh: RefreshState;
	/** ISO time of the next automatic refresh, if one is planned. */
	readonly nextRefreshAt?: string;
	/** The MCP check. */
	readonly check: CheckState;
	/** Whether the tokens were saved; undefined while saving. */
	readonly saved?: SaveState;
	/** The clock, for tests; Date.now by default. */
	readonly now?: () => number;
	/** `r`: refresh now (only offered with a refresh token). */
	readonly onRefresh: () => void;
	/** `v`: call the MCP server with the token. */
	readonly onCheck: () => void;
	/** `a`, once the refresh token was revoked: log in again. */
	readonly onLogInAgain: () => void;
	/** A tool call from this screen: picking, running, or its result. */
	readonly call?: ToolCallState;
	/** `c` (after a passed check) and the tool-call panel's keys; without them no tool call is offered. */
	readonly onToolCall?: ToolCallHandlers;
};

export type ToolCallHandlers = {
	/** `c`: pick a tool. */
	readonly open: () => void;
	/** Enter on a tool in the list. */
	readonly pick: (tool: string) => void;
	/** Esc: close the panel (a call under way is abandoned). */
	readonly close: () => void;
	/** Enter on the step-up offer: log in again with the scopes the server asked for. */
	readonly stepUp: () => void;
};

/** The keys of the screen, and of its tool-call panel while one is open (the tool list takes ↑↓ and Enter). */
function useTokenKeys(props: TokenScreenProps): readonly Binding[] {
	const {tokens, refresh, check, call, onToolCall} = props;
	const shared = useSharedKeys(call === undefined ? 'all' : 'letters');
	if (call && onToolCall) {
		const close = {key: 'escape', shown: 'Esc', action: onToolCall.close};
		switch (call.kind) {
			case 'picking': {
				return [{key: 'return', shown: 'Enter', label: 'call'}, {...close, label: 'cancel'}];
			}

			case 'listing':
			case 'running': {
				return [{...close, label: 'cancel'}, ...shared];
			}

			case 'done': {
				const stepUp = call.stepUpScopes === undefined ? [] : [{key: 'return', shown: 'Enter', label: `log in again with: ${call.stepUpScopes.join(' ')}`, action: onToolCall.stepUp}];
				return [...stepUp, {key: 'c', label: 'call another tool', action: onToolCall.open}, {...close, label: stepUp.length > 0 ? 'not now' : 'close'}, ...shared];
			}
		}
	}

	const revoked = refresh.kind === 'failed' && refresh.revoked === true;
	const itself = props.grant === 'client_credentials';
	const canRefresh = (tokens.refreshToken !== undefined || itself) && !revoked;
	return [
		{key: 'r', label: itself ? 'get a new token' : 'refresh now', when: canRefresh, action: refresh.kind === 'refreshing' ? undefined : props.onRefresh},
		{key: '', label: props.grant === 'jwt-bearer' ? 'no refresh token: a new ID token logs in again' : 'no refresh token: log in again to get one', when: tokens.refreshToken === undefined && !itself},
		{key: 'a', label: 'log in again', when: revoked, action: props.onLogInAgain},
		// Once the refresh token was refused the saved tokens are gone: nothing to check with.
		{key: 'v', label: 'check with MCP', when: !revoked, action: check.kind === 'running' ? undefined : props.onCheck},
		// The tools are listed first where no check has yet.
		{key: 'c', label: 'call a tool with this token', when: onToolCall !== undefined && !revoked, action: check.kind === 'running' ? undefined : onToolCall?.open},
		...shared,
	];
}

function RefreshLine({refresh, itself}: {readonly refresh: RefreshState; readonly itself: boolean}) {
	switch (refresh.kind) {
		case 'idle': {
			return undefined;
		}

		case 'refreshing': {
			return <Spinner label={itself ? 'Getting a new token…' : 'Refreshing…'}/>;
		}

		case 'refreshed': {
			return <Text color="green">✓ {itself ? 'a new token at' : 'refreshed at'} {clockTime(refresh.at)}</Text>;
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

/** Which grant made the token, in a few words (RFC 6749 4.1 with PKCE, RFC 8628, RFC 6749 4.4). */
const grantLabels: Readonly<Record<TokenScreenProps['grant'], string>> = {
	authorization_code: 'authorization code with PKCE (your browser login)',
	device_code: 'device code (RFC 8628: a login on another device)',
	client_credentials: 'client credentials: the client acting as itself, no user',
	'jwt-bearer': 'an ID-JAG from your identity provider (enterprise-managed)',
};

/** The end of the login: the token (masked), its expiry ticking, the scopes granted, refresh and check. */
export function TokenScreen(props: TokenScreenProps) {
	const {mcpUrl, tokens, grant, requestedScopes, refresh, nextRefreshAt, check, saved, now, call, onToolCall} = props;
	const revoked = refresh.kind === 'failed' && refresh.revoked === true;
	const canRefresh = tokens.refreshToken !== undefined && !revoked;
	const itself = grant === 'client_credentials';
	const keymap = useTokenKeys(props);
	useKeymap(keymap);

	const summary = summarizeTokens(tokens, requestedScopes, now?.());
	return (
		<Box flexDirection="column">
			<Text bold color="green">
				✓ Logged in to {mcpUrl}
			</Text>
			{/* A tool call takes the room of the token's fields (back with Esc): at 80x24 both do not fit. */}
			{call && onToolCall ? undefined : (
				<Box flexDirection="column" marginTop={1}>
					<Field label="Grant">
						<Text>{grantLabels[grant]}</Text>
					</Field>
					<TokenFields summary={summary} now={now} />
					<Field label="Refresh token">
						<Text>{canRefresh ? 'yes' : itself ? 'none needed: a new token by the same grant' : 'no'}</Text>
						{nextRefreshAt ? <Text>{itself ? 'a new one by itself at' : 'refreshes by itself at'} {dateTime(nextRefreshAt)}</Text> : undefined}
						<RefreshLine refresh={refresh} itself={itself}/>
					</Field>
				</Box>
			)}
			<Box flexDirection="column" marginTop={1}>
				<CheckLine check={check}/>
				{saved?.kind === 'saved' ? (
					<Text>
						Saved as {saved.name} in {saved.path}
					</Text>
				) : saved?.kind === 'failed' ? (
					<Text color="red">Not saved: {saved.message}</Text>
				) : undefined}
			</Box>
			{call && onToolCall ? <ToolCallPanel call={call} onPick={onToolCall.pick} /> : undefined}
			<KeyLine bindings={keymap}/>
		</Box>
	);
}
