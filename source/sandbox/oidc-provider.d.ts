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
		readonly oidc: {
			readonly body?: Record<string, unknown>;
			/** At the token endpoint: the parameters of the grant and of client authentication (absent ones undefined). */
			readonly params?: Readonly<Record<string, unknown>>;
			/** At the token endpoint: the client, authenticated. */
			readonly client?: ProviderClient;
			readonly provider: Provider;
			/** Names what the request produced, for oidc-provider's events. */
			entity(name: string, value: unknown): void;
		};
		readonly response: {get(field: string): string};
		redirect(url: string): void;
	};

	export type Middleware = (ctx: ProviderContext, next: () => Promise<void>) => Promise<void>;

	export type ProviderClient = {readonly clientId: string};

	/** A grant type's handler at the token endpoint (registerGrantType): sets ctx.body or throws an OAuth error. */
	export type GrantHandler = (ctx: ProviderContext) => Promise<void>;

	/** oidc-provider's AccessToken model: a JWT for its resource server once that is set (accessTokenFormat 'jwt'). */
	export type AccessTokenModel = {
		/** A ResourceServer: the token's audience, format and signing key. */
		resourceServer: unknown;
		/** Seconds. */
		readonly expiration: number;
		readonly tokenType: string;
		/** Stores the token; resolves to its value. */
		save(): Promise<string>;
	};

	/** oidc-provider's Grant model: what a user let a client have. */
	export type GrantModel = {
		addResourceScope(resource: string, scope: string): void;
		/** Resolves to the grant's id. */
		save(): Promise<string>;
	};

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
		/** A grant type of one's own at the token endpoint; `parameters` are the ones it reads, `duplicates` those it takes more than once. */
		registerGrantType(name: string, handler: GrantHandler, parameters?: readonly string[], duplicates?: readonly string[]): void;
		readonly AccessToken: new (properties: {readonly accountId: string; readonly client: ProviderClient; readonly grantId: string; readonly gty: string; readonly scope: string}) => AccessTokenModel;
		readonly Grant: new (properties: {readonly accountId: string; readonly clientId: string}) => GrantModel;
		readonly ResourceServer: new (identifier: string, info: ResourceServerInfo) => unknown;
		/** unique() is false for an (iss, jti) seen before, and remembers it until exp (seconds since the epoch). */
		readonly ReplayDetection: {unique(iss: string, jti: string, exp: number): Promise<boolean>};
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

		/** Any error code, with its description (invalid_grant's own class always says "grant request is invalid"). */
		class CustomOIDCProviderError extends OIDCProviderError {
			constructor(error: string, description: string);
		}

		class InvalidScope extends OIDCProviderError {
			constructor(description: string);
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
