import {PasswordInput, TextInput} from '@inkjs/ui';
import {Box} from 'ink';
import {Text} from '../components/text.js';
import {PathInput} from '../components/masked-url-input.js';
import {type Binding, KeyLine, useKeymap, useSharedKeys} from '../components/keymap.js';

export type ClientIdScreenProps = {
	/** Why a client id must be typed in (no registration endpoint, ...). */
	readonly reason: string;
	/** The loopback redirect URI the operator must have registered for the client, once the listener is up. */
	readonly redirectUri?: string;
	/** Which field is open: the client id, then its secret (or its private key's file); or a Client ID Metadata Document's URL. */
	readonly field: 'client-id' | 'client-secret' | 'private-key' | 'document-url';
	/** A client acting as itself (client_credentials): no browser, so no redirect URI; a secret or a private key. */
	readonly actingAsItself?: boolean;
	/** Why the private key file given last cannot be used. */
	readonly keyError?: string;
	/** Enter on a non-empty client id. */
	readonly onClientId: (clientId: string) => void;
	/** Enter on the secret; undefined for a public client (empty field), or to give a private key instead. */
	readonly onClientSecret: (clientSecret: string | undefined) => void;
	/** Enter on a non-empty path of a private key file. */
	readonly onPrivateKeyFile?: (path: string) => void;
	/** Enter on a non-empty document URL. */
	readonly onDocumentUrl: (url: string) => void;
};

/** The prompt and the input of the open field. */
function FieldInput({field, actingAsItself, keyError, onClientId, onClientSecret, onPrivateKeyFile, onDocumentUrl}: ClientIdScreenProps) {
	const nonEmpty = (report: ((value: string) => void) | undefined) => (value: string) => {
		if (value.trim() !== '') report?.(value.trim());
	};

	switch (field) {
		case 'document-url': {
			return (
				<>
					<Text>Document URL: </Text>
					<TextInput key="document-url" placeholder="https://example.com/clients/me.json" onSubmit={nonEmpty(onDocumentUrl)} />
				</>
			);
		}

		case 'client-id': {
			return (
				<>
					<Text>Client id: </Text>
					<TextInput key="client-id" placeholder="the client id" onSubmit={nonEmpty(onClientId)} />
				</>
			);
		}

		case 'client-secret': {
			return (
				<>
					<Text>{actingAsItself ? 'Client secret (empty to use a private key file): ' : 'Client secret (empty for none): '}</Text>
					<PasswordInput key="client-secret" onSubmit={value => onClientSecret(value === '' ? undefined : value)} />
				</>
			);
		}

		case 'private-key': {
			return (
				<>
					<Text>Private key file (PEM): </Text>
					{/* A new field after a refusal; the key itself pasted here is masked. */}
					<PathInput key={`private-key:${keyError ?? ''}`} placeholder="~/keys/client.pem" onSubmit={nonEmpty(onPrivateKeyFile)} />
				</>
			);
		}
	}
}

/**
 * Asks for a pre-registered client (MCP 2025-11-25, Client Registration Approaches) when the server cannot give one otherwise, or
 * for a client acting as itself. The secret is typed masked and never shown; a private key is read from
 * its file, never typed. Esc goes back to the scopes.
 */
export function ClientIdScreen(props: ClientIdScreenProps) {
	const {reason, redirectUri, field, actingAsItself, keyError} = props;
	const document = field === 'document-url';
	const last = field === 'client-secret' || field === 'private-key';
	const keymap: readonly Binding[] = [{key: 'return', shown: 'Enter', label: last ? 'use this client' : 'next'}, ...useSharedKeys('escape')];
	useKeymap(keymap);
	return (
		<Box flexDirection="column">
			<Text bold>{document ? 'A Client ID Metadata Document' : actingAsItself ? 'A client acting as itself' : 'A client id is needed'}</Text>
			<Text>{reason}</Text>
			{actingAsItself ? (
				<Text>The key, when you give one, signs each token request (private_key_jwt, RFC 7523); it is saved 0600, never shown.</Text>
			) : (
				<>
					<Text>{document ? 'Its redirect_uris must cover this redirect URI:' : 'Ask the server operator for a client id (and secret, if it has one) registered for this redirect URI:'}</Text>
					<Text color="cyan">{redirectUri ?? '(starting the loopback listener…)'}</Text>
				</>
			)}
			<Box marginTop={1}>
				<FieldInput {...props} />
			</Box>
			{field === 'private-key' && keyError ? <Text color="red">{keyError}</Text> : null}
			<KeyLine bindings={keymap} />
		</Box>
	);
}
