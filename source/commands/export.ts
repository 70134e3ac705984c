import {UsageError} from '../core/errors.js';
import {exportConfig, exportTargets, isExportTarget, type ExportTarget} from '../core/export.js';
import {printable, printableLine} from '../core/text.js';
import {type CommandContext, requireServer} from './context.js';
import {exitCode} from './output.js';

function requireTarget(target: string | undefined): ExportTarget {
	const hint = `mcp-auth-wizard export <server> --for <target>, with <target> one of: ${exportTargets.join(', ')}.`;
	if (target === undefined || target.trim() === '') throw new UsageError('export needs --for <target>', hint);
	if (!isExportTarget(target)) throw new UsageError(`Unknown export target "${printableLine(target, 60)}"`, hint);
	return target;
}

/** `export <server> --for <target>`: the configuration for another MCP client, with the client registered here. */
export async function runExport(context: CommandContext, nameOrUrl: string | undefined, target: string | undefined): Promise<number> {
	const chosen = requireTarget(target);
	const store = await context.openStore();
	const server = requireServer(store, nameOrUrl, 'export');
	const result = exportConfig(server, chosen);
	context.output.result({ok: true, server: server.name, target: result.target, format: result.format, where: result.where, text: result.text, notes: result.notes}, () =>
		// The text carries server-supplied values (client id, URLs): JSON and TOML escape control characters, printable() the rest.
		[result.where, '', ...result.text.trimEnd().split('\n'), ...(result.notes.length > 0 ? ['', 'Notes:', ...result.notes.map(note => `- ${note}`)] : [])].map(line => printable(line)),
	);
	return exitCode.ok;
}
