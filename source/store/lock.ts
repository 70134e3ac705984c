import {setTimeout as delay} from 'node:timers/promises';
import lockfile from 'proper-lockfile';

/**
 * proper-lockfile's lock is the directory `<file>.lock` (mkdir is atomic, also on network file
 * systems); a holder refreshes its mtime, and one older than `stale` is taken over, so a crashed
 * process blocks the others for at most that long.
 */
const staleMs = 10_000;
/** Longer than `stale`, so that waiting outlives a crashed holder's lock. */
const waitMs = 15_000;
/**
 * Our critical sections are synchronous (read, change, atomic write, unlock) and take milliseconds,
 * so the lock cannot be compromised while we rely on it: a late report has nothing left to undo.
 */
const options = {realpath: false, stale: staleMs, onCompromised() {}};

export const errorCode = (error: unknown): string | undefined => (error instanceof Error ? (error as NodeJS.ErrnoException).code : undefined);

export class LockTimeoutError extends Error {
	override readonly name = 'LockTimeoutError';

	constructor(
		readonly lockPath: string,
		readonly waitedMs: number,
	) {
		super(`${lockPath} stayed locked for ${Math.round(waitedMs / 1000)} s`);
	}
}

/**
 * Synchronous, so that the lock is gone before anything else in this process runs. It only fails when
 * the lock was already taken over as stale, after our synchronous work was done.
 */
function releaseSync(file: string): void {
	try {
		lockfile.unlockSync(file, {realpath: false});
	} catch {}
}

/**
 * Runs `body` holding the lock on `file`. Waits while another process holds it (short randomized
 * pauses, since holders are quick); any other failure (the directory is read-only, not a directory)
 * is thrown at once, not retried.
 */
export async function withFileLock<T>(file: string, body: () => T): Promise<T> {
	const started = Date.now();
	for (let attempt = 0; ; attempt++) {
		try {
			await lockfile.lock(file, options);
			break;
		} catch (error) {
			if (errorCode(error) !== 'ELOCKED') throw error;
			if (Date.now() - started > waitMs) throw new LockTimeoutError(`${file}.lock`, Date.now() - started);
			await delay(Math.min(2 * 1.5 ** attempt, 100) * (0.5 + Math.random()));
		}
	}

	try {
		return body();
	} finally {
		releaseSync(file);
	}
}

/**
 * Runs an asynchronous `body` (a refresh: a request of up to the HTTP timeout) holding the lock on
 * `file`, waiting while another holder has it. proper-lockfile keeps a held lock's mtime fresh while
 * the event loop runs, so a slow body is not taken for a crashed one.
 */
export async function withFileLockAsync<T>(file: string, body: () => Promise<T>, waitMs = 45_000): Promise<T> {
	const started = Date.now();
	let release: () => Promise<void>;
	for (let attempt = 0; ; attempt++) {
		try {
			release = await lockfile.lock(file, options);
			break;
		} catch (error) {
			if (errorCode(error) !== 'ELOCKED') throw error;
			// A refresh takes a request: the default wait allows one of up to the HTTP timeout (30 s by default).
			if (Date.now() - started > waitMs) throw new LockTimeoutError(`${file}.lock`, Date.now() - started);
			await delay(Math.min(2 * 1.5 ** attempt, 200) * (0.5 + Math.random()));
		}
	}

	try {
		return await body();
	} finally {
		await release().catch(() => undefined);
	}
}

/**
 * The lock on `file` without leaving the current tick, for work done while a store opens; waits at
 * most `waitMs` for another holder. Undefined when the lock cannot be had (busy, or the directory is
 * read-only): the caller skips what needed it.
 */
export function tryFileLockSync(file: string, waitMs = 1000): (() => void) | undefined {
	const started = Date.now();
	const pause = new Int32Array(new SharedArrayBuffer(4));
	for (;;) {
		try {
			lockfile.lockSync(file, options);
			return () => releaseSync(file);
		} catch (error) {
			if (errorCode(error) !== 'ELOCKED' || Date.now() - started > waitMs) return undefined;
			Atomics.wait(pause, 0, 0, 10);
		}
	}
}
