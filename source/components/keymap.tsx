import {type Key, useInput} from 'ink';
import {createContext, useContext} from 'react';
import {KeyHints} from './key-hints.js';

/**
 * One key of a screen: what it is, what the key line calls it, when it applies and what it does. A
 * screen declares its keys as a list of these; the same list handles the keys (useKeymap) and makes the
 * key line (KeyLine), so a key is shown exactly when it works.
 */
export type Binding = {
	/** A printable character, or one of Ink's named keys: return, escape, upArrow, downArrow, tab. */
	readonly key: string;
	/** How the key line names it ('Enter', '↑↓'); `key` itself by default, nothing for an empty string. */
	readonly shown?: string;
	/** What it does, in the key line; without one the key works but is not shown (an alias). */
	readonly label?: string;
	/** Whether it applies now; one that does not is neither shown nor handled. Default: it does. */
	readonly when?: boolean;
	/** What it does; without one a field or list of the screen takes the key itself, and it is only shown. */
	readonly action?: () => void;
};

const namedKeys = new Set(['return', 'escape', 'upArrow', 'downArrow', 'tab']);

function matches(binding: Binding, input: string, key: Key): boolean {
	if (namedKeys.has(binding.key)) return key[binding.key as keyof Key] === true;
	return !key.ctrl && !key.meta && input === binding.key;
}

/** Handles the keys of a keymap that apply and have an action: the first that matches wins. */
export function useKeymap(bindings: readonly Binding[], isActive = true): void {
	useInput(
		(input, key) => {
			const binding = bindings.find(candidate => candidate.when !== false && candidate.action !== undefined && matches(candidate, input, key));
			binding?.action?.();
		},
		{isActive},
	);
}

/** The dim key line of a keymap: the keys that apply now and have a label. */
export function KeyLine({bindings}: {readonly bindings: readonly Binding[]}) {
	const hints = bindings.filter(binding => binding.when !== false && binding.label !== undefined).map(binding => [binding.shown ?? binding.key, binding.label!] as const);
	return hints.length === 0 ? null : <KeyHints hints={hints} />;
}

/**
 * The keys every wizard screen shares, provided by the App: Esc back (undefined where there is no step
 * to go back to), q quit, t the HTTP trace. A screen shown alone (in its tests) gets all three, doing
 * nothing.
 */
export type SharedKeys = {readonly back?: () => void; readonly quit: () => void; readonly trace: () => void};

const noop = () => undefined;
export const SharedKeysContext = createContext<SharedKeys>({back: noop, quit: noop, trace: noop});

/**
 * The shared keys a screen offers: all of them; only Esc (a text field, which takes q and t as text);
 * all but Esc (a panel that Esc closes); or none (a field or question that answers Esc itself).
 */
export function useSharedKeys(scope: 'all' | 'escape' | 'letters' | 'none' = 'all'): readonly Binding[] {
	const {back, quit, trace} = useContext(SharedKeysContext);
	const escape: Binding = {key: 'escape', shown: 'Esc', label: 'back', when: back !== undefined, action: back};
	const letters: Binding[] = [{key: 't', label: 'trace', action: trace}, {key: 'q', label: 'quit', action: quit}];
	return {all: [escape, ...letters], escape: [escape], letters, none: []}[scope];
}
