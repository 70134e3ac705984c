import {readdirSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterEach, expect, it} from 'vitest';
import {runCli, temporaryHome} from './helpers/run-cli.js';

const home = temporaryHome();
afterEach(() => home.remove());

it('moves an unreadable store aside, says where, and goes on with an empty list', async () => {
	const broken = '{"version": 1, "servers": {"https://x.example/mcp": {"name": "x"';
	writeFileSync(join(home.path, 'servers.json'), broken);
	const run = await runCli(['list'], {MCP_AUTH_WIZARD_HOME: home.path});
	expect(run.code).toBe(0);
	expect(run.stdout).toContain('No saved servers');
	const aside = readdirSync(home.path).find(name => name.startsWith('servers.json.corrupt-'));
	expect(aside).toBeDefined();
	expect(run.stderr).toContain(join(home.path, aside!));
	expect(readFileSync(join(home.path, aside!), 'utf8')).toBe(broken);
});

it('keeps the store in the system\'s config directory when MCP_AUTH_WIZARD_HOME is not set', async () => {
	const run = await runCli(['list', '--json'], {MCP_AUTH_WIZARD_HOME: undefined, XDG_CONFIG_HOME: undefined, HOME: home.path});
	expect(run.code).toBe(0);
	// The config directory on Linux: $XDG_CONFIG_HOME, else ~/.config.
	expect(JSON.parse(run.stdout)).toMatchObject({ok: true, storePath: join(home.path, '.config', 'mcp-auth-wizard', 'servers.json'), servers: []});
});
