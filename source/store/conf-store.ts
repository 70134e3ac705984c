import {chmodSync, mkdirSync} from 'node:fs';
import Conf from 'conf';
import {sameResource} from '../core/urls.js';
import type {SavedServer, ServerStore} from './types.js';

type StoreFile = {
	version: number;
	servers: Record<string, SavedServer>;
};


/**
 * The saved servers in one JSON file (conf writes it atomically), mode 0600 in a 0700 directory since
 * it holds refresh tokens. The directory is MCP_AUTH_WIZARD_HOME when set, else conf's default.
 */
export function openConfStore(options: {readonly home?: string} = {}): ServerStore {
	if (options.home) {
		mkdirSync(options.home, {recursive: true, mode: 0o700});
	}

	const conf = new Conf<StoreFile>({
		projectName: 'mcp-auth-wizard',
		projectSuffix: '',
		cwd: options.home,
		configName: 'servers',
		configFileMode: 0o600,
		accessPropertiesByDotNotation: false,
		defaults: {version: 1, servers: {}},
	});
	if (options.home) chmodSync(options.home, 0o700);

	const servers = () => conf.get('servers');

	return {
		path: conf.path,
		list: () => Object.values(servers()).sort((a, b) => a.name.localeCompare(b.name)),
		find(nameOrUrl) {
			const all = Object.values(servers());
			return all.find(server => server.name === nameOrUrl) ?? all.find(server => sameResource(server.mcpUrl, nameOrUrl));
		},
		save(server) {
			conf.set('servers', {...servers(), [server.mcpUrl]: server});
		},
		remove(mcpUrl) {
			const all = servers();
			if (!(mcpUrl in all)) return false;
			const {[mcpUrl]: _removed, ...rest} = all;
			conf.set('servers', rest);
			return true;
		},
	};
}
