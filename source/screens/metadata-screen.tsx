import {Box} from 'ink';
import {Text} from '../components/text.js';
import type {ReactNode} from 'react';
import type {Discovery, Finding} from '../core/discovery.js';
import {printable} from '../core/text.js';
import {jsonLines} from '../components/json-view.js';
import {type Binding, KeyLine, useKeymap, useSharedKeys} from '../components/keymap.js';
import {ScrollView} from '../components/scroll-view.js';
import {useColumns} from '../components/columns.js';
import {cutRows, wrapWords} from '../components/rows.js';

export type MetadataScreenProps = {
	/** What discovery found. */
	readonly discovery: Discovery;
	/** Both metadata documents as raw JSON instead of their key fields. */
	readonly showRaw: boolean;
	/** The rows the screen may take, key hints included. */
	readonly height: number;
	/** `j`: the App flips showRaw. */
	readonly onToggleRaw: () => void;
	/** Enter, only when there is an authorization server and no error finding. */
	readonly onContinue: () => void;
	/** Whether Enter goes on; by default, when no finding is an error (the wizard's gate knows the ways without a browser). */
	readonly canContinue?: boolean;
};

function show(value: unknown): string {
	if (value === undefined) return 'not given';
	if (typeof value === 'boolean') return value ? 'yes' : 'no';
	if (Array.isArray(value)) return value.length === 0 ? '(empty list)' : printable(value.map(String).join(', '));
	return printable(String(value));
}

/** A heading, on as many rows as it takes. */
function heading(text: string, columns = Number.POSITIVE_INFINITY): ReactNode[] {
	// Made printable before it is cut: an escaped control character is wider than the character.
	return wrapWords(printable(text), columns, '  ').map(row => <Text bold>{row}</Text>);
}

/**
 * A heading, then each field: its label and value on one row where the value fits beside the label
 * column, else the label on a row and the value whole under it, on as many rows as it takes. Every
 * line is one terminal row, as the scroll view counts them.
 */
function section(title: string, fields: ReadonlyArray<readonly [label: string, value: unknown]>, columns: number): ReactNode[] {
	const width = Math.max(0, ...fields.map(([label]) => label.length)) + 4;
	return [
		...heading(title, columns),
		...fields.flatMap(([label, field]) => {
			const value = show(field);
			if (width + [...value].length <= columns) {
				return [
					<Box>
						<Box width={width} flexShrink={0} paddingLeft={2}>
							<Text dimColor>{label}</Text>
						</Box>
						<Text>{value}</Text>
					</Box>,
				];
			}

			return [<Text dimColor wrap="truncate-end">{`  ${label}`}</Text>, ...cutRows(value, Math.max(1, columns - 4)).map(row => <Text>{`    ${row}`}</Text>)];
		}),
	];
}

function keyFields(discovery: Discovery, columns: number): ReactNode[] {
	const {probe, resourceMetadata, authorizationServer} = discovery;
	const prm = resourceMetadata?.document;
	const as = authorizationServer?.metadata;
	// A document found and refused (RFC 9728 3.3) is shown as such, not as none found.
	const rejected = resourceMetadata ? undefined : discovery.attempts.find(attempt => attempt.stage === 'resource-metadata' && attempt.outcome === 'rejected');
	const challenge = probe.wwwAuthenticate ?? (probe.status === 401 ? 'none: the 401 has no WWW-Authenticate header' : `none: the probe was answered HTTP ${probe.status ?? '(no answer)'}`);
	return [
		...section('MCP server', [
			['URL', discovery.mcpUrl],
			['resource (sent to the authorization server)', discovery.resource],
			['challenge (WWW-Authenticate)', challenge],
		], columns),
		...section(
			resourceMetadata ? `Resource metadata from ${resourceMetadata.url}` : rejected ? `Resource metadata from ${rejected.url}: refused, ${rejected.note ?? 'not usable'}` : 'Resource metadata: none found',
			prm
				? [
					['resource', prm.resource],
					['authorization_servers', prm.authorization_servers],
					['scopes_supported', prm.scopes_supported],
					['bearer_methods_supported', prm.bearer_methods_supported],
				]
				: [],
			columns,
		),
		...section(
			authorizationServer ? `Authorization server ${authorizationServer.issuer}` : rejected ? 'Authorization server: not looked for, as the resource metadata naming it was refused' : 'Authorization server: none found',
			as && authorizationServer
				? [
					['metadata', authorizationServer.url ?? 'none: the default endpoints of MCP 2025-03-26'],
					['authorization_endpoint', as.authorization_endpoint],
					['token_endpoint', as.token_endpoint],
					['registration_endpoint', as.registration_endpoint],
					['code_challenge_methods_supported', as.code_challenge_methods_supported],
					['token_endpoint_auth_methods_supported', as.token_endpoint_auth_methods_supported],
					['scopes_supported', as.scopes_supported],
					['authorization_response_iss_parameter_supported', as.authorization_response_iss_parameter_supported],
					['client_id_metadata_document_supported', as.client_id_metadata_document_supported],
				]
				: [],
			columns,
		),
	];
}

function rawDocuments(discovery: Discovery, columns: number): ReactNode[] {
	const {resourceMetadata, authorizationServer} = discovery;
	return [
		...heading(resourceMetadata ? `Resource metadata (${resourceMetadata.url})` : 'Resource metadata: none found', columns),
		...(resourceMetadata ? jsonLines(resourceMetadata.document, [], columns) : []),
		...heading(authorizationServer ? `Authorization server metadata (${authorizationServer.url ?? 'default endpoints, no document'})` : 'Authorization server metadata: none found', columns),
		...(authorizationServer ? jsonLines(authorizationServer.metadata, [], columns) : []),
	];
}

function findingLines(findings: readonly Finding[], columns: number): ReactNode[] {
	if (findings.length === 0) return [...heading('Findings'), <Text>  ✓ nothing wrong found</Text>];
	const sorted = [...findings.filter(finding => finding.level === 'error'), ...findings.filter(finding => finding.level === 'warning')];
	return [
		...heading('Findings'),
		...sorted.flatMap(finding => [
			...wrapWords(printable(`  ${finding.level === 'error' ? '✗ error: ' : '! warning: '}${finding.message}`), columns, '    ').map(row => <Text color={finding.level === 'error' ? 'red' : 'yellow'}>{row}</Text>),
			...wrapWords(printable(`    Try: ${finding.hint}`), columns, '    ').map(row => <Text dimColor>{row}</Text>),
		]),
	];
}

/** The metadata that drives the login, its findings, and the gate: errors stop the wizard here. */
export function MetadataScreen({discovery, showRaw, height, onToggleRaw, onContinue, ...props}: MetadataScreenProps) {
	const canContinue = props.canContinue ?? (discovery.authorizationServer !== undefined && !discovery.findings.some(finding => finding.level === 'error'));
	const keymap: readonly Binding[] = [
		{key: 'return', shown: 'Enter', label: 'choose scopes', when: canContinue, action: onContinue},
		{key: 'j', label: showRaw ? 'key fields' : 'raw JSON', action: onToggleRaw},
		// The scroll view takes the arrows.
		{key: '', shown: '↑↓', label: 'scroll'},
		...useSharedKeys(),
	];
	useKeymap(keymap);

	const columns = useColumns();
	const lines = [...(showRaw ? rawDocuments(discovery, columns) : keyFields(discovery, columns)), <Text> </Text>, ...findingLines(discovery.findings, columns)];
	return (
		<Box flexDirection="column">
			<ScrollView height={height - (canContinue ? 2 : 4)} lines={lines}/>
			{canContinue ? undefined : (
				<Box marginTop={1}>
					<Text color="red">Cannot continue: fix the errors above{discovery.authorizationServer || discovery.findings.some(finding => finding.code === 'resource-mismatch') ? '' : ' (no authorization server was found)'}.</Text>
				</Box>
			)}
			<KeyLine bindings={keymap}/>
		</Box>
	);
}
