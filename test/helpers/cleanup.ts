import {afterEach} from 'vitest';

/**
 * Every server a test starts is closed by the test: `track(server)` closes it after the current test
 * (newest first), whatever the test's outcome.
 */
export function closedAfterEach(): <T extends {close(): Promise<void>}>(server: T) => T {
	const open: Array<{close(): Promise<void>}> = [];
	afterEach(async () => {
		while (open.length > 0) await open.pop()!.close();
	});
	return server => {
		open.push(server);
		return server;
	};
}
