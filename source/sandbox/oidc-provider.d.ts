// oidc-provider ships no type definitions: this is the small part of its API the sandbox uses.
declare module 'oidc-provider' {
	import type {IncomingMessage, ServerResponse} from 'node:http';

	/** The parts of oidc-provider's Koa context the sandbox reads or writes. */
	export type ProviderContext = {
		readonly path: string;
		readonly method: string;
		querystring: string;
		status: number;
		body: unknown;
		type: string;
		readonly state: Record<string, unknown>;
		readonly oidc: {readonly body?: Record<string, unknown>};
		readonly response: {get(field: string): string};
		redirect(url: string): void;
	};

	export type Middleware = (ctx: ProviderContext, next: () => Promise<void>) => Promise<void>;

	export type AccountClaims = {readonly sub: string; readonly [claim: string]: unknown};
	export type Account = {readonly accountId: string; claims(): AccountClaims | Promise<AccountClaims>};

	export type ResourceServerInfo = {
		readonly scope: string;
		readonly audience?: string;
		readonly accessTokenTTL?: number;
		readonly accessTokenFormat?: 'opaque' | 'jwt';
		readonly jwt?: {readonly sign?: {readonly alg?: string; readonly kid?: string}};
	};

	export type AdapterPayload = {
		readonly grantId?: string;
		readonly userCode?: string;
		readonly uid?: string;
		consumed?: number;
		readonly [key: string]: unknown;
	};

	/** The storage interface oidc-provider expects (its "adapter"). */
	export type Adapter = {
		upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void>;
		find(id: string): Promise<AdapterPayload | undefined>;
		findByUserCode(userCode: string): Promise<AdapterPayload | undefined>;
		findByUid(uid: string): Promise<AdapterPayload | undefined>;
		consume(id: string): Promise<void>;
		destroy(id: string): Promise<void>;
		revokeByGrantId(grantId: string): Promise<void>;
	};

	export type AdapterConstructor = new (name: string) => Adapter;

	/** oidc-provider's configuration object; only shallowly typed here. */
	export type Configuration = Readonly<Record<string, unknown>>;

	export class Provider {
		constructor(issuer: string, configuration?: Configuration);
		readonly issuer: string;
		use(middleware: Middleware): this;
		callback(): (request: IncomingMessage, response: ServerResponse) => Promise<void>;
		on(event: string, listener: (...arguments_: any[]) => void): this;
	}

	export namespace errors {
		class OIDCProviderError extends Error {
			readonly error: string;
			readonly error_description?: string;
			readonly statusCode: number;
		}

		class InvalidRequest extends OIDCProviderError {
			constructor(description?: string, status?: number);
		}

		class InvalidTarget extends OIDCProviderError {
			constructor(description?: string);
		}

		class InvalidClient extends OIDCProviderError {
			constructor(description?: string, detail?: string);
		}

		/** invalid_client_metadata, or invalid_redirect_uri when the description starts with "redirect_uris". */
		class InvalidClientMetadata extends OIDCProviderError {
			constructor(description: string);
		}
	}

	export default Provider;
}
