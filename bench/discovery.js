// Part 2 of the bench: discovery against the sandbox with a fixed delay on every request (a server one
// round trip away). Ours (discover() with the CLI's HTTP client) against the floor and against the
// discovery functions of @modelcontextprotocol/client used as an SDK user would, on the same servers.
import {discoverAuthorizationServerMetadata, discoverOAuthProtectedResourceMetadata, extractWWWAuthenticateParams} from '@modelcontextprotocol/client';
import {discover, mcpProtocolVersion} from '../.build/modules/core/discovery.js';
import {createHttpClient} from '../.build/modules/core/http.js';
import {authorizationServerMetadataUrls, protectedResourceMetadataUrls} from '../.build/modules/core/urls.js';
import {median} from './lib.js';
import {startSandboxProcess} from './sandbox-process.js';

export const delayMs = Number(process.env.BENCH_DELAY_MS ?? 100);
const runs = Number(process.env.BENCH_RUNS ?? 11);

// Every profile whose discovery differs in shape; the others (preregistered, step-up, ...) discover
// exactly like fastmail or root-metadata.
const profiles = ['fastmail', 'openid-tenant', 'root-metadata', 'challenge-only-metadata', 'legacy-2025-03-26'];

/**
 * How many requests must follow one another for this sandbox, from the spec's order (RFC 9728 3.1, RFC 8414 3.1, MCP 2025-11-25 Authorization Server Metadata Discovery):
 * round 1 is the probe and the path-aware resource-metadata URL at once (RFC 9728 3.1: it is known
 * from the MCP URL alone). The root resource-metadata URL is asked only after the path-aware one failed
 * (a sequence, RFC 9728 3.1 and MCP 2025-11-25), so a document served only there, or no document at
 * all (2025-03-26), costs one more round; so does a document served only where the 401 points (RFC
 * 9728 5.1), which is known only after the probe. Then one round for every authorization-server
 * candidate at once (they depend on the issuer the resource metadata names) — except when that issuer
 * is the MCP origin itself (or there is no resource metadata, 2025-03-26): those URLs are known from
 * the MCP URL alone, so they can be in round 1 too (asked early, used only once the resource metadata
 * names the origin).
 * The SDK asks one URL at a time: the probe, each resource-metadata URL until one answers (or the
 * challenge's), each authorization-server URL until one answers.
 */
export function roundsOf(sandbox, challengeUrl) {
	const wellKnown = protectedResourceMetadataUrls(sandbox.mcpUrl);
	const prmUrl = sandbox.resourceMetadataUrl;
	const issuer = prmUrl === undefined ? new URL(sandbox.mcpUrl).origin : sandbox.issuer;
	const issuerIsOrigin = issuer === new URL(sandbox.mcpUrl).origin;
	// The round in which the resource metadata (or its absence) is known.
	const prmRound = challengeUrl === undefined ? (prmUrl === undefined ? wellKnown.length : wellKnown.indexOf(prmUrl) + 1) : challengeUrl === wellKnown[0] ? 1 : 2;
	const floor = prmRound + (issuerIsOrigin ? 0 : 1);

	const prmTries = challengeUrl === undefined ? (prmUrl === undefined ? wellKnown.length : wellKnown.indexOf(prmUrl) + 1) : 1;
	const asUrls = authorizationServerMetadataUrls(issuer);
	const asUrl = sandbox.authorizationServerMetadataUrl;
	const asTries = asUrl === undefined ? asUrls.length : asUrls.indexOf(asUrl) + 1;
	// Fallbacks: a first candidate that 404s (a later one or the legacy defaults is taken).
	const fallbacks = prmTries > 1 || asTries > 1;
	return {floor, sdk: 1 + prmTries + asTries, fallbacks};
}

/**
 * The MCP request without a token, as an MCP client sends it first (RFC 9728 5), and the
 * parameters of its 401 challenge (RFC 9728 5.1: resource_metadata), read by the SDK's own parser.
 */
async function challengeOf(url) {
	const response = await fetch(url, {
		method: 'POST',
		headers: {'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': mcpProtocolVersion},
		body: JSON.stringify({jsonrpc: '2.0', id: 1, method: 'initialize', params: {protocolVersion: mcpProtocolVersion, capabilities: {}, clientInfo: {name: 'bench', version: '0'}}}),
	});
	await response.body?.cancel();
	return extractWWWAuthenticateParams(response);
}

/** Where the sandbox's 401 points, if anywhere. */
export async function challengeUrlOf(sandbox) {
	return (await challengeOf(sandbox.mcpUrl)).resourceMetadataUrl?.href;
}

/** Ours, as `discover` and `login` run it: a new HTTP client (its trace starts empty). */
async function ours(sandbox) {
	const discovery = await discover(sandbox.mcpUrl, {http: createHttpClient()});
	const error = discovery.findings.find(finding => finding.level === 'error');
	if (error || !discovery.authorizationServer) throw new Error(`our discovery failed on ${sandbox.profile}: ${error?.message ?? 'no authorization server'}`);
}

/**
 * The SDK as its own auth() uses it (discoverOAuthServerInfo), with its default fetch: the MCP request
 * without a token gives the challenge (its transport sends that request first), then the resource
 * metadata, then the authorization-server metadata of its first authorization server, or of the MCP
 * origin when there is no resource metadata.
 */
async function sdk(sandbox) {
	const {resourceMetadataUrl} = await challengeOf(sandbox.mcpUrl);
	let issuer = String(new URL('/', sandbox.mcpUrl));
	try {
		const resourceMetadata = await discoverOAuthProtectedResourceMetadata(sandbox.mcpUrl, {resourceMetadataUrl});
		issuer = resourceMetadata.authorization_servers?.[0] ?? issuer;
	} catch (error) {
		if (sandbox.resourceMetadataUrl !== undefined) throw error;
	}

	const metadata = await discoverAuthorizationServerMetadata(issuer);
	if ((metadata === undefined) !== (sandbox.authorizationServerMetadataUrl === undefined)) throw new Error(`the SDK's discovery failed on ${sandbox.profile}`);
}

/**
 * Where the SDK needs fallbacks: at most half its time, unless the spec's own order allows no better
 * (a root-only server needs 2 rounds against the SDK's 4, RFC 9728 3.1): then the floor's share of the
 * SDK's requests, with the same 15% margin as the floor goal.
 */
function sdkGoal(floor, sdkRounds) {
	const possible = Math.ceil((floor / sdkRounds) * 1.15 * 100) / 100;
	return possible <= 0.5 ? {maxRatio: 0.5, text: '≤ 0.5x'} : {maxRatio: possible, text: `≤ ${possible}x (the floor: ${floor} of its ${sdkRounds})`};
}

const wallTime = async measure => {
	const started = performance.now();
	await measure();
	return performance.now() - started;
};

/** @returns {Promise<import('./lib.js').Row[]>} */
export async function run() {
	const rows = [];
	for (const profile of profiles) {
		const sandbox = await startSandboxProcess(profile, delayMs);
		try {
			const {floor, sdk: sdkRounds, fallbacks} = roundsOf(sandbox, await challengeUrlOf(sandbox));
			// Interleaved, so that a slow moment of the machine hits both alike; the first pair warms up.
			const samples = {ours: [], sdk: []};
			for (let i = 0; i <= runs; i++) {
				const oursMs = await wallTime(() => ours(sandbox));
				const sdkMs = await wallTime(() => sdk(sandbox));
				if (i === 0) continue;
				samples.ours.push(oursMs);
				samples.sdk.push(sdkMs);
			}

			const value = median(samples.ours);
			const name = `${profile}: ours`;
			rows.push(
				{group: 'discovery', name: `${name} vs floor`, value, unit: 'ms', reference: {name: `floor, ${floor} round${floor === 1 ? '' : 's'} × ${delayMs} ms`, value: floor * delayMs}, goal: {maxRatio: 1.15, text: '≤ 1.15x'}, note: `median of ${runs}`},
				{
					group: 'discovery',
					name: `${name} vs SDK`,
					value,
					unit: 'ms',
					reference: {name: `@modelcontextprotocol/client, ${sdkRounds} requests in a row`, value: median(samples.sdk)},
					...(fallbacks ? {goal: sdkGoal(floor, sdkRounds)} : {}),
					note: fallbacks ? `first candidates 404, median of ${runs}` : `no fallback needed, median of ${runs}`,
				},
			);
		} finally {
			await sandbox.close();
		}
	}

	return rows;
}
