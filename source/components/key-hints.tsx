import {Box} from 'ink';
import {Text} from './text.js';

/** One key and what it does, e.g. ['Enter', 'continue']. */
export type KeyHint = readonly [key: string, label: string];

/** The App handles these keys on every screen but the URL screen; screens only show them. */
export const globalHints: readonly KeyHint[] = [
	['Esc', 'back'],
	['t', 'trace'],
	['q', 'quit'],
];

export type KeyHintsProps = {
	/** The keys of the current screen, in the order shown; an empty key shows the label alone. */
	readonly hints: readonly KeyHint[];
};

/** The dim key-hint line at the bottom of every screen: "Enter continue · Esc back · q quit". */
export function KeyHints({hints}: KeyHintsProps) {
	return (
		<Box marginTop={1}>
			<Text dimColor>{hints.map(([key, label]) => (key ? `${key} ${label}` : label)).join(' · ')}</Text>
		</Box>
	);
}
