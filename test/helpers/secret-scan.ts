import {existsSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import type {HttpClient} from '../../source/core/http.js';
import {maskSecret} from '../../source/core/redact.js';
import type {IssuedSecretKind, Sandbox, SandboxOptions} from '../../source/sandbox/index.js';

/**
 * The suite-wide secret scan (the readme: secrets are never shown whole): for each test file, everything the tests captured
 * (CLI output, Ink frames, HTTP traces, the login traces saved in stores) is searched for every secret
 * the sandboxes issued or received, and for the tokens the CLI saved. The setup file
 * (secret-scan-setup.ts) fails the file on a find. Files may share a worker (isolate: false): the
 * records are checked and emptied at the end of each file.
 */

/** `ID-JAG`: the identity provider's assertion of an enterprise login (SEP-990). */
export type SecretKind = IssuedSecretKind | 'code verifier' | 'ID-JAG';
export type Secret = {readonly kind: SecretKind; readonly value: string};
/** One captured text; `allows` lists the kinds it may show whole (status --show-token). */
export type CapturedOutput = {readonly name: string; readonly text: string; readonly allows?: readonly SecretKind[]};
/** A secret found whole: named by kind and masked, never printed itself. */
type Leak = {readonly kind: SecretKind; readonly masked: string; readonly output: string};

/** Shorter values could be found by chance (and no real secret is that short). */
const minimumLength = 8;

const outputs: CapturedOutput[] = [];
/** Read when the scan runs: frame lists and traces keep growing until then. */
const liveOutputs: Array<() => CapturedOutput[]> = [];
/** By value: the same token is often both issued and stored. */
const secrets = new Map<string, Secret>();
const sandboxes: Sandbox[] = [];
/** Store directories whose saved login traces are read after each test (before the test removes them). */
const watchedHomes = new Set<string>();
let runs = 0;
let renders = 0;
let clients = 0;

/** startSandbox, with the sandbox's secrets looked for in this file's outputs. */
export async function startTestSandbox(options?: SandboxOptions): Promise<Sandbox> {
	// Loaded here, not on import: run-cli.ts (and so every CLI test) imports this module.
	const {startSandbox} = await import('../../source/sandbox/index.js');
	const sandbox = await startSandbox(options);
	sandboxes.push(sandbox);
	return sandbox;
}

/** A child process's output (runCli, collectOutput), named by its command only: arguments may hold secrets. */
export function recordRun(command: string, run: {readonly stdout: string; readonly stderr: string}, options: {readonly showsAccessToken?: boolean} = {}): void {
	runs += 1;
	const allows: SecretKind[] = options.showsAccessToken ? ['access token'] : [];
	outputs.push({name: `run #${runs} (${command}) stdout`, text: run.stdout, allows}, {name: `run #${runs} (${command}) stderr`, text: run.stderr, allows});
}

/** Every frame an ink-testing-library render writes. */
export function recordFrames(stdout: readonly string[], stderr: readonly string[]): void {
	renders += 1;
	const render = renders;
	liveOutputs.push(() => [...stdout.map((text, index) => ({name: `render #${render} frame #${index + 1}`, text})), ...stderr.map((text, index) => ({name: `render #${render} stderr frame #${index + 1}`, text}))]);
}

/** The trace of an in-process HTTP client (what the trace panel and --trace show). */
export function recordHttp(http: HttpClient): void {
	clients += 1;
	const client = clients;
	liveOutputs.push(() => [{name: `HTTP trace #${client}`, text: JSON.stringify(http.exchanges)}]);
}

type StoredServer = {readonly mcpUrl?: string; readonly lastLoginTrace?: unknown; readonly tokens?: {readonly accessToken?: unknown; readonly refreshToken?: unknown}; readonly client?: {readonly clientSecret?: unknown}};

function addSecret(kind: SecretKind, value: unknown): void {
	if (typeof value === 'string' && value.length >= minimumLength && !secrets.has(value)) secrets.set(value, {kind, value});
}

/**
 * Reads a store a process wrote: its login traces are outputs (shown by the details view), its tokens
 * and client secret are secrets (which may come from servers other than the sandbox).
 */
export function recordStore(home: string): void {
	const file = join(home, 'servers.json');
	if (!existsSync(file)) return;
	let servers: Record<string, StoredServer>;
	try {
		servers = (JSON.parse(readFileSync(file, 'utf8')) as {servers?: Record<string, StoredServer>}).servers ?? {};
	} catch {
		// A corrupted store, written on purpose by a test.
		return;
	}

	for (const server of Object.values(servers)) {
		addSecret('access token', server.tokens?.accessToken);
		addSecret('refresh token', server.tokens?.refreshToken);
		addSecret('client secret', server.client?.clientSecret);
		if (server.lastLoginTrace !== undefined) {
			const text = JSON.stringify(server.lastLoginTrace);
			const name = `lastLoginTrace of ${server.mcpUrl ?? '?'} in a store`;
			if (!outputs.some(output => output.name === name && output.text === text)) outputs.push({name, text});
		}
	}
}

/** A secret a test's own server issued or received (no sandbox knows it): looked for in every output of the file. */
export function recordSecret(kind: SecretKind, value: string): void {
	addSecret(kind, value);
}

/** A store the wizard writes in-process: read after each test. */
export function watchStore(home: string): void {
	watchedHomes.add(home);
}

/** Called after each test: the stores may be gone by the end of the file. */
export function readWatchedStores(): void {
	for (const home of watchedHomes) recordStore(home);
}

function basicSecret(header: string | undefined): string | undefined {
	const [scheme, credentials] = (header ?? '').split(' ', 2);
	if (scheme?.toLowerCase() !== 'basic' || credentials === undefined) return undefined;
	const decoded = Buffer.from(credentials, 'base64').toString('utf8');
	const secret = decoded.slice(decoded.indexOf(':') + 1);
	// RFC 6749 2.3.1: each part is form-urlencoded first.
	try {
		return decodeURIComponent(secret.replaceAll('+', ' '));
	} catch {
		return secret;
	}
}

/** The form fields of a token request that carry a secret (RFC 6749 4.1.3, 6, 2.3.1; RFC 7523 2.1; RFC 8693 2.1). */
const tokenRequestSecrets = [
	['code', 'authorization code'],
	['code_verifier', 'code verifier'],
	['refresh_token', 'refresh token'],
	['client_secret', 'client secret'],
	['assertion', 'ID-JAG'],
	['subject_token', 'id token'],
] as const;

/**
 * What a sandbox issued, and the secrets it was sent (verifiers, client secrets, refresh tokens, codes;
 * with the enterprise profile, the ID tokens its identity provider got and the ID-JAGs its authorization server got).
 */
export function sandboxSecrets(sandbox: Sandbox): Secret[] {
	const found: Secret[] = [...sandbox.issued];
	for (const request of [...sandbox.requests.token, ...sandbox.requests.tokenExchange]) {
		const body = new URLSearchParams(request.body);
		for (const [field, kind] of tokenRequestSecrets) {
			const value = body.get(field);
			if (value) found.push({kind, value});
		}

		const secret = basicSecret(request.headers['authorization']);
		if (secret) found.push({kind: 'client secret', value: secret});
	}

	for (const request of sandbox.requests.mcp) {
		const [scheme, token] = (request.headers['authorization'] ?? '').split(' ', 2);
		if (scheme?.toLowerCase() === 'bearer' && token) found.push({kind: 'access token', value: token});
	}

	return found;
}

/** Ink wraps long lines inside boxes: without spaces, line breaks and box borders a wrapped secret is whole again. */
function flattened(text: string): string {
	return text.replaceAll(/\u001B\[[\d;]*m/g, '').replaceAll(/[\s\u2500-\u257F]/g, '');
}

/** Every secret (of 8 characters or more) found whole in an output that does not allow its kind. */
function findLeaks(captured: readonly CapturedOutput[], known: readonly Secret[]): Leak[] {
	const leaks: Leak[] = [];
	const candidates = known.filter(secret => secret.value.length >= minimumLength);
	for (const output of captured) {
		const flat = flattened(output.text);
		for (const secret of candidates) {
			if (output.allows?.includes(secret.kind)) continue;
			if (output.text.includes(secret.value) || flat.includes(secret.value)) leaks.push({kind: secret.kind, masked: maskSecret(secret.value), output: output.name});
		}
	}

	return leaks;
}

/** The scan: undefined when no output shows a secret whole, else what was found where (secrets masked). */
export function checkOutputs(captured: readonly CapturedOutput[], known: readonly Secret[]): string | undefined {
	const leaks = findLeaks(captured, known);
	if (leaks.length === 0) return undefined;
	const lines = leaks.slice(0, 20).map(leak => `  ${leak.kind} ${leak.masked} in ${leak.output}`);
	if (leaks.length > 20) lines.push(`  and ${leaks.length - 20} more`);
	return `Secrets shown whole (${leaks.length}):\n${lines.join('\n')}`;
}

/** What this file captured so far, and the secrets known so far. */
export function capturedSoFar(): {outputs: CapturedOutput[]; secrets: Secret[]} {
	readWatchedStores();
	for (const secret of sandboxes.flatMap(sandbox => sandboxSecrets(sandbox))) addSecret(secret.kind, secret.value);
	return {outputs: [...outputs, ...liveOutputs.flatMap(read => read())], secrets: [...secrets.values()]};
}

/** The setup file's afterAll: fails the test file when any of its outputs shows a secret whole. */
export function assertNoSecretShown(): void {
	const {outputs: captured, secrets: known} = capturedSoFar();
	// Files that share a worker (isolate: false) share this module: each file is checked on its own.
	outputs.length = 0;
	liveOutputs.length = 0;
	secrets.clear();
	sandboxes.length = 0;
	watchedHomes.clear();
	runs = 0;
	renders = 0;
	clients = 0;
	const report = checkOutputs(captured, known);
	if (report !== undefined) throw new Error(report);
}
