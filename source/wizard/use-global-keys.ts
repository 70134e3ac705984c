import {useInput} from 'ink';

/** The keys every step shares: Esc back a step, q quit, t the HTTP trace. Off while text is typed. */
export function useGlobalKeys(options: {readonly isActive: boolean; readonly onBack: () => void; readonly onQuit: () => void; readonly onToggleTrace: () => void}): void {
	useInput(
		(input, key) => {
			if (key.escape) options.onBack();
			else if (input === 'q') options.onQuit();
			else if (input === 't') options.onToggleTrace();
		},
		{isActive: options.isActive},
	);
}
