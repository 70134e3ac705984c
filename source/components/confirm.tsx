import {Box} from 'ink';
import {Text} from './text.js';
import type {Binding} from './keymap.js';

export type ConfirmProps = {
	/** The question, e.g. "Forget the tokens of fastmail?". */
	readonly question: string;
	/** What is lost on yes, one paragraph an entry. */
	readonly details: readonly string[];
};

/** The keys of a Confirm: y says yes; n, Esc and Enter say no ([y/N]: no is the default). */
export function confirmKeys(onConfirm: () => void, onCancel: () => void): readonly Binding[] {
	return [
		{key: 'y', label: 'yes', action: onConfirm},
		{key: 'Y', action: onConfirm},
		{key: 'n', shown: 'n / Esc', label: 'no', action: onCancel},
		{key: 'N', action: onCancel},
		{key: 'escape', action: onCancel},
		{key: 'return', action: onCancel},
	];
}

/** A yes/no box for something that cannot be undone: the question, what is lost, and [y/N]; its keys are confirmKeys. */
export function Confirm({question, details}: ConfirmProps) {
	return (
		<Box flexDirection="column" borderStyle="round" borderColor="yellow" paddingX={1}>
			<Text bold>{question}</Text>
			{details.map(line => (
				<Text key={line}>{line}</Text>
			))}
			<Text bold>[y/N]</Text>
		</Box>
	);
}
