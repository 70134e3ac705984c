import {Box} from 'ink';
import {Text} from '../components/text.js';
import {useClock} from '../components/countdown.js';
import {clockDuration} from '../components/elapsed.js';
import {ErrorBox} from '../components/error-box.js';
import {clipboardNote} from '../components/clipboard.js';
import {type Binding, KeyLine, useKeymap, useSharedKeys} from '../components/keymap.js';
import type {ErrorInfo} from '../core/errors.js';
import type {DeviceCode} from '../core/device.js';
import type {BrowserState} from '../wizard/login-state.js';

export type DeviceLoginScreenProps = {
	/** The address and code the server gave (RFC 8628 3.2). */
	readonly code: DeviceCode;
	/** Whether the address was opened in a browser here too. */
	readonly browser?: BrowserState;
	/** When the code was shown (epoch ms). */
	readonly startedAt: number;
	readonly failure?: ErrorInfo;
	/** y was pressed: the terminal was asked to put the address on the clipboard. */
	readonly copied?: boolean;
	/** `o`: open the address in a browser here again. */
	readonly onReopen: () => void;
	/** `y`: the address to the clipboard. */
	readonly onCopy: () => void;
	/** `b`: log in with a browser on this machine instead. */
	readonly onBrowserLogin: () => void;
	/** Enter or `r` after a failure: a new code. */
	readonly onRetry: () => void;
};

function browserLine(browser: BrowserState | undefined): string {
	if (!browser) return 'Opening the address here too…';
	if (browser.kind === 'failed') return `No browser here (${browser.message}): open the address on any device.`;
	return browser.launch.method === 'none' ? '--no-open: open the address yourself, on any device.' : 'Opened here too: log in there, or on any other device.';
}

/** The wait for the approval, on one clock: how long so far, when the code expires, how often the server is asked. */
function Waiting({code, startedAt}: {readonly code: DeviceCode; readonly startedAt: number}) {
	const now = useClock();
	const left = Math.max(0, Math.ceil((Date.parse(code.expiresAt) - now) / 1000) * 1000);
	return <Text>{`Waiting for the approval… ${clockDuration(now - startedAt)} · the code expires in ${clockDuration(left)} · asking every ${code.intervalMs / 1000} s`}</Text>;
}

/** A login on another device: where to go, the code to enter there, and the wait for the approval. */
export function DeviceLoginScreen(props: DeviceLoginScreenProps) {
	const {code, browser, startedAt, failure} = props;
	const shared = useSharedKeys();
	const keymap: readonly Binding[] = failure
		? [{key: 'return', shown: 'Enter', label: 'new code', action: props.onRetry}, {key: 'r', action: props.onRetry}, {key: 'b', label: 'log in with a browser here', action: props.onBrowserLogin}, ...shared]
		: [{key: 'o', label: 'open again', action: props.onReopen}, {key: 'y', label: 'copy the address', action: props.onCopy}, {key: 'b', label: 'log in with a browser here', action: props.onBrowserLogin}, ...shared];
	useKeymap(keymap);

	return (
		<Box flexDirection="column">
			<Text bold>Log in on another device (RFC 8628)</Text>
			<Box marginTop={1} flexDirection="column">
				<Text dimColor>On any device, open</Text>
				<Text wrap="truncate-middle">{`  ${code.verificationUri}`}</Text>
				<Text>
					<Text dimColor>and enter the code </Text>
					<Text bold>{code.userCode}</Text>
				</Text>
				{code.verificationUriComplete === undefined ? undefined : <Text dimColor>Or open the address with the code, printed above (y copies it).</Text>}
				{props.copied ? <Text dimColor>{clipboardNote}</Text> : undefined}
			</Box>
			<Box marginTop={1}>
				<Text color={browser?.kind === 'failed' ? 'yellow' : undefined}>{browserLine(browser)}</Text>
			</Box>
			<Box marginTop={1} flexDirection="column">
				{failure ? <ErrorBox title="Login failed" {...failure}/> : <Waiting code={code} startedAt={startedAt}/>}
			</Box>
			<KeyLine bindings={keymap}/>
		</Box>
	);
}
