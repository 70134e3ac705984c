import {Box} from 'ink';
import {Text} from '../components/text.js';
import SelectInput from 'ink-select-input';
import {type Binding, KeyLine, useKeymap, useSharedKeys} from '../components/keymap.js';
import type {WayChoice} from '../core/client-way.js';
import {printable} from '../core/text.js';

/** A way the server supports, as the picker offers it. */
export type ClientWayItem = {readonly way: WayChoice; readonly label: string; readonly why: string};

export type ClientWayScreenProps = {
	/** The ways this authorization server supports, best first. */
	readonly items: readonly ClientWayItem[];
	/** The way in use now. */
	readonly current?: WayChoice;
	/** Enter on a way. */
	readonly onPick: (way: ClientWayItem['way']) => void;
};

/** Lets the user pick another of the ways to a client id that the server supports (MCP 2025-11-25, Client Registration Approaches). */
export function ClientWayScreen({items, current, onPick}: ClientWayScreenProps) {
	const keymap: readonly Binding[] = [{key: 'return', shown: 'Enter', label: 'use this way'}, ...useSharedKeys()];
	useKeymap(keymap);
	return (
		<Box flexDirection="column">
			<Text bold>How should this login get its client id?</Text>
			<Box marginTop={1}>
				<SelectInput items={items.map(item => ({key: item.way, value: item.way, label: printable(`${item.label}${item.way === current ? ' (now)' : ''}: ${item.why}`)}))} onSelect={item => onPick(item.value)} />
			</Box>
			<KeyLine bindings={keymap} />
		</Box>
	);
}
