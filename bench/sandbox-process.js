// A sandbox in a process of its own, for the benchmarks: a server one round trip away should not take
// the client's CPU (in one process, the answers to requests sent at once would be computed one after
// another on the client's thread, which no remote server does).
// `node bench/sandbox-process.js <profile> <latencyMs>` prints the sandbox's URLs as one JSON line and
// runs until its standard input closes.
import {spawn} from 'node:child_process';
import {createInterface} from 'node:readline';
import {fileURLToPath} from 'node:url';

/**
 * Starts the sandbox in a child process.
 * @returns {Promise<{profile: string, mcpUrl: string, issuer: string, resourceMetadataUrl?: string, authorizationServerMetadataUrl?: string, close(): Promise<void>}>}
 */
export async function startSandboxProcess(profile, latencyMs) {
	const child = spawn(process.execPath, [fileURLToPath(import.meta.url), profile, String(latencyMs)], {stdio: ['pipe', 'pipe', 'inherit']});
	const exited = new Promise(resolve => child.once('exit', resolve));
	const [line] = await Promise.race([
		(async () => {
			for await (const line of createInterface({input: child.stdout})) return [line];
			return [];
		})(),
		exited.then(code => {
			throw new Error(`the sandbox process exited ${code}`);
		}),
	]);
	return {
		...JSON.parse(line),
		async close() {
			child.stdin.end();
			await exited;
		},
	};
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
	const {startSandbox} = await import('../.build/modules/sandbox/index.js');
	const [profile, latencyMs] = process.argv.slice(2);
	const sandbox = await startSandbox({profile, latencyMs: Number(latencyMs)});
	const {mcpUrl, issuer, resourceMetadataUrl, authorizationServerMetadataUrl} = sandbox;
	process.stdout.write(`${JSON.stringify({profile, mcpUrl, issuer, resourceMetadataUrl, authorizationServerMetadataUrl})}\n`);
	process.stdin.resume();
	process.stdin.on('end', async () => {
		await sandbox.close();
		process.exit(0);
	});
}
