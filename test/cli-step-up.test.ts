import {loginIn} from './helpers/saved-servers.js';
import {readFileSync} from 'node:fs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {PassThrough, Writable} from 'node:stream';
import type {CommandContext} from '../source/commands/context.js';
import {createOutput} from '../source/commands/output.js';
import {runToolCall} from '../source/commands/step-up.js';
import {WizardError} from '../source/core/errors.js';
import {createHttpClient} from '../source/core/http.js';
import type {Sandbox} from '../source/sandbox/index.js';
import {openConfStore} from '../source/store/conf-store.js';
import {type CliRun, runCli, scriptedBrowser, temporaryHome} from './helpers/run-cli.js';
import {startTestSandbox} from './helpers/secret-scan.js';

const mcpScope = 'https://www.fastmail.com/dev/mcp';
const mailScope = 'urn:ietf:params:oauth:scope:mail';
let sandbox: Sandbox;
const home = temporaryHome();
const env = () => ({MCP_AUTH_WIZARD_HOME: home.path, BROWSER: scriptedBrowser});
const cli = async (args: string[]): Promise<CliRun> => runCli(args, env());
const json = (run: CliRun) => JSON.parse(run.stdout) as Record<string, any>;
const stored = () => loginIn(JSON.parse(readFileSync(`${home.path}/servers.json`, 'utf8')) as {servers: Record<string, any>}, sandbox.mcpUrl);
const email = JSON.stringify({to: 'bob@example.com', subject: 'hi'});

beforeAll(async () => {
	sandbox = await startTestSandbox({profile: 'step-up'});
	const run = await cli(['login', sandbox.mcpUrl, '--json', '--name', 'mail']);
	if (run.code !== 0) throw new Error(`login failed: ${run.stderr}`);
});

afterAll(async () => {
	await sandbox.close();
	home.remove();
});

describe('verify --call', () => {
	it('calls a tool the token may call and prints its result', async () => {
		const run = await cli(['verify', 'mail', '--call', 'list_mailboxes']);
		expect(run.code).toBe(0);
		expect(run.stdout).toMatch(/^Called list_mailboxes on mail:\n.*"Inbox"/);
	});

	it('without a terminal and without --yes, shows the scopes, changes nothing and exits 1', async () => {
		const before = stored();
		const authorizations = sandbox.requests.authorization.length;
		const run = await cli(['verify', 'mail', '--call', 'send_email', '--args', email]);
		expect(run.code).toBe(1);
		expect(run.stderr).toContain(`send_email needs more scopes (HTTP 403 insufficient_scope): the server asks for ${mcpScope} ${mailScope}.`);
		expect(run.stderr).toContain(`Log in again with: ${mcpScope} offline_access ${mailScope} (adds ${mailScope})`);
		expect(run.stderr).toMatch(/Try: Pass --yes to log in again/);
		expect(stored()).toEqual(before);
		expect(sandbox.requests.authorization).toHaveLength(authorizations);
	});

	it('in a terminal, asks, and a no changes nothing', async () => {
		const before = stored();
		const questions: string[] = [];
		const stderr: string[] = [];
		const context: CommandContext = {
			output: createOutput(false, {stdout: new PassThrough(), stderr: new Writable({write(chunk: Buffer, _encoding, done) { stderr.push(chunk.toString()); done(); }})}),
			http: createHttpClient(),
			env: {},
			signal: new AbortController().signal,
			openStore: async () => openConfStore({home: home.path}),
			async ask(question) {
				questions.push(question);
				return false;
			},
		};

		const error = await runToolCall(context, 'mail', {tool: 'send_email', args: {to: 'bob@example.com'}}, {open: false, verify: false}).catch((error_: unknown) => error_);

		expect(error).toBeInstanceOf(WizardError);
		expect(error).toMatchObject({message: 'Not logged in again: nothing was changed', hint: expect.stringContaining('answer y, or pass --yes')});
		expect(questions).toEqual(['Log in again with these scopes, then call the tool again? [y/N] ']);
		expect(stderr.join('')).toContain(`(adds ${mailScope})`);
		expect(stored()).toEqual(before);
	});

	it('with --yes, logs in again with the union of the scopes and calls again', async () => {
		const registrations = sandbox.requests.registration.length;
		const run = await cli(['verify', 'mail', '--call', 'send_email', '--args', email, '--yes', '--json']);
		expect(run.code).toBe(0);
		const result = json(run);
		expect(result).toMatchObject({
			ok: true,
			server: 'mail',
			tool: 'send_email',
			arguments: {to: 'bob@example.com', subject: 'hi'},
			attempts: 2,
			stepUps: [{challenged: [mcpScope, mailScope], scopes: [mcpScope, 'offline_access', mailScope]}],
		});
		expect(JSON.stringify(result['result'].content)).toContain('bob@example.com');

		// The saved client was registered without the mail scope: a new one is registered with the union.
		expect(run.stderr).toContain(`Registering a new client: the client was not registered for ${mailScope}.`);
		expect(sandbox.requests.registration).toHaveLength(registrations + 1);
		expect(JSON.parse(sandbox.requests.registration.at(-1)!.body).scope).toBe(`${mcpScope} offline_access ${mailScope}`);
		expect(sandbox.requests.authorization.at(-1)!.query['scope']).toBe(`${mcpScope} offline_access ${mailScope}`);
		expect(stored().scopes).toEqual([mcpScope, 'offline_access', mailScope]);
	});

	it('needs no step-up once the token carries the scope', async () => {
		const authorizations = sandbox.requests.authorization.length;
		const run = await cli(['verify', 'mail', '--call', 'send_email', '--args', email, '--json']);
		expect(run.code).toBe(0);
		expect(json(run)).toMatchObject({ok: true, attempts: 1, stepUps: []});
		expect(sandbox.requests.authorization).toHaveLength(authorizations);
	});

	it('is a usage error (exit 2) for --args that are not a JSON object, or without --call', async () => {
		for (const [args, words] of [
			[['verify', 'mail', '--call', 'send_email', '--args', '{to: bob}'], '--args is not valid JSON'],
			[['verify', 'mail', '--call', 'send_email', '--args', '["bob"]'], '--args must be a JSON object, not an array'],
			[['verify', 'mail', '--args', '{}'], '--args needs --call'],
			[['status', 'mail', '--call', 'whoami'], '--call and --args go with verify'],
		] as const) {
			const run = await cli([...args]);
			expect(run.code, args.join(' ')).toBe(2);
			expect(run.stderr).toContain(words);
		}
	});
});
