import {Box} from 'ink';
import {Text} from './text.js';

/** One key and what it does, e.g. ['Enter', 'continue']. */
export type KeyHint = readonly [key: string, label: string];

export type KeyHintsProps = {
	/** The keys of the current screen, in the order shown; an empty key shows the label alone. */
	readonly hints: readonly KeyHint[];
};

/** The dim key-hint line at the bottom of every screen: "Enter continue · Esc back · q quit" (see KeyLine). */
export function KeyHints({hints}: KeyHintsProps) {
	return (
		<Box marginTop={1}>
			<Text dimColor>{hints.map(([key, label]) => (key ? `${key} ${label}` : label)).join(' · ')}</Text>
		</Box>
	);
}
