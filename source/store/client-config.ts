import {chmodSync, constants, copyFileSync, lstatSync, mkdirSync, readFileSync, readlinkSync, realpathSync, renameSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {homedir} from 'node:os';
import {basename, dirname, join, resolve} from 'node:path';
import {type ConfigEntry, type ConfigWrite, editConfig} from '../core/config-edit.js';
import {WizardError} from '../core/errors.js';
import {type ExportOptions, npxLauncher} from '../core/export.js';

/*
 * Another program's configuration file (an MCP client's): read, the entry put in by core/config-edit,
 * a backup of the old file beside it, and the new one written whole (a temporary file renamed over it,
 * so a crash leaves the old or the new, never half of one).
 */

/**
 * What an export needs of this machine: where the clients' files are, and how a client starts us with
 * this store (its directory passed on when MCP_AUTH_WIZARD_HOME chose it, not the default).
 */
export function exportOptions(env: NodeJS.ProcessEnv, storePath: string): ExportOptions {
	const storeHome = env['MCP_AUTH_WIZARD_HOME'] ? dirname(resolve(storePath)) : undefined;
	return {launcher: npxLauncher(storeHome), places: {home: env['HOME'] ?? homedir(), platform: process.platform, env}};
}

function readIfThere(file: string): string | undefined {
	try {
		return readFileSync(file, 'utf8');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
		throw cannot(file, 'read', error);
	}
}

function cannot(file: string, what: string, error: unknown): WizardError {
	const why = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
	return new WizardError('store', `Could not ${what} ${file} (${why})`, 'Nothing was changed. Check that the file and its directory are yours, or add the entry by hand from what is printed above.');
}

/** The file a path names: a symbolic link's target (followed to the end), even one not there yet. */
function linkTarget(file: string): string {
	let target = resolve(file);
	for (let hops = 0; hops < 40; hops++) {
		try {
			if (!lstatSync(target).isSymbolicLink()) return target;
		} catch {
			return target;
		}

		target = resolve(dirname(target), readlinkSync(target));
	}

	return realpathSync(file);
}

export function planConfigWrite(file: string, entry: ConfigEntry): ConfigWrite {
	const target = linkTarget(file);
	const before = readIfThere(target);
	return {file: target, ...(target === resolve(file) ? {} : {link: resolve(file)}), before, edit: editConfig(before ?? '', entry, file)};
}

/**
 * A backup beside the path the user knows (the link, not a dotfiles repository it points into), named
 * after it and the time; never over an earlier one.
 */
function keepBackup(write: ConfigWrite, now: Date): string {
	const known = write.link ?? write.file;
	const stem = join(dirname(known), `${basename(known)}.${now.toISOString().replaceAll(/[:.]/g, '-')}`);
	for (let attempt = 1; ; attempt++) {
		const backup = `${stem}${attempt === 1 ? '' : `-${attempt}`}.bak`;
		try {
			copyFileSync(write.file, backup, constants.COPYFILE_EXCL);
			return backup;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 100) throw error;
		}
	}
}

/**
 * Writes a planned change; refuses when the file changed since it was read (the client rewrote it
 * meanwhile), so that nothing of that is lost. Returns the backup's path, if there was a file to keep.
 */
export function applyConfigWrite(write: ConfigWrite, now = new Date()): {backup?: string} {
	const {file, before, edit} = write;
	if (edit.kind === 'same') return {};
	if (readIfThere(file) !== before) {
		throw new WizardError('store', `${file} changed while the change was shown`, 'Nothing was changed. Run the export again to see the change to the file as it is now.');
	}

	const temporary = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
	try {
		mkdirSync(dirname(file), {recursive: true, mode: 0o700});
		const backup = before === undefined ? undefined : keepBackup(write, now);
		// The file keeps its mode; a new one is the user's only.
		const mode = before === undefined ? 0o600 : statSync(file).mode & 0o777;
		writeFileSync(temporary, edit.text, {mode});
		chmodSync(temporary, mode);
		renameSync(temporary, file);
		return backup === undefined ? {} : {backup};
	} catch (error) {
		rmSync(temporary, {force: true});
		throw cannot(file, 'write', error);
	}
}
