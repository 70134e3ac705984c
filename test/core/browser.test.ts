import {existsSync} from 'node:fs';
import {chmod, copyFile, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {openBrowser, openerGraceMs} from '../../source/core/browser.js';
import {WizardError} from '../../source/core/errors.js';

let directory: string;
let script: string;
let argvFile: string;

beforeEach(async () => {
	directory = await mkdtemp(path.join(tmpdir(), 'mcp-auth-wizard-browser-'));
	script = path.join(directory, 'fake-browser');
	argvFile = path.join(directory, 'argv.json');
	// A stand-in browser: records its arguments (written whole, then renamed, so a reader never sees half).
	await writeFile(script, [
		`#!${process.execPath}`,
		"const fs = require('node:fs');",
		`fs.writeFileSync(${JSON.stringify(`${argvFile}.tmp`)}, JSON.stringify(process.argv.slice(2)));`,
		`fs.renameSync(${JSON.stringify(`${argvFile}.tmp`)}, ${JSON.stringify(argvFile)});`,
		'',
	].join('\n'));
	await chmod(script, 0o755);
});

afterEach(async () => {
	await rm(directory, {recursive: true, force: true});
});

function envWith(browser: string): NodeJS.ProcessEnv {
	return {...process.env, BROWSER: browser};
}

async function recordedArgv(): Promise<unknown> {
	return vi.waitFor(async () => JSON.parse(await readFile(argvFile, 'utf8')) as unknown, {timeout: 10_000, interval: 20});
}

describe('openBrowser', () => {
	it('runs BROWSER with the URL as its only argument', async () => {
		const url = 'https://as.example.com/authorize?client_id=abc&redirect_uri=http%3A%2F%2F127.0.0.1%3A8765%2Fcallback&state=xyz';

		const launch = await openBrowser(url, {env: envWith(script)});

		expect(launch).toEqual({method: 'BROWSER', command: script});
		expect(await recordedArgv()).toEqual([url]);
	});

	it('never passes the URL through a shell', async () => {
		const pwned = path.join(directory, 'pwned');
		const url = `https://as.example.com/authorize?a=1;touch\${IFS}${pwned}&state=$(touch\${IFS}${pwned})&b=\`touch\${IFS}${pwned}\`|tee\${IFS}${pwned}&c=x`;
		// The URL is already in normal form, so what the browser gets can be compared byte for byte.
		expect(new URL(url).href).toBe(url);

		await openBrowser(url, {env: envWith(script)});

		expect(await recordedArgv()).toEqual([url]);
		expect(existsSync(pwned)).toBe(false);
	});

	it.each(['file:///etc/passwd', 'javascript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'ftp://example.com/x', 'not a url'])('refuses %s', async url => {
		const error = await openBrowser(url, {env: envWith(script)}).catch((error_: unknown) => error_);

		expect(error).toBeInstanceOf(WizardError);
		expect(error).toMatchObject({step: 'authorization'});
		expect(existsSync(argvFile)).toBe(false);
	});

	it.each(['file:///etc/passwd', 'javascript:alert(1)', 'not a url'])('refuses %s before starting anything', async url => {
		// A BROWSER that cannot start: had anything been spawned first, the error would say so.
		const error = await openBrowser(url, {env: envWith(path.join(directory, 'no-such-browser'))}).catch((error_: unknown) => error_);

		expect(error).toMatchObject({message: expect.stringMatching(/^(Refusing to open a [a-z]+: URL|The authorization URL is not a valid URL)/)});
	});

	it('checks the URL even with --no-open', async () => {
		await expect(openBrowser('file:///etc/passwd', {noOpen: true})).rejects.toMatchObject({step: 'authorization', message: 'Refusing to open a file: URL in the browser'});
	});

	it('opens nothing with noOpen', async () => {
		const launch = await openBrowser('https://as.example.com/authorize?x=1', {noOpen: true, env: envWith(script)});

		expect(launch).toEqual({method: 'none'});
		expect(existsSync(argvFile)).toBe(false);
	});

	it('reports a BROWSER command that does not exist', async () => {
		const missing = path.join(directory, 'no-such-browser');

		const error = await openBrowser('https://as.example.com/authorize', {env: envWith(missing)}).catch((error_: unknown) => error_);

		expect(error).toBeInstanceOf(WizardError);
		expect(error).toMatchObject({
			step: 'authorization',
			message: `Could not open a browser with BROWSER ("${missing}": ENOENT)`,
			hint: expect.stringMatching(/BROWSER.*--no-open/s),
		});
	});

	it('reports a BROWSER command that is not executable', async () => {
		await chmod(script, 0o644);

		await expect(openBrowser('https://as.example.com/authorize', {env: envWith(script)})).rejects.toMatchObject({message: expect.stringContaining(': EACCES)')});
	});

	it('counts an opener that exits with a failure as no browser, and tries the next command of BROWSER', async () => {
		const noBrowser = path.join(directory, 'xdg-open');
		await writeFile(noBrowser, '#!/bin/sh\nexit 3\n');
		await chmod(noBrowser, 0o755);
		const url = 'https://as.example.com/authorize?state=1';

		expect(await openBrowser(url, {env: envWith(`${noBrowser}${path.delimiter}${script}`)})).toEqual({method: 'BROWSER', command: script});
		expect(await recordedArgv()).toEqual([url]);

		const error = await openBrowser(url, {env: envWith(noBrowser)}).catch((error_: unknown) => error_);
		expect(error).toMatchObject({message: `Could not open a browser with BROWSER ("${noBrowser}": exited with 3: no method available: no browser is set up)`});
	});

	it('counts a browser that is still running after a while (no opener: the browser itself) as opened, without waiting for it', async () => {
		const running = path.join(directory, 'running-browser');
		const pidFile = path.join(directory, 'browser.pid');
		await writeFile(running, `#!/bin/sh\necho $$ > '${pidFile}'\nexec sleep 60\n`);
		await chmod(running, 0o755);
		const started = Date.now();
		expect(await openBrowser('https://as.example.com/authorize?state=1', {env: envWith(running)})).toEqual({method: 'BROWSER', command: running});
		// Told once the opener's grace time has passed: it has neither failed nor exited.
		expect(Date.now() - started).toBeGreaterThanOrEqual(openerGraceMs - 50);
		process.kill(Number(await readFile(pidFile, 'utf8')));
	});

	it.each([';touch PWNED', ' && touch PWNED', ' | tee PWNED', ' $(touch PWNED)', ' `touch PWNED`'])('runs BROWSER with %j after it as words, never through a shell', async suffix => {
		const pwned = path.join(directory, 'pwned');
		const browser = `${script}${suffix.replace('PWNED', pwned)}`;

		await openBrowser('https://as.example.com/authorize', {env: envWith(browser)}).catch(() => undefined);

		expect(existsSync(pwned)).toBe(false);
	});

	it('runs an executable whose name has spaces and shell metacharacters in it, quoted', async () => {
		const strange = path.join(directory, 'my browser;$(id)&|`x`');
		await copyFile(script, strange);
		await chmod(strange, 0o755);
		const url = 'https://as.example.com/authorize?state=1';

		expect(await openBrowser(url, {env: envWith(`"${strange}"`)})).toEqual({method: 'BROWSER', command: strange});
		expect(await recordedArgv()).toEqual([url]);
	});

	it('splits BROWSER into words: the URL goes where %s is, else last', async () => {
		const url = 'https://as.example.com/authorize?state=1';
		await openBrowser(url, {env: envWith(`${script} --new-window`)});
		expect(await recordedArgv()).toEqual(['--new-window', url]);
		await rm(argvFile);

		await openBrowser(url, {env: envWith(`${script} --url=%s --private`)});
		expect(await recordedArgv()).toEqual([`--url=${url}`, '--private']);
	});
});
