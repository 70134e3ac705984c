import {useInput} from 'ink';

/**
 * Ctrl-C, on every screen, text fields included. The terminal is raw while the wizard runs, so Ctrl-C
 * arrives as a key, not as SIGINT; the wizard handles it here rather than through Ink's exitOnCtrlC,
 * which tests cannot turn on.
 */
export function useInterruptKey(onInterrupt: () => void): void {
	useInput((input, key) => {
		if (key.ctrl && input === 'c') onInterrupt();
	});
}
