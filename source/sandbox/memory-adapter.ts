import type {Adapter, AdapterConstructor, AdapterPayload} from 'oidc-provider';

type Entry = {payload: AdapterPayload; expiresAt: number | undefined};

export type MemoryAdapterOptions = {
	/**
	 * Asked for a client id that is not stored: the metadata of a client found elsewhere (a Client ID
	 * Metadata Document), or undefined for an unknown client. oidc-provider asks the adapter of its
	 * Client model for every client id it does not hold statically.
	 */
	readonly findClient?: (id: string) => Promise<AdapterPayload | undefined>;
};

/**
 * An in-memory store for one sandbox. oidc-provider has its own, but it prints a warning when used;
 * this one also keeps each sandbox's data apart and sets no timers (expiry is checked on read).
 */
export function createMemoryAdapter(options: MemoryAdapterOptions = {}): AdapterConstructor {
	const entries = new Map<string, Entry>();
	const grants = new Map<string, Set<string>>();
	const lookups = new Map<string, string>();

	return class MemoryAdapter implements Adapter {
		private readonly model: string;

		constructor(model: string) {
			this.model = model;
		}

		async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
			const key = this.key(id);
			entries.set(key, {payload: structuredClone(payload), expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : undefined});
			if (payload.grantId) {
				const keys = grants.get(payload.grantId) ?? new Set();
				keys.add(key);
				grants.set(payload.grantId, keys);
			}

			if (payload.uid) lookups.set(`${this.model}:uid:${payload.uid}`, id);
			if (payload.userCode) lookups.set(`${this.model}:userCode:${payload.userCode}`, id);
		}

		async find(id: string): Promise<AdapterPayload | undefined> {
			const entry = entries.get(this.key(id));
			if (!entry) return this.model === 'Client' && options.findClient ? options.findClient(id) : undefined;
			if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
				entries.delete(this.key(id));
				return undefined;
			}

			return structuredClone(entry.payload);
		}

		async findByUid(uid: string): Promise<AdapterPayload | undefined> {
			const id = lookups.get(`${this.model}:uid:${uid}`);
			return id === undefined ? undefined : this.find(id);
		}

		async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
			const id = lookups.get(`${this.model}:userCode:${userCode}`);
			return id === undefined ? undefined : this.find(id);
		}

		async consume(id: string): Promise<void> {
			const entry = entries.get(this.key(id));
			if (entry) entry.payload.consumed = Math.floor(Date.now() / 1000);
		}

		async destroy(id: string): Promise<void> {
			entries.delete(this.key(id));
		}

		async revokeByGrantId(grantId: string): Promise<void> {
			for (const key of grants.get(grantId) ?? []) entries.delete(key);
			grants.delete(grantId);
		}

		private key(id: string): string {
			return `${this.model}:${id}`;
		}
	};
}
