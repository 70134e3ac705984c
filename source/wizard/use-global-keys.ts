import {useInput} from 'ink';

/**
 * The keys every step shares: Esc back a step, q quit, t the HTTP trace. `scope` says which apply:
 * while text is typed only Esc (or none, where the field answers Esc itself).
 */
export function useGlobalKeys(options: {readonly scope: 'all' | 'escape' | 'none'; readonly onBack: () => void; readonly onQuit: () => void; readonly onToggleTrace: () => void}): void {
	useInput(
		(input, key) => {
			if (key.escape) options.onBack();
			else if (options.scope === 'all' && input === 'q') options.onQuit();
			else if (options.scope === 'all' && input === 't') options.onToggleTrace();
		},
		{isActive: options.scope !== 'none'},
	);
}
