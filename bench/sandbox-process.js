// A sandbox in a process of its own, for the benchmarks: a server one round trip away should not take
// the client's CPU (in one process, the answers to requests sent at once would be computed one after
// another on the client's thread, which no remote server does).
// `node bench/sandbox-process.js <profile> <latencyMs> [<accessTokenTtlSeconds>]` prints the sandbox's
// URLs as one JSON line and runs until its standard input closes; each line `requests` it is sent is
// answered with one JSON line of the token and authorization requests it has had.
import {spawn} from 'node:child_process';
import {createInterface} from 'node:readline';
import {fileURLToPath} from 'node:url';

/**
 * Starts the sandbox in a child process.
 * @returns {Promise<{profile: string, mcpUrl: string, issuer: string, resourceMetadataUrl?: string, authorizationServerMetadataUrl?: string, close(): Promise<void>}>}
 */
export async function startSandboxProcess(profile, latencyMs, accessTokenTtlSeconds) {
	const child = spawn(process.execPath, [fileURLToPath(import.meta.url), profile, String(latencyMs), ...(accessTokenTtlSeconds === undefined ? [] : [String(accessTokenTtlSeconds)])], {stdio: ['pipe', 'pipe', 'inherit']});
	const exited = new Promise(resolve => child.once('exit', resolve));
	const lines = createInterface({input: child.stdout})[Symbol.asyncIterator]();
	const [line] = await Promise.race([
		(async () => {
			const first = await lines.next();
			return first.done ? [] : [first.value];
		})(),
		exited.then(code => {
			throw new Error(`the sandbox process exited ${code}`);
		}),
	]);
	return {
		...JSON.parse(line),
		/** @returns {Promise<{token: Array<{grantType: string, clientId: string, at: number}>, authorization: Array<{clientId: string}>}>} */
		async requests() {
			child.stdin.write('requests\n');
			return JSON.parse((await lines.next()).value);
		},
		async close() {
			child.stdin.end();
			await exited;
		},
	};
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
	const {startSandbox} = await import('../.build/modules/sandbox/index.js');
	const [profile, latencyMs, ttl] = process.argv.slice(2);
	const sandbox = await startSandbox({profile, latencyMs: Number(latencyMs), ...(ttl === undefined ? {} : {accessTokenTtlSeconds: Number(ttl)})});
	const {mcpUrl, issuer, resourceMetadataUrl, authorizationServerMetadataUrl} = sandbox;
	process.stdout.write(`${JSON.stringify({profile, mcpUrl, issuer, resourceMetadataUrl, authorizationServerMetadataUrl})}\n`);
	// When each token request came, to 20 ms: the sandbox's records have no time of their own.
	const tokenTimes = [];
	setInterval(() => {
		while (tokenTimes.length < sandbox.requests.token.length) tokenTimes.push(Date.now());
	}, 20).unref();
	for await (const request of createInterface({input: process.stdin})) {
		if (request !== 'requests') continue;
		const token = sandbox.requests.token.map(({body}) => new URLSearchParams(body)).map((form, index) => ({grantType: form.get('grant_type'), clientId: form.get('client_id'), at: tokenTimes[index] ?? Date.now()}));
		const authorization = sandbox.requests.authorization.map(({query}) => ({clientId: query.client_id}));
		process.stdout.write(`${JSON.stringify({token, authorization})}\n`);
	}

	// Standard input closed: done.
	await sandbox.close();
	process.exit(0);
}
