import {Spinner, TextInput} from '@inkjs/ui';
import {Box, Text, useInput} from 'ink';
import type {BrowserLaunch} from '../core/browser.js';
import {Elapsed} from '../components/elapsed.js';
import {ErrorBox, type ErrorInfo} from '../components/error-box.js';
import {type KeyHint, KeyHints, globalHints} from '../components/key-hints.js';

export type LoginPhase =
	| {readonly kind: 'waiting'}
	| {readonly kind: 'pasting'; readonly error?: string}
	| {readonly kind: 'exchanging'}
	| {readonly kind: 'failed'; readonly error: ErrorInfo};

/** What became of opening the browser; undefined while it is being opened. */
export type BrowserState = {readonly kind: 'opened'; readonly launch: BrowserLaunch} | {readonly kind: 'failed'; readonly message: string};

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
	readonly phase: LoginPhase;
	/** `o`: open the browser again. */
	readonly onReopen: () => void;
	/** `p`: open the field to paste the redirect URL. */
	readonly onStartPaste: () => void;
	/** Enter in the field: the URL pasted, trimmed. */
	readonly onPaste: (url: string) => void;
	/** Esc in the field. */
	readonly onCancelPaste: () => void;
	/** Enter or `r` after a failure. */
	readonly onRetry: () => void;
};

function browserLine(browser: BrowserState | undefined): string {
	if (!browser) return 'Opening the browser…';
	if (browser.kind === 'failed') return `Open the URL yourself: ${browser.message}`;
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

function hintsFor(phase: LoginPhase): readonly KeyHint[] {
	switch (phase.kind) {
		case 'waiting': {
			return [['o', 'open browser again'], ['p', 'paste the redirect URL'], ...globalHints];
		}

		case 'pasting': {
			return [['Enter', 'use this URL'], ['Esc', 'cancel']];
		}

		case 'exchanging': {
			return globalHints;
		}

		case 'failed': {
			return [['Enter', 'try again'], ...globalHints];
		}
	}
}

/** The browser login: the URL to open, the wait for the redirect, and the way around a lost redirect. */
export function LoginScreen({redirectUri, authorizationUrl, browser, startedAt, timeoutMs, phase, onReopen, onStartPaste, onPaste, onCancelPaste, onRetry}: LoginScreenProps) {
	useInput((input, key) => {
		if (phase.kind === 'waiting' && input === 'o') onReopen();
		else if (phase.kind === 'waiting' && input === 'p') onStartPaste();
		else if (phase.kind === 'pasting' && key.escape) onCancelPaste();
		else if (phase.kind === 'failed' && (key.return || input === 'r')) onRetry();
	});

	return (
		<Box flexDirection="column">
			<Text bold>Log in with your browser</Text>
			<Box marginTop={1}>
				<Text>
					<Text dimColor>Redirect URI </Text>
					{redirectUri}
				</Text>
			</Box>
			<Text dimColor>Authorization URL:</Text>
			{/* Alone on its lines and never cut, so that it can be copied. */}
			<Text>{authorizationUrl}</Text>
			<Box marginTop={1}>
				<Text color={browser?.kind === 'failed' ? 'yellow' : undefined}>{browserLine(browser)}</Text>
			</Box>
			<Box flexDirection="column" marginTop={1}>
				{phase.kind === 'waiting' ? (
					<Box gap={1}>
						<Spinner label="Waiting for the browser…"/>
						<Elapsed since={startedAt} limitMs={timeoutMs}/>
					</Box>
				) : undefined}
				{phase.kind === 'pasting' ? (
					<>
						<Text>Paste the URL your browser was sent to ({redirectUri}?code=…):</Text>
						<TextInput
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
			</Box>
			<KeyHints hints={hintsFor(phase)}/>
		</Box>
	);
}
