import {PasswordInput, TextInput} from '@inkjs/ui';
import {Box} from 'ink';
import {Text} from '../components/text.js';
import {type Binding, KeyLine, useKeymap, useSharedKeys} from '../components/keymap.js';

export type ClientIdScreenProps = {
	/** Why a client id must be typed in (no registration endpoint, ...). */
	readonly reason: string;
	/** The loopback redirect URI the operator must have registered for the client, once the listener is up. */
	readonly redirectUri?: string;
	/** Which field is open: the client id, then its secret; or a Client ID Metadata Document's URL. */
	readonly field: 'client-id' | 'client-secret' | 'document-url';
	/** Enter on a non-empty client id. */
	readonly onClientId: (clientId: string) => void;
	/** Enter on the secret; undefined for a public client (empty field). */
	readonly onClientSecret: (clientSecret: string | undefined) => void;
	/** Enter on a non-empty document URL. */
	readonly onDocumentUrl: (url: string) => void;
};

/**
 * Asks for a pre-registered client (MCP 2025-11-25, Client Registration Approaches) when the server cannot give one otherwise. The
 * secret is typed masked and never shown. Esc goes back to the scopes.
 */
export function ClientIdScreen({reason, redirectUri, field, onClientId, onClientSecret, onDocumentUrl}: ClientIdScreenProps) {
	const document = field === 'document-url';
	const keymap: readonly Binding[] = [{key: 'return', shown: 'Enter', label: field === 'client-secret' ? 'use this client' : 'next'}, ...useSharedKeys('escape')];
	useKeymap(keymap);
	return (
		<Box flexDirection="column">
			<Text bold>{document ? 'A Client ID Metadata Document' : 'A client id is needed'}</Text>
			<Text>{reason}</Text>
			<Text>{document ? 'Its redirect_uris must cover this redirect URI:' : 'Ask the server operator for a client id (and secret, if it has one) registered for this redirect URI:'}</Text>
			<Text color="cyan">{redirectUri ?? '(starting the loopback listener…)'}</Text>
			<Box marginTop={1}>
				{document ? (
					<>
						<Text>Document URL: </Text>
						<TextInput
							key="document-url"
							placeholder="https://example.com/clients/me.json"
							onSubmit={value => {
								if (value.trim() !== '') onDocumentUrl(value.trim());
							}}
						/>
					</>
				) : field === 'client-id' ? (
					<>
						<Text>Client id: </Text>
						<TextInput
							key="client-id"
							placeholder="the client id"
							onSubmit={value => {
								if (value.trim() !== '') onClientId(value.trim());
							}}
						/>
					</>
				) : (
					<>
						<Text>Client secret (empty for none): </Text>
						<PasswordInput key="client-secret" onSubmit={value => onClientSecret(value === '' ? undefined : value)} />
					</>
				)}
			</Box>
			<KeyLine bindings={keymap} />
		</Box>
	);
}
