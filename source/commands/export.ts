import * as toml from 'smol-toml';
import {type ConfigEntry, nested} from '../core/config-edit.js';
import {redactJson} from '../core/redact.js';
import {UsageError} from '../core/errors.js';
import {type ExportForm, type ExportResult, type ExportTarget, exportConfig, exportTargets, isExportTarget} from '../core/export.js';
import {printable, printableLine} from '../core/text.js';
import {applyConfigWrite, exportOptions, planConfigWrite} from '../store/client-config.js';
import {type CommandContext, confirmChange, requireServer} from './context.js';
import {exitCode} from './output.js';

function requireTarget(target: string | undefined): ExportTarget {
	const hint = `mcp-auth-wizard export <server> --for <target>, with <target> one of: ${exportTargets.join(', ')}.`;
	if (target === undefined || target.trim() === '') throw new UsageError('export needs --for <target>', hint);
	if (!isExportTarget(target)) throw new UsageError(`Unknown export target "${printableLine(target, 60)}"`, hint);
	return target;
}

/** A form as printed: its title, where it goes, the text, then its notes. */
function formLines(form: ExportForm): string[] {
	return [form.title, form.where, '', ...form.text.trimEnd().split('\n'), ...(form.notes.length > 0 ? ['', 'Notes:', ...form.notes.map(note => `- ${note}`)] : [])];
}

const formJson = ({kind, title, format, where, text, notes}: ExportForm) => ({kind, title, format, where, text, notes});

/** An entry as it stands in the file, what looks like a secret masked (an entry replaced may hold an API key). */
function entryText(entry: ConfigEntry, value: unknown): string[] {
	const shown = nested(entry.path, redactJson(value));
	return (entry.language === 'toml' ? toml.stringify(shown) : JSON.stringify(shown, null, 2)).trimEnd().split('\n');
}

export type ExportFlags = {readonly write?: boolean; readonly config?: string};

/** `export <server> --for <target> [--write [--config <file>]]`: the configuration for another MCP client, the proxy first. */
export async function runExport(context: CommandContext, nameOrUrl: string | undefined, target: string | undefined, flags: ExportFlags = {}): Promise<number> {
	const chosen = requireTarget(target);
	if (flags.config !== undefined && !flags.write) throw new UsageError('--config goes with --write', `mcp-auth-wizard export <server> --for ${chosen} --write --config <file>`);
	const store = await context.openStore();
	const server = requireServer(store, nameOrUrl, 'export');
	const result = exportConfig(server, chosen, exportOptions(context.env, store.path));
	if (flags.write) return writeEntry(context, server.name, result, flags.config);
	const json = {ok: true, server: server.name, target: result.target, ...formJson(result), file: result.entry.file, alternatives: result.alternatives.map(form => formJson(form))};
	context.output.result(json, () =>
		// The text carries server-supplied values (client id, URLs): JSON and TOML escape control characters, printable() the rest.
		[...formLines(result), ...result.alternatives.flatMap(form => ['', '', ...formLines(form)])].map(line => printable(line)),
	);
	return exitCode.ok;
}

/** `--write`: the proxy's entry into the client's file, the change shown and confirmed first. */
async function writeEntry(context: CommandContext, name: string, result: ExportResult, config: string | undefined): Promise<number> {
	const file = config ?? result.entry.file;
	if (file === undefined) throw new UsageError(`--for ${result.target} has no one configuration file`, `Name the MCP client's file: mcp-auth-wizard export ${name} --for ${result.target} --write --config <file>.`);
	const write = planConfigWrite(file, result.entry);
	const {edit} = write;
	const entryName = result.entry.path.at(-1)!;
	if (edit.kind !== 'same') {
		const shown = entryText(result.entry, result.entry.value);
		const question = `Write this to ${write.file}?`;
		const details = edit.kind === 'add' ? [`"${entryName}" is added:`, ...shown] : [`"${entryName}" is replaced. It is now:`, ...entryText(result.entry, edit.previous), 'and becomes:', ...shown];
		await confirmChange(context, printable(question), details.map(line => printable(line)));
	}

	const {backup} = applyConfigWrite(write);
	const change = {same: 'unchanged', add: 'added', replace: 'replaced'}[edit.kind];
	context.output.result({ok: true, server: name, target: result.target, file: write.file, change, ...(backup ? {backup} : {})}, () =>
		[
			edit.kind === 'same' ? `${write.file} has this entry already: nothing to change.` : `${edit.kind === 'add' ? 'Added' : 'Replaced'} "${entryName}" in ${write.file}${backup ? ` (the old file is kept as ${backup})` : ''}.`,
			'The client reads it when it starts (or reloads its MCP servers).',
		].map(line => printable(line)),
	);
	return exitCode.ok;
}
