import * as toml from 'smol-toml';
import {describe, expect, it} from 'vitest';
import {type ConfigEntry, editConfig} from '../../source/core/config-edit.js';
import {WizardError} from '../../source/core/errors.js';

const value = {command: 'npx', args: ['-y', 'mcp-auth-wizard', 'proxy', 'work mail']};
const jsonEntry: ConfigEntry = {language: 'json', path: ['mcpServers', 'work-mail'], value};
const tomlEntry: ConfigEntry = {language: 'toml', path: ['mcp_servers', 'work-mail'], value: {...value, env: {MCP_AUTH_WIZARD_HOME: '/home/me/wizard'}}};

function edited(text: string, entry: ConfigEntry): string {
	const edit = editConfig(text, entry, 'config');
	if (edit.kind === 'same') throw new Error('nothing changed');
	return edit.text;
}

describe('editConfig, JSON with comments', () => {
	const cursor = '// my servers\n{\n\t"mcpServers": {\n\t\t"other": {\n\t\t\t"command": "other-server" // keep this\n\t\t},\n\t},\n\t"theme": "dark", "size": [1, 2],\n}\n';

	it('adds the entry and keeps every other entry, comment and the file\'s tabs', () => {
		const after = edited(cursor, jsonEntry);
		expect(after).toContain('// my servers');
		expect(after).toContain('// keep this');
		expect(after).toContain('\t\t"other": {\n\t\t\t"command": "other-server" // keep this\n\t\t},');
		expect(after).toContain('\t"theme": "dark", "size": [1, 2],\n}\n');
		expect(after).toContain('\t\t"work-mail": {\n\t\t\t"command": "npx"');
		expect(editConfig(after, jsonEntry, 'config')).toEqual({kind: 'same'});
	});

	it('creates the file\'s content from nothing, and replaces an entry saying what it was', () => {
		const created = edited('', jsonEntry);
		expect(JSON.parse(created)).toEqual({mcpServers: {'work-mail': value}});
		const old = {url: 'https://mail.example/mcp'};
		const edit = editConfig(JSON.stringify({mcpServers: {'work-mail': old}}, null, 2), jsonEntry, 'config');
		expect(edit).toMatchObject({kind: 'replace', previous: old});
		expect(JSON.parse((edit as {text: string}).text)).toEqual({mcpServers: {'work-mail': value}});
	});

	it('refuses a file it cannot read, or one where the servers are not a table, changing nothing', () => {
		for (const [text, why] of [
			['{"mcpServers": {', 'on line 1'],
			['{\n"mcpServers": [1]\n}', '"mcpServers" is not a table'],
			['[]', 'top level is not an object'],
		] as const) {
			const error = (() => {
				try {
					editConfig(text, jsonEntry, '/home/me/.cursor/mcp.json');
				} catch (error_) {
					return error_;
				}
			})();
			expect(error).toBeInstanceOf(WizardError);
			expect((error as WizardError).message).toContain('/home/me/.cursor/mcp.json is not valid JSON');
			expect((error as WizardError).message).toContain(why);
			expect((error as WizardError).hint).toContain('Nothing was changed');
		}
	});

	it('keeps Windows line ends', () => {
		const after = edited('{\r\n  "mcpServers": {}\r\n}\r\n', jsonEntry);
		expect(after.replaceAll('\r\n', '')).not.toContain('\n');
	});
});

describe('editConfig, TOML', () => {
	const codex = '# Codex\nmodel = "o3" # the model\n\n[mcp_servers.other]\ncommand = "x" # keep me\nargs = ["a"]\n';

	it('adds a [mcp_servers.<name>] table at the end, everything else as it was', () => {
		const after = edited(codex, tomlEntry);
		expect(after.startsWith(codex)).toBe(true);
		expect(after.slice(codex.length)).toBe('\n[mcp_servers.work-mail]\ncommand = "npx"\nargs = [ "-y", "mcp-auth-wizard", "proxy", "work mail" ]\n\n[mcp_servers.work-mail.env]\nMCP_AUTH_WIZARD_HOME = "/home/me/wizard"\n');
		expect(editConfig(after, tomlEntry, 'config')).toEqual({kind: 'same'});
	});

	it('replaces an entry in place, keeping the comments around it', () => {
		const old = `${codex}\n[mcp_servers.work-mail]\nurl = "https://old" # was here\n\n[mcp_servers.work-mail.oauth]\nclient_id = "abc"\n\n# the end\n`;
		const edit = editConfig(old, tomlEntry, 'config');
		expect(edit).toMatchObject({kind: 'replace', previous: {url: 'https://old', oauth: {client_id: 'abc'}}});
		const after = (edit as {text: string}).text;
		expect(after.startsWith(codex)).toBe(true);
		expect(after).toContain('# the end');
		expect(after.slice(codex.length)).toBe('\n[mcp_servers.work-mail]\ncommand = "npx"\nargs = [ "-y", "mcp-auth-wizard", "proxy", "work mail" ]\n\n[mcp_servers.work-mail.env]\nMCP_AUTH_WIZARD_HOME = "/home/me/wizard"\n\n# the end\n');
		expect(toml.parse(after)).toEqual({model: 'o3', mcp_servers: {other: {command: 'x', args: ['a']}, 'work-mail': tomlEntry.value}});
	});

	it('adds into servers written as an inline table, where a new table header is not allowed', () => {
		const inline = 'mcp_servers = { other = { command = "x" } }\n';
		expect(toml.parse(edited(inline, tomlEntry))).toEqual({mcp_servers: {other: {command: 'x'}, 'work-mail': tomlEntry.value}});
	});

	it('refuses a file it cannot read, saying where', () => {
		expect(() => editConfig('model = \n', tomlEntry, '/home/me/.codex/config.toml')).toThrow(/config\.toml is not valid TOML: .*line 1/i);
		expect(() => editConfig('mcp_servers = 3\n', tomlEntry, 'config.toml')).toThrow('"mcp_servers" is not a table');
	});
});

describe('editConfig, what a file may hold besides', () => {
	it('keeps TOML dates, times and special numbers as they were, even where the entry is an inline table', () => {
		const text = 'since = 1979-05-27T07:32:00Z\nt = 07:32:00\nx = inf\nmcp_servers = { other = { command = "old" } }\n';
		const after = edited(text, tomlEntry);
		expect(after).toContain('since = 1979-05-27T07:32:00Z');
		expect(after).toContain('t = 07:32:00');
		expect(after).toContain('x = inf');
		expect(toml.parse(after)).toHaveProperty(['mcp_servers', 'work-mail', 'command'], 'npx');
	});

	it('writes in the file\'s own line ends (CRLF) and keeps a byte order mark', () => {
		const tomlAfter = edited('model = "o3"\r\n', tomlEntry);
		expect(tomlAfter.replaceAll('\r\n', '')).not.toContain('\n');
		const jsonAfter = edited('\uFEFF{\r\n  "mcpServers": {}\r\n}', jsonEntry);
		expect(jsonAfter.startsWith('\uFEFF{')).toBe(true);
		expect(jsonAfter.replaceAll('\r\n', '')).not.toContain('\n');
		expect(jsonAfter.endsWith('\r\n')).toBe(true);
	});
});
