import {Box, useInput} from 'ink';
import {Text} from './text.js';
import type {KeyHint} from './key-hints.js';

export type ConfirmProps = {
	/** The question, e.g. "Forget the tokens of fastmail?". */
	readonly question: string;
	/** What is lost on yes, one paragraph an entry. */
	readonly details: readonly string[];
	/** `y`. */
	readonly onConfirm: () => void;
	/** `n`, Esc or Enter: no is the default. */
	readonly onCancel: () => void;
	/** Whether it takes the keys; true by default. */
	readonly isActive?: boolean;
};

/** The hints to show under a Confirm. */
export const confirmHints: readonly KeyHint[] = [
	['y', 'yes'],
	['n / Esc', 'no'],
];

/** A yes/no box for something that cannot be undone: the question, what is lost, and [y/N]. */
export function Confirm({question, details, onConfirm, onCancel, isActive = true}: ConfirmProps) {
	useInput(
		(input, key) => {
			if (input === 'y' || input === 'Y') onConfirm();
			// [y/N]: anything that says no, Enter included, keeps everything.
			else if (input === 'n' || input === 'N' || key.escape || key.return) onCancel();
		},
		{isActive},
	);

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
