import {createHash} from 'node:crypto';
import {chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync} from 'node:fs';
import {homedir} from 'node:os';
import {basename, dirname, join, resolve} from 'node:path';
import Conf from 'conf';
import {WizardError} from '../core/errors.js';
import {sameResource} from '../core/urls.js';
import {LockTimeoutError, errorCode, tryFileLockSync, withFileLock, withFileLockAsync} from './lock.js';
import {type ParsedStoreFile, type StoreFile, emptyStoreFile, parseStoreFile, serializeStoreFile, storeVersion} from './store-file.js';
import type {ServerStore} from './types.js';

const fileName = 'servers.json';

type DiskState = ParsedStoreFile | {readonly kind: 'missing'};

/**
 * The file as it is now. conf keeps no copy in memory (its `store` getter reads the file each time),
 * but we read it ourselves to tell a missing, unreadable, older or newer file apart.
 */
function readDisk(path: string): DiskState {
	let text: string;
	try {
		text = readFileSync(path, 'utf8');
	} catch (error) {
		const code = errorCode(error);
		if (code === 'ENOENT') return {kind: 'missing'};
		// A file we may not read, or a directory in its place: moving it aside gives us a file again.
		if (code === 'EACCES' || code === 'EPERM' || code === 'EISDIR') return {kind: 'unreadable', reason: `cannot read it: ${code}`};
		throw error;
	}

	return parseStoreFile(text);
}

const serversOf = (state: DiskState) => (state.kind === 'current' ? state.file.servers : state.kind === 'newer' ? state.servers : {});

/** Renames `path` beside itself, never over an earlier one; returns where it went. */
function moveAside(path: string): string {
	const stamp = new Date().toISOString().replaceAll(':', '');
	let target = `${path}.corrupt-${stamp}`;
	for (let n = 2; existsSync(target); n++) target = `${path}.corrupt-${stamp}-${n}`;
	renameSync(path, target);
	return target;
}

/** The file as it is now, an unreadable one moved aside (with a notice). Call it holding the lock. */
function loadRepaired(path: string, notices: string[]): DiskState {
	const state = readDisk(path);
	if (state.kind !== 'unreadable') return state;
	const target = moveAside(path);
	notices.push(`Your saved servers file could not be read (${state.reason}); it was moved to ${target}. Nothing was deleted: fix it and move it back, or log in again.`);
	return {kind: 'missing'};
}

const octal = (mode: number) => `0${(mode & 0o777).toString(8)}`;

/** Directories others use too (/tmp and its sticky bit, the home directory, /) are not ours to close. */
function isShared(dir: string, mode: number): boolean {
	return (mode & 0o1000) !== 0 || dir === resolve(homedir()) || dir === dirname(dir);
}

/**
 * The file holds refresh tokens: 0600 in a 0700 directory. Tightens what is wider; a directory we
 * just created is tightened without a word, one that was there already is worth a notice.
 */
function tightenPermissions(dir: string, path: string, dirFound: boolean, notices: string[]): void {
	const directory = statSync(dir);
	if ((directory.mode & 0o077) !== 0) {
		if (isShared(dir, directory.mode)) {
			notices.push(`Your saved servers are in ${dir}, a directory other users can open (mode ${octal(directory.mode)}); set MCP_AUTH_WIZARD_HOME to a directory of your own.`);
		} else {
			try {
				chmodSync(dir, 0o700);
				if (dirFound) notices.push(`The directory of your saved servers, ${dir}, was open to other users (mode ${octal(directory.mode)}); it is now 0700 (yours only).`);
			} catch (error) {
				notices.push(`The directory of your saved servers, ${dir}, is open to other users (mode ${octal(directory.mode)}) and could not be changed (${errorCode(error) ?? 'error'}): run chmod 700 ${dir}`);
			}
		}
	}

	const file = existsSync(path) ? statSync(path) : undefined;
	if (file?.isFile() && (file.mode & 0o077) !== 0) {
		try {
			chmodSync(path, 0o600);
			notices.push(`Your saved servers file ${path} was readable by other users (mode ${octal(file.mode)}); it is now 0600 (yours only). It holds tokens: if others use this machine, log in again to replace them.`);
		} catch (error) {
			notices.push(`Your saved servers file ${path} is readable by other users (mode ${octal(file.mode)}) and could not be changed (${errorCode(error) ?? 'error'}): run chmod 600 ${path}`);
		}
	}
}

function cannotOpen(where: string | undefined, error: unknown): WizardError {
	const place = where ?? 'the saved servers directory';
	return new WizardError(
		'store',
		`Cannot open the saved servers in ${place} (${errorCode(error) ?? (error instanceof Error ? error.message : String(error))})`,
		`Check that ${place} is a directory you can read and write, or set MCP_AUTH_WIZARD_HOME to one.`,
		undefined,
		{cause: error},
	);
}

function newerVersionError(path: string, version: number): WizardError {
	return new WizardError(
		'store',
		`Cannot save to ${path}: it was written by a newer mcp-auth-wizard (store format ${version}, this one knows ${storeVersion}); upgrade mcp-auth-wizard to save logins.`,
		'Upgrade with: npm install -g mcp-auth-wizard@latest. The file was left as it was.',
	);
}

function readOnlyFile(path: string, mode: number): WizardError {
	return new WizardError('store', `Could not save to ${path}: the file is read-only (mode ${octal(mode)})`, `Check the permissions of ${path}: chmod 600 ${path} lets mcp-auth-wizard save again. Nothing already saved was changed.`);
}

function nameTaken(name: string, mcpUrl: string): WizardError {
	return new WizardError('store', `Another saved login is called "${name}" already (${mcpUrl})`, 'Choose another name; see the saved ones with `mcp-auth-wizard list`.');
}

function cannotSave(path: string, error: unknown): WizardError {
	if (error instanceof LockTimeoutError) {
		return new WizardError('store', `Could not save to ${path}: another mcp-auth-wizard kept it locked for ${Math.round(error.waitedMs / 1000)} s`, `Try again. If no other mcp-auth-wizard is running, remove ${error.lockPath}`, undefined, {cause: error});
	}

	const dir = dirname(path);
	return new WizardError(
		'store',
		`Could not save to ${path} (${errorCode(error) ?? 'error'})`,
		`Check the permissions of ${dir} and ${path}: both must be yours and writable (0700 and 0600), on a disk with free space. Nothing already saved was changed.`,
		undefined,
		{cause: error},
	);
}

/**
 * conf resolves the default directory and writes atomically (a temporary file renamed over the old
 * one, chmod'ed to configFileMode on every write, whatever the umask); reading, versions and locking
 * are ours. No `defaults`: with them conf rewrites the file as it starts, outside our lock, and would
 * stamp our version on a file it does not understand.
 */
function createConf(home: string | undefined): Conf<Record<string, unknown>> {
	return new Conf<Record<string, unknown>>({
		projectName: 'mcp-auth-wizard',
		projectSuffix: '',
		cwd: home,
		configName: 'servers',
		configFileMode: 0o600,
		accessPropertiesByDotNotation: false,
		// conf reads the file as it starts: invalid JSON must not throw there, we handle it ourselves.
		clearInvalidConfig: true,
	});
}

function isUnreadable(path: string): boolean {
	try {
		return readDisk(path).kind === 'unreadable';
	} catch {
		return false;
	}
}

/** conf started, an unreadable file moved aside first if that is what stopped it. */
function startConf(home: string | undefined, notices: string[]): Conf<Record<string, unknown>> {
	try {
		return createConf(home);
	} catch (error) {
		// Some read errors (EISDIR) carry no path: with a home we know it, else conf's error names it.
		const path = home ? resolve(home, fileName) : (error as NodeJS.ErrnoException).path;
		const release = path !== undefined && basename(path) === fileName && isUnreadable(path) ? tryFileLockSync(path) : undefined;
		if (path === undefined || !release) throw cannotOpen(path === undefined ? home : dirname(path), error);
		try {
			loadRepaired(path, notices);
		} catch (moveError) {
			throw cannotOpen(dirname(path), moveError);
		} finally {
			release();
		}

		try {
			return createConf(home);
		} catch (again) {
			throw cannotOpen(dirname(path), again);
		}
	}
}

/**
 * What the file holds as the store opens. Repairs need the lock: an unreadable file is moved aside and
 * an older version written back migrated. When the lock cannot be had (busy, read-only directory)
 * the file is only read; the first update repairs it.
 */
function loadOnOpen(path: string, write: (file: StoreFile) => void, notices: string[]): DiskState {
	const release = existsSync(path) ? tryFileLockSync(path) : undefined;
	if (!release) {
		const state = readDisk(path);
		if (state.kind === 'unreadable') notices.push(`Your saved servers file ${path} could not be read (${state.reason}) and could not be moved aside: fix it or move it away, then log in again.`);
		return state;
	}

	try {
		const state = loadRepaired(path, notices);
		if (state.kind === 'current' && state.migratedFrom !== undefined) {
			try {
				write(state.file);
			} catch {
				// Read-only here: served migrated from memory, written by the first update (or its error).
			}
		}

		return state;
	} finally {
		release();
	}
}

/**
 * The saved servers in one JSON file, `{"version": N, "servers": {<name>: SavedServer}}`, mode 0600
 * in a 0700 directory since it holds refresh tokens. The directory is `home` (MCP_AUTH_WIZARD_HOME)
 * when given, else conf's default. Every change is a read-modify-write under an inter-process lock.
 * Throws a WizardError('store') only when it cannot open at all: no directory to keep the file in, or
 * a file conf cannot read that cannot be moved aside either.
 */
export function openConfStore(options: {readonly home?: string; readonly platform?: NodeJS.Platform} = {}): ServerStore {
	const notices: string[] = [];
	const home = options.home ? resolve(options.home) : undefined;
	let dirFound = false;
	if (home) {
		dirFound = existsSync(home);
		try {
			mkdirSync(home, {recursive: true, mode: 0o700});
		} catch (error) {
			throw cannotOpen(home, error);
		}
	}

	const conf = startConf(home, notices);
	const {path} = conf;
	const dir = dirname(path);
	dirFound ||= existsSync(path);
	const write = (file: StoreFile) => {
		// An atomic write replaces the file whatever its mode: a file made read-only is refused here.
		const mode = existsSync(path) ? statSync(path).mode : 0o600;
		if ((mode & 0o200) === 0) throw readOnlyFile(path, mode);
		try {
			conf.store = serializeStoreFile(file);
		} catch (error) {
			// atomically removes its temporary file after a failed write asynchronously: a process that exits
			// at once (the CLI after its error) left it behind (seen in CI). Writes hold the store's lock, so
			// no temporary file here is another writer's.
			for (const name of readdirSync(dir)) if (name.startsWith(`${basename(path)}.tmp-`)) rmSync(join(dir, name), {force: true});
			throw error;
		}
	};

	let opened: DiskState;
	try {
		// Windows has no POSIX modes (Node shows 0666 or 0444 there): its access lists guard the profile.
		if ((options.platform ?? process.platform) !== 'win32') tightenPermissions(dir, path, dirFound, notices);
		opened = loadOnOpen(path, write, notices);
	} catch (error) {
		throw cannotOpen(dir, error);
	}

	if (opened.kind === 'newer') {
		notices.push(`Your saved servers file ${path} was written by a newer mcp-auth-wizard (store format ${opened.version}, this one knows ${storeVersion}): it is read-only here. Upgrade mcp-auth-wizard to save logins.`);
	}

	// The last servers read; shown if the file turns unreadable while we run.
	let snapshot = serversOf(opened);
	const servers = () => {
		try {
			const state = readDisk(path);
			if (state.kind !== 'unreadable') snapshot = serversOf(state);
		} catch {}

		return Object.values(snapshot);
	};

	const update: ServerStore['update'] = async (name, change) => {
		try {
			// As conf does before writing: the directory may have been removed meanwhile.
			mkdirSync(dir, {recursive: true, mode: 0o700});
			return await withFileLock(path, () => {
				const state = loadRepaired(path, notices);
				if (state.kind === 'newer') throw newerVersionError(path, state.version);
				const file = state.kind === 'current' ? state.file : emptyStoreFile;
				// Own keys only: a login may be called "constructor".
				const current = Object.hasOwn(file.servers, name) ? file.servers[name] : undefined;
				const next = change(current);
				if (next === undefined && current === undefined) return undefined;
				const others = Object.fromEntries(Object.entries(file.servers).filter(([saved]) => saved !== name));
				// A rename onto another login's name would lose that login.
				if (next && Object.hasOwn(others, next.name)) throw nameTaken(next.name, others[next.name]!.mcpUrl);
				const changed = next === undefined ? others : {...others, [next.name]: next};
				write({servers: changed, rest: file.rest});
				snapshot = changed;
				return next;
			});
		} catch (error) {
			// I/O and lock failures become the user's message; whatever `change` threw stays as it was.
			if (errorCode(error) !== undefined || error instanceof LockTimeoutError) throw cannotSave(path, error);
			throw error;
		}
	};

	/** Runs `body` holding a lock of the login `name`'s own, beside the file (the store's lock is for quick writes only). */
	async function loginLock<T>(name: string, suffix: string, body: () => Promise<T>, waitMs?: number): Promise<T> {
		const lock = `${path}.${createHash('sha256').update(name).digest('hex').slice(0, 16)}${suffix}`;
		let ran = false;
		try {
			mkdirSync(dir, {recursive: true, mode: 0o700});
			return await withFileLockAsync(
				lock,
				async () => {
					ran = true;
					return body();
				},
				waitMs,
			);
		} catch (error) {
			// A lock that cannot be had is the store's failure; what `body` threw stays as it was.
			if (!ran && (errorCode(error) !== undefined || error instanceof LockTimeoutError)) throw cannotSave(path, error);
			throw error;
		}
	}

	return {
		path,
		notices,
		list: () => servers().sort((a, b) => a.name.localeCompare(b.name)),
		find(nameOrUrl) {
			const all = servers();
			const named = all.find(server => server.name === nameOrUrl);
			if (named) return named;
			const logins = all.filter(server => sameResource(server.mcpUrl, nameOrUrl));
			return logins.length === 1 ? logins[0] : undefined;
		},
		update,
		async save(server) {
			await update(server.name, () => server);
		},
		exclusively: async (name, body) => loginLock(name, '', body),
		// A login waits for one of the default length (5 minutes) and a little more.
		loggingIn: async (name, body) => loginLock(name, '.login', body, 6 * 60_000),
	};
}
