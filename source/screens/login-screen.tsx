import {Spinner} from '@inkjs/ui';
import {Box} from 'ink';
import {Text} from '../components/text.js';
import {useClock} from '../components/countdown.js';
import {Elapsed, clockDuration} from '../components/elapsed.js';
import {ErrorBox} from '../components/error-box.js';
import {MaskedUrlInput} from '../components/masked-url-input.js';
import {clipboardNote} from '../components/clipboard.js';
import {formatDuration} from '../core/text.js';
import type {BrowserState, LoginPhase, StrayCallbacks} from '../wizard/login-state.js';

/** The phases the screen shows: the authorization URL exists. */
export type ShownLoginPhase = Exclude<LoginPhase, {readonly kind: 'starting'}>;
import {type Binding, KeyLine, useKeymap, useSharedKeys} from '../components/keymap.js';

export type LoginScreenProps = {
	/** The loopback redirect URI the browser comes back to. */
	readonly redirectUri: string;
	/** The whole authorization URL, shown in full so it can be copied. */
	readonly authorizationUrl: string;
	/** Whether a browser was opened. */
	readonly browser?: BrowserState;
	/** When the wait for the browser started (epoch ms). */
	readonly startedAt: number;
	/** How long the callback is waited for. */
	readonly timeoutMs: number;
	/** Where the login is. */
	readonly phase: ShownLoginPhase;
	/** Requests to the redirect URI that were refused while the wait went on. */
	readonly strays?: StrayCallbacks;
	/** `o`: open the browser again. */
	readonly onReopen: () => void;
	/** `y`: the URL to the clipboard. */
	readonly onCopy?: () => void;
	/** y was pressed: the terminal was asked to put the URL on the clipboard. */
	readonly copied?: boolean;
	/** `p`: open the field to paste the redirect URL. */
	readonly onStartPaste: () => void;
	/** Enter in the field: the URL pasted, trimmed. */
	readonly onPaste: (url: string) => void;
	/** Esc in the field. */
	readonly onCancelPaste: () => void;
	/** Enter or `r` after a failure or the timeout. */
	readonly onRetry: () => void;
	/** `d`: log in on another device with a code instead (RFC 8628); absent where the server offers no such login. */
	readonly onDeviceLogin?: () => void;
};

function strayLine({count, last}: StrayCallbacks): string {
	return `Refused ${count === 1 ? 'a request' : `${count} requests`} to the redirect URI that ${count === 1 ? 'was' : 'were'} not this login's (an old tab?): ${last}.`;
}

function browserLine(browser: BrowserState | undefined, deviceLogin: boolean): string {
	if (!browser) return 'Opening the browser…';
	if (browser.kind === 'failed') {
		const device = deviceLogin ? ' Or press d for a code to enter on another device.' : '';
		return `No browser opened here: ${browser.message}. Open the URL above on any device; if that browser cannot reach this machine, press p and paste the address it ends on.${device}`;
	}

	switch (browser.launch.method) {
		case 'open': {
			return 'Browser opened: log in there.';
		}

		case 'BROWSER': {
			return `Opened with BROWSER=${browser.launch.command ?? ''}: log in there.`;
		}

		case 'none': {
			return '--no-open: open the URL yourself.';
		}
	}
}

/** The keys of each phase; the paste field takes every other key while it is open. */
function useLoginKeys(props: LoginScreenProps): readonly Binding[] {
	const {phase} = props;
	const shared = useSharedKeys(phase.kind === 'pasting' ? 'none' : 'all');
	const device: Binding = {key: 'd', label: 'code for another device', when: props.onDeviceLogin !== undefined, action: props.onDeviceLogin};
	switch (phase.kind) {
		case 'waiting': {
			return [{key: 'o', label: 'open browser again', action: props.onReopen}, {key: 'y', label: 'copy the URL', when: props.onCopy !== undefined, action: props.onCopy}, {key: 'p', label: 'paste the redirect URL', action: props.onStartPaste}, device, ...shared];
		}

		case 'pasting': {
			return [{key: 'return', shown: 'Enter', label: 'use this URL'}, {key: 'escape', shown: 'Esc', label: 'cancel', action: props.onCancelPaste}];
		}

		case 'exchanging': {
			return shared;
		}

		case 'failed':
		case 'timed-out': {
			return [{key: 'return', shown: 'Enter', label: phase.kind === 'failed' ? 'try again' : 'log in again', action: props.onRetry}, {key: 'r', action: props.onRetry}, device, ...shared];
		}
	}
}

/** The wait, on one clock: how long so far, and what to do when the browser tab was closed or lost. */
function Waiting({startedAt, timeoutMs}: {readonly startedAt: number; readonly timeoutMs: number}) {
	const now = useClock();
	// Rounded up, as countdowns are: with the elapsed time (rounded down) it makes the whole.
	const left = Math.ceil((startedAt + timeoutMs - now) / 1000) * 1000;
	return (
		<>
			<Box gap={1}>
				{/* No spinner: this wait may last minutes, and the clock beside it already moves once a second. */}
				<Text>Waiting for the browser…</Text>
				<Elapsed since={startedAt} limitMs={timeoutMs} now={() => now}/>
			</Box>
			<Text dimColor>
				{`Closed the browser, or lost the page? o opens the login page again; p takes the address the browser ended on; Esc goes back. Otherwise the wait ends in ${clockDuration(left)} and nothing is saved.`}
			</Text>
		</>
	);
}

/** The wait is over and no callback came: nothing was saved, and how to go on. */
function TimedOut({timeoutMs, redirectUri, strays}: {readonly timeoutMs: number; readonly redirectUri: string; readonly strays?: StrayCallbacks}) {
	return (
		<ErrorBox
			title="The browser never came back"
			message={`No login callback reached ${redirectUri} within ${formatDuration(timeoutMs / 1000)}: the browser tab was closed, or the login was not finished there. Nothing was saved.${strays ? ` ${strayLine(strays)}` : ''}`}
			hint="Enter logs in again, on a new login page. If the browser cannot reach this machine, press p on that page and paste the address the browser ends on."
		/>
	);
}

/** The browser login: the URL to open, the wait for the redirect, and the way around a lost redirect. */
export function LoginScreen(props: LoginScreenProps) {
	const {redirectUri, authorizationUrl, browser, startedAt, timeoutMs, phase, strays, onPaste} = props;
	const keymap = useLoginKeys(props);
	useKeymap(keymap);

	return (
		<Box flexDirection="column">
			<Text bold>Log in with your browser</Text>
			<Box marginTop={1}>
				<Text>
					<Text dimColor>Redirect URI </Text>
					{redirectUri}
				</Text>
			</Box>
			{/* The frame shows it on one row; whole, it is printed above (the frame's lines would cut it). */}
			<Text dimColor>Authorization URL (printed whole above this screen, to copy; y copies it):</Text>
			<Text wrap="truncate-middle">{authorizationUrl}</Text>
			{props.copied ? <Text dimColor>{clipboardNote}</Text> : undefined}
			<Box marginTop={1}>
				<Text color={browser?.kind === 'failed' ? 'yellow' : undefined}>{browserLine(browser, props.onDeviceLogin !== undefined)}</Text>
			</Box>
			{strays && (phase.kind === 'waiting' || phase.kind === 'pasting') ? <Text color="yellow">{`${strayLine(strays)} Still waiting for this one.`}</Text> : undefined}
			<Box flexDirection="column" marginTop={1}>
				{phase.kind === 'waiting' ? <Waiting startedAt={startedAt} timeoutMs={timeoutMs}/> : undefined}
				{phase.kind === 'pasting' ? (
					<>
						<Text>Paste the URL your browser was sent to ({redirectUri}?code=…):</Text>
						<MaskedUrlInput
							placeholder={`${redirectUri}?code=…`}
							onSubmit={url => {
								onPaste(url.trim());
							}}
						/>
						{phase.error ? <Text color="red">{phase.error}</Text> : undefined}
					</>
				) : undefined}
				{phase.kind === 'exchanging' ? <Spinner label="Redeeming the code…"/> : undefined}
				{phase.kind === 'failed' ? <ErrorBox title="Login failed" {...phase.error}/> : undefined}
				{phase.kind === 'timed-out' ? <TimedOut timeoutMs={timeoutMs} redirectUri={redirectUri} strays={strays}/> : undefined}
			</Box>
			<KeyLine bindings={keymap}/>
		</Box>
	);
}
