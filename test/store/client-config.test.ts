import {lstatSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import type {ConfigEntry} from '../../source/core/config-edit.js';
import {applyConfigWrite, planConfigWrite} from '../../source/store/client-config.js';
import {temporaryHome} from '../helpers/run-cli.js';

const entry: ConfigEntry = {language: 'json', path: ['mcpServers', 'mail'], value: {command: 'npx', args: ['-y', 'mcp-auth-wizard', 'proxy', 'mail']}};
const homes: Array<ReturnType<typeof temporaryHome>> = [];
const home = () => {
	const made = temporaryHome();
	homes.push(made);
	return made.path;
};

afterEach(() => {
	for (const made of homes.splice(0)) made.remove();
});

describe('a write into another program\'s configuration file', () => {
	it('follows a symbolic link to a file not there yet: the file is made where it points, the link stays', () => {
		const root = home();
		mkdirSync(join(root, 'dotfiles'));
		symlinkSync(join(root, 'dotfiles', 'mcp.json'), join(root, 'mcp.json'));
		applyConfigWrite(planConfigWrite(join(root, 'mcp.json'), entry));
		expect(lstatSync(join(root, 'mcp.json')).isSymbolicLink()).toBe(true);
		expect(JSON.parse(readFileSync(join(root, 'dotfiles', 'mcp.json'), 'utf8'))).toEqual({mcpServers: {mail: entry.value}});
	});

	it('never writes a backup over an earlier one, even within the same millisecond', () => {
		const root = home();
		const file = join(root, 'mcp.json');
		const now = new Date('2026-12-02T10:00:00.000Z');
		writeFileSync(file, '{"mcpServers": {}}\n');
		applyConfigWrite(planConfigWrite(file, entry), now);
		applyConfigWrite(planConfigWrite(file, {...entry, path: ['mcpServers', 'other']}), now);
		const backups = readdirSync(root).filter(name => name.endsWith('.bak')).sort();
		expect(backups).toEqual(['mcp.json.2026-12-02T10-00-00-000Z-2.bak', 'mcp.json.2026-12-02T10-00-00-000Z.bak']);
		expect(readFileSync(join(root, backups[1]!), 'utf8')).toBe('{"mcpServers": {}}\n');
	});

	it('refuses, changing nothing, when the file changed after it was read', () => {
		const root = home();
		const file = join(root, 'mcp.json');
		writeFileSync(file, '{}\n');
		const planned = planConfigWrite(file, entry);
		writeFileSync(file, '{"theme": "dark"}\n');
		expect(() => applyConfigWrite(planned)).toThrow('changed while the change was shown');
		expect(readFileSync(file, 'utf8')).toBe('{"theme": "dark"}\n');
	});
});
