import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {type Sandbox, type SandboxEnterprise, type SandboxFaults, type SandboxProfile, startSandbox} from '../sandbox/index.js';
import type {CommandContext} from './context.js';
import {exitCode} from './output.js';

function waitForAbort(signal: AbortSignal): Promise<void> {
	return new Promise(resolve => {
		if (signal.aborted) resolve();
		else signal.addEventListener('abort', () => resolve(), {once: true});
	});
}

export type SandboxChoice = {readonly profile?: SandboxProfile; readonly faults?: SandboxFaults};

/**
 * enterprise: the identity provider, its client, the demo ID token's file (never the token), the MCP
 * client and the login command. Prose within 80 columns; each value to copy on a line of its own.
 */
function enterpriseLines(sandbox: Sandbox, enterprise: SandboxEnterprise): string[] {
	return [
		`  identity provider:    ${enterprise.idpIssuer}`,
		'  The MCP client trades a user\'s ID token there for an ID-JAG, and the',
		'  ID-JAG at the authorization server for an access token (SEP-990).',
		'  The identity provider\'s client id (public, no secret):',
		`    ${enterprise.idpClientId}`,
		`  The ID token of ${enterprise.user} (1 hour), in the file:`,
		`    ${enterprise.idTokenFile}`,
		'  The MCP client\'s id and secret (client_secret_basic):',
		`    ${enterprise.clientId}`,
		`    ${enterprise.clientSecret}`,
		'  Log in as that user, no browser (the secret on standard input):',
		`    mcp-auth-wizard login ${sandbox.mcpUrl} --enterprise --idp-issuer ${enterprise.idpIssuer} --idp-client-id ${enterprise.idpClientId} --id-token ${enterprise.idTokenFile} --client-id ${enterprise.clientId} --client-secret -`,
		'  Or log in at the identity provider in the browser for an ID token',
		'  (any user name), the same command without --id-token:',
		`    mcp-auth-wizard login ${sandbox.mcpUrl} --enterprise --idp-issuer ${enterprise.idpIssuer} --idp-client-id ${enterprise.idpClientId} --client-id ${enterprise.clientId} --client-secret -`,
	];
}

/** What a person needs to log in to a sandbox of this profile, line by line. */
function sandboxLines(sandbox: Sandbox): string[] {
	const lines = [
		`Sandbox running, profile ${sandbox.profile}, on loopback:`,
		`  MCP server:           ${sandbox.mcpUrl} (needs scope ${sandbox.mcpScope})`,
		`  authorization server: ${sandbox.issuer}`,
	];
	if (sandbox.enterprise) {
		lines.push(...enterpriseLines(sandbox, sandbox.enterprise));
	} else if (sandbox.preregisteredClient) {
		const client = sandbox.preregisteredClient;
		lines.push(`  pre-registered client: --client-id ${client.clientId} --client-secret ${client.clientSecret} (${client.tokenEndpointAuthMethod})`);
		if (sandbox.profile === 'client-credentials') lines.push(`  it acts as itself, no user: mcp-auth-wizard login ${sandbox.mcpUrl} --client-credentials --client-id ${client.clientId} --client-secret -`);
	}

	if (sandbox.clientMetadataDocumentUrl) lines.push(`  client metadata document: --client-metadata-url ${sandbox.clientMetadataDocumentUrl}`);
	if (sandbox.stepUp) lines.push(`  step-up: the tool ${sandbox.stepUp.tool} needs scope ${sandbox.stepUp.scope} too`);
	return lines;
}

/**
 * The lines above the demo wizard, short enough for an 80-column terminal: which sandbox runs (and
 * with which --fault), what its login page takes, and what a profile needs typed in the wizard.
 */
export function demoBanner(sandbox: Sandbox, faults: readonly string[]): string {
	const itself = sandbox.profile === 'client-credentials';
	const {enterprise} = sandbox;
	const lines = [
		`Sandbox "${sandbox.profile}"${faults.length > 0 ? ` with --fault ${faults.join(', ')}` : ''} runs on loopback until you quit.`,
		...(itself
			? ['Its client acts as itself, no user: pick that way at the client step.']
			: enterprise
				? ['Its users log in at its identity provider (SEP-990): give the ID token file', 'below, or leave it empty to log in there in the browser (any user name).']
				: ['Its login page takes any user name and password.']),
	];
	// The ID token's file, never the token; the path alone on its line, so that it is never broken.
	if (enterprise) lines.push(`Its identity provider: ${enterprise.idpIssuer}`, `Its client id there: ${enterprise.idpClientId}`, `The ID token of ${enterprise.user} is in the file:`, enterprise.idTokenFile);
	// A line each, so that neither value is broken at 80 columns.
	if (sandbox.preregisteredClient) lines.push(`Its pre-registered client id: ${sandbox.preregisteredClient.clientId}`, `Its client secret: ${sandbox.preregisteredClient.clientSecret}`);
	if (sandbox.clientMetadataDocumentUrl) lines.push(`Its client metadata document: ${sandbox.clientMetadataDocumentUrl}`);
	if (sandbox.stepUp) lines.push(`Step-up: the tool ${sandbox.stepUp.tool} needs scope ${sandbox.stepUp.scope} too.`);
	return lines.join('\n');
}

/** enterprise, for --json: everything but the ID token itself, which stays in its file. */
function enterpriseJson(enterprise: SandboxEnterprise | undefined): Omit<SandboxEnterprise, 'idToken'> | undefined {
	if (!enterprise) return undefined;
	const {idToken: _idToken, ...shown} = enterprise;
	return shown;
}

/** `mcp-auth-wizard sandbox`: the sandbox servers on loopback until Ctrl-C. */
export async function runSandbox(context: CommandContext, options: SandboxChoice & {port?: number}): Promise<number> {
	const sandbox = await startSandbox({port: options.port, profile: options.profile, faults: options.faults});
	try {
		// The sandbox's own client secret is a test fixture, printed so that it can be used.
		context.output.result(
			{ok: true, profile: sandbox.profile, mcpUrl: sandbox.mcpUrl, issuer: sandbox.issuer, mcpScope: sandbox.mcpScope, preregisteredClient: sandbox.preregisteredClient, clientMetadataDocumentUrl: sandbox.clientMetadataDocumentUrl, stepUp: sandbox.stepUp, enterprise: enterpriseJson(sandbox.enterprise), faults: sandbox.faults},
			() => [
				...sandboxLines(sandbox),
				'',
				// A client acting as itself, or on an ID-JAG, has no login page: the line above says how it logs in.
				...(sandbox.profile === 'client-credentials' || sandbox.enterprise ? ['Log in from another terminal as the line above says. Press Ctrl-C to stop.'] : [`Log in to it from another terminal: npx mcp-auth-wizard login ${sandbox.mcpUrl}`, 'Its login page takes any user name and password. Press Ctrl-C to stop.']),
			],
		);
		await waitForAbort(context.signal);
		return exitCode.ok;
	} finally {
		await sandbox.close();
		context.output.note('Sandbox stopped.');
	}
}

/**
 * `mcp-auth-wizard --demo`: the sandbox in-process for `run`, with a throwaway store (unless
 * MCP_AUTH_WIZARD_HOME names one), so that a try-out leaves nothing behind; stopped when `run` ends.
 */
export async function withDemoSandbox(context: CommandContext, choice: SandboxChoice, run: (sandbox: Sandbox, demoContext: CommandContext, throwawayStore: boolean) => Promise<number>): Promise<number> {
	const sandbox = await startSandbox({profile: choice.profile, faults: choice.faults});
	const home = context.env['MCP_AUTH_WIZARD_HOME'] ? undefined : mkdtempSync(join(tmpdir(), 'mcp-auth-wizard-demo-'));
	try {
		const demoContext: CommandContext = home
			? {
					...context,
					// What is exported names the store in use.
					env: {...context.env, MCP_AUTH_WIZARD_HOME: home},
					async openStore() {
						const {openConfStore} = await import('../store/conf-store.js');
						return openConfStore({home});
					},
				}
			: context;
		return await run(sandbox, demoContext, home !== undefined);
	} finally {
		await sandbox.close();
		if (home) rmSync(home, {recursive: true, force: true});
	}
}
