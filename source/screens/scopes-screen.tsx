import {MultiSelect, TextInput} from '@inkjs/ui';
import {Box} from 'ink';
import {Text} from '../components/text.js';
import {useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState} from 'react';
import {type ScopeOption, type ScopeSource, scopeParameter, scopeTokenProblem} from '../core/scopes.js';
import {printable} from '../core/text.js';
import {type Binding, KeyLine, useKeymap, useSharedKeys} from '../components/keymap.js';
import {useColumns} from '../components/columns.js';

export type ScopesScreenProps = {
	/** Every scope to offer, the ones the user added included (source 'user'). */
	readonly options: readonly ScopeOption[];
	/** The scopes selected when the screen (or a new option) appears; keep it in sync with onChange. */
	readonly selected: readonly string[];
	/** Why the preselection is what it is. */
	readonly reason: string;
	/** The "Add a scope" field is open: it takes every key, Esc included. */
	readonly adding: boolean;
	/** The selection after each toggle, in the order of the options. */
	readonly onChange: (selected: string[]) => void;
	/** `a`: open the "Add a scope" field. */
	readonly onStartAdding: () => void;
	/** A scope typed in the field, trimmed, never empty. */
	readonly onAdd: (scope: string) => void;
	/** Esc in the field. */
	readonly onCancelAdding: () => void;
	/** Enter: the selection, in the order of the options. */
	readonly onSubmit: (selected: string[]) => void;
	/** What Enter goes on to; a registration preview unless the server registers no clients. */
	readonly next?: string;
};

const sourceWords: Record<Exclude<ScopeSource, 'user'>, string> = {
	challenge: '401 challenge',
	'resource-metadata': 'resource metadata',
	'authorization-server': 'authorization server',
};

/** "from resource metadata, authorization server", or "added by you". */
function origin(sources: readonly ScopeSource[]): string {
	const advertised = sources.flatMap(source => (source === 'user' ? [] : [sourceWords[source]]));
	return [...(advertised.length > 0 ? [`from ${advertised.join(', ')}`] : []), ...(sources.includes('user') ? ['added by you'] : [])].join(', ');
}

const visibleScopes = 10;

/** A label cut to `room` characters, with … where it was cut. */
function oneRow(label: string, room: number): string {
	const chars = [...label];
	return chars.length <= room ? label : `${chars.slice(0, Math.max(0, room - 1)).join('')}…`;
}

type ChooserProps = Pick<ScopesScreenProps, 'options' | 'selected' | 'onChange' | 'onSubmit'> & {readonly isDisabled: boolean};

/**
 * The list and the live `scope` value. Mounted again (by key) when the options change, so that a new
 * scope shows selected; the selection lives here so the scope line follows every toggle.
 */
function ScopeChooser({options, selected, isDisabled, onChange, onSubmit}: ChooserProps) {
	const width = Math.max(...options.map(option => printable(option.scope).length));
	// MultiSelect draws its labels itself, between its pointer and its ✔: a scope is a server's string,
	// made printable here, and each label one row of the terminal (an item it wraps is left behind).
	const room = useColumns() - 4;
	const items = useMemo(() => options.map(option => ({value: option.scope, label: oneRow(`${printable(option.scope).padEnd(width)}   ${origin(option.sources)}`, room)})), [options, width, room]);
	// The order of the options, so that the scope line does not depend on the order of the toggles.
	const inOrder = (value: readonly string[]) => [...options.map(option => option.scope).filter(scope => value.includes(scope)), ...value.filter(scope => !options.some(option => option.scope === scope))];
	const [current, setCurrent] = useState(() => inOrder(selected));

	// MultiSelect calls onChange again whenever it gets a new function or options: one function for
	// the mount, and only changes reported, so that a parent that re-renders on onChange cannot loop.
	const latest = useRef({onChange, inOrder, reported: current.join(' ')});
	useLayoutEffect(() => {
		latest.current = {...latest.current, onChange, inOrder};
	});
	const handleChange = useCallback((value: string[]) => {
		const ordered = latest.current.inOrder(value);
		setCurrent(ordered);
		if (ordered.join(' ') === latest.current.reported) return;
		latest.current.reported = ordered.join(' ');
		latest.current.onChange(ordered);
	}, []);

	const scope = scopeParameter(current);
	return (
		<Box flexDirection="column">
			<MultiSelect isDisabled={isDisabled} options={items} defaultValue={[...selected]} visibleOptionCount={Math.min(options.length, visibleScopes)} onChange={handleChange} onSubmit={value => onSubmit(inOrder(value))}/>
			{options.length > visibleScopes ? <Text dimColor>{options.length} scopes in all: ↑↓ shows the others</Text> : undefined}
			<Box marginTop={1}>
				{scope === undefined ? <Text>no scope parameter will be sent</Text> : <Text>scope: <Text bold>&quot;{scope}&quot;</Text></Text>}
			</Box>
			{current.length === 0 ? <Text color="yellow">No scope selected: some servers (Fastmail) refuse a registration without one.</Text> : undefined}
		</Box>
	);
}

/** Which scopes to ask for: the advertised ones with where each came from, and the exact `scope` to send. */
export function ScopesScreen({options, selected, reason, adding, onChange, onStartAdding, onAdd, onCancelAdding, onSubmit, next = 'preview registration'}: ScopesScreenProps) {
	const shared = useSharedKeys();
	// Why the scope typed last was refused; gone when the field closes.
	const [addProblem, setAddProblem] = useState<string | undefined>();
	useEffect(() => {
		if (!adding) setAddProblem(undefined);
	}, [adding]);
	// The scope field takes every other key; the list takes Space, the arrows and Enter.
	const keymap: readonly Binding[] = adding
		? [{key: 'return', shown: 'Enter', label: 'add'}, {key: 'escape', shown: 'Esc', label: 'cancel', action: onCancelAdding}]
		: [
			{key: '', shown: 'Space', label: 'toggle', when: options.length > 0},
			{key: 'a', label: 'add a scope', action: onStartAdding},
			// With no options there is no MultiSelect to take Enter.
			{key: 'return', shown: 'Enter', label: next, action: options.length === 0 ? () => onSubmit([]) : undefined},
			...shared,
		];
	useKeymap(keymap);
	return (
		<Box flexDirection="column">
			<Text bold>Which scopes should the login ask for?</Text>
			<Text dimColor>Preselected: {reason}</Text>
			<Box flexDirection="column" marginTop={1}>
				{options.length === 0 ? (
					<>
						<Text>The server advertises no scopes.</Text>
						<Text>no scope parameter will be sent</Text>
					</>
				) : (
					<ScopeChooser key={options.map(option => option.scope).join(' ')} options={options} selected={selected} isDisabled={adding} onChange={onChange} onSubmit={onSubmit}/>
				)}
			</Box>
			{adding ? (
				<Box marginTop={1} flexDirection="column">
					<Box>
						<Text>Add a scope: </Text>
						<TextInput
							onSubmit={value => {
								const scope = value.trim();
								const problem = scope === '' ? undefined : scopeTokenProblem(scope);
								if (problem !== undefined) setAddProblem(`${problem}. Add one scope at a time.`);
								else if (scope !== '') onAdd(scope);
							}}
						/>
					</Box>
					{addProblem === undefined ? undefined : <Text color="red">{addProblem}</Text>}
				</Box>
			) : undefined}
			<KeyLine bindings={keymap}/>
		</Box>
	);
}
