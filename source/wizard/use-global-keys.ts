import {useInput} from 'ink';

/**
 * The keys every step shares: Esc back a step, q quit, t the HTTP trace, Ctrl-C interrupt. `scope`
 * says which of the first three apply: while text is typed only Esc (or none, where the field answers
 * Esc itself). Ctrl-C applies everywhere, text fields included.
 */
export function useGlobalKeys(options: {
	readonly scope: 'all' | 'escape' | 'none';
	readonly onBack: () => void;
	readonly onQuit: () => void;
	readonly onInterrupt: () => void;
	readonly onToggleTrace: () => void;
}): void {
	useInput(
		(input, key) => {
			if (key.escape) options.onBack();
			else if (options.scope === 'all' && input === 'q') options.onQuit();
			else if (options.scope === 'all' && input === 't') options.onToggleTrace();
		},
		{isActive: options.scope !== 'none'},
	);
	// The terminal is raw while the wizard runs, so Ctrl-C arrives as a key, not as SIGINT. The wizard
	// handles it here rather than through Ink's exitOnCtrlC, which tests cannot turn on.
	useInput((input, key) => {
		if (key.ctrl && input === 'c') options.onInterrupt();
	});
}
