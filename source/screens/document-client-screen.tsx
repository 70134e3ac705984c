import {Spinner} from '@inkjs/ui';
import {Box} from 'ink';
import {Text} from '../components/text.js';
import {type Binding, KeyLine, useKeymap, useSharedKeys} from '../components/keymap.js';
import type {ClientMetadataDocumentCheck} from '../core/client-metadata-document.js';
import {printableLine} from '../core/text.js';
import {otherWayKey} from './registration-screen.js';

export type DocumentClientScreenProps = {
	/** The Client ID Metadata Document's URL: the client id. */
	readonly url: string;
	/** The check of the document; undefined while it is fetched. */
	readonly check?: ClientMetadataDocumentCheck;
	/** Enter, when the document has no error. */
	readonly onContinue: () => void;
	/** `w`: another way to a client id. */
	readonly onOtherWay?: () => void;
};

/**
 * The client step for a Client ID Metadata Document (MCP 2025-11-25, Client ID Metadata Documents): whether its client_id is its URL
 * and its redirect URIs cover the loopback callback, before any login. A document this machine cannot
 * fetch is a warning only: the authorization server fetches it, not us.
 */
export function DocumentClientScreen({url, check, onContinue, onOtherWay}: DocumentClientScreenProps) {
	const usable = check !== undefined && check.errors.length === 0;
	const keymap: readonly Binding[] = [{key: 'return', shown: 'Enter', label: 'log in with the browser', when: usable, action: onContinue}, otherWayKey(onOtherWay), ...useSharedKeys()];
	useKeymap(keymap);
	return (
		<Box flexDirection="column">
			<Text bold>Client ID Metadata Document</Text>
			<Text>The client id is the document&apos;s URL; the authorization server fetches it. No registration is sent.</Text>
			<Text color="cyan">{printableLine(url, 500)}</Text>
			<Box flexDirection="column" marginTop={1}>
				{check === undefined ? <Spinner label="Fetching the document…" /> : undefined}
				{check?.errors.map(error => (
					<Text key={error} color="red">
						✗ {printableLine(error, 500)}
					</Text>
				))}
				{check?.warnings.map(warning => (
					<Text key={warning} color="yellow">
						! {printableLine(warning, 500)}
					</Text>
				))}
				{usable && check.fetched ? <Text color="green">✓ client_id is the document&apos;s URL</Text> : undefined}
				{usable && check.redirectUri ? <Text color="green">✓ redirect URI {check.redirectUri} covers the loopback callback</Text> : undefined}
			</Box>
			<KeyLine bindings={keymap} />
		</Box>
	);
}
