import {useStdout} from 'ink';

/**
 * The terminal's width. Screens lay rows out within it: a line wider than the terminal is wrapped by
 * the terminal, not by Ink, and Ink then erases fewer lines than it drew, leaving stale copies.
 */
export function useColumns(): number {
	const {stdout} = useStdout();
	return stdout.columns || 80;
}
