// One process using the built store, for the tests that need several processes at once.
// node store-worker.mjs <.build/modules/store/conf-store.js> <home> <command> <worker> <count>
//   save:   saves <count> servers of its own (https://w<worker>-s<i>.example/mcp)
//   append: appends "w<worker>-<i>" to the scopes of shared.example (https://shared.example/mcp), <count> times
// Prints one JSON line: what happened, and how long each locked update took.
import {pathToFileURL} from 'node:url';

const [storeModule, home, command, worker, count] = process.argv.slice(2);
const {openConfStore} = await import(pathToFileURL(storeModule).href);

const server = (mcpUrl, scopes = []) => ({
	name: new URL(mcpUrl).hostname,
	mcpUrl,
	resource: mcpUrl,
	issuer: 'https://auth.example',
	authorizationServer: {issuer: 'https://auth.example'},
	client: {clientId: `client-${worker}`, authMethod: 'none', source: 'registration'},
	scopes,
	tokens: {accessToken: `access-${worker}`, tokenType: 'Bearer', obtainedAt: new Date().toISOString()},
	createdAt: new Date().toISOString(),
	updatedAt: new Date().toISOString(),
});

const milliseconds = [];
try {
	const store = openConfStore({home});
	for (let i = 0; i < Number(count); i++) {
		const started = performance.now();
		if (command === 'save') {
			await store.save(server(`https://w${worker}-s${i}.example/mcp`));
		} else {
			const mcpUrl = 'https://shared.example/mcp';
			await store.update('shared.example', current => {
				const base = current ?? server(mcpUrl);
				return {...base, scopes: [...base.scopes, `w${worker}-${i}`]};
			});
		}

		milliseconds.push(performance.now() - started);
	}

	console.log(JSON.stringify({ok: true, notices: store.notices, milliseconds}));
} catch (error) {
	console.log(JSON.stringify({ok: false, error: {name: error.name, step: error.step, message: error.message, hint: error.hint}, milliseconds}));
}
