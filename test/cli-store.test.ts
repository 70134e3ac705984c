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
