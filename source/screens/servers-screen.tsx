import {Box} from 'ink';
import {Text} from '../components/text.js';
import SelectInput from 'ink-select-input';
import {createContext, useCallback, useContext, useMemo} from 'react';
import {useColumns} from '../components/columns.js';
import {useClock} from '../components/countdown.js';
import {type Binding, KeyLine, useKeymap, useSharedKeys} from '../components/keymap.js';
import {printableLine} from '../core/text.js';
import {type ServerStatus, serverStatus, statusLabel} from '../store/status.js';
import type {SavedServer} from '../store/types.js';

export type ServersScreenProps = {
	/** Every saved server. */
	readonly servers: readonly SavedServer[];
	/** Lines to tell the user about the store (a file moved aside, permissions tightened), shown above the list. */
	readonly notices: readonly string[];
	/** The server to have the cursor on at first (an MCP URL). */
	readonly initialSelection?: string;
	/** The rows the screen may take, key hints included; the list scrolls within them. */
	readonly height?: number;
	/** The clock, for tests. */
	readonly now?: () => number;
	/** Enter on a server: its details. */
	readonly onOpen: (name: string) => void;
	/** Enter on "+ Log in to a new server", or the key `n`. */
	readonly onAdd: () => void;
};

/** A status as a mark and a colour: the mark alone tells the state apart without colour. */
export type StatusMark = {readonly mark: '✓' | '!' | '✗' | '↻'; readonly color: 'green' | 'yellow' | 'red' | 'cyan'};

/** ✓ valid, ! expiring within a minute or the last check failed, ✗ needs login, ↻ expired but refreshable. */
export function statusMark(status: ServerStatus): StatusMark {
	switch (status.kind) {
		case 'valid': {
			return status.secondsLeft !== undefined && status.secondsLeft < 60 ? {mark: '!', color: 'yellow'} : {mark: '✓', color: 'green'};
		}

		case 'check-failed': {
			return {mark: '!', color: 'yellow'};
		}

		case 'expired-refreshable': {
			return {mark: '↻', color: 'cyan'};
		}

		case 'needs-login': {
			return {mark: '✗', color: 'red'};
		}
	}
}

export const addServerLabel = '+ Log in to a new server';

/** One server as its row shows it, every string already safe for the terminal. */
type Row = StatusMark & {
	readonly name: string;
	readonly status: string;
	readonly url: string;
	readonly issuer: string;
	readonly scopes: string;
};

type Table = {
	/** Keyed by the login's name, which is also the item's label. */
	readonly rows: ReadonlyMap<string, Row>;
	readonly nameWidth: number;
	readonly statusWidth: number;
	readonly issuerWidth: number;
	/** What is left of the terminal's width for the MCP URL, and for the issuer line. */
	readonly urlWidth: number;
	readonly lineWidth: number;
};

// ink-select-input gives its item component only the label: the rows reach it through a context, so
// that the component stays one function (a new one a second would remount every row).
const TableContext = createContext<Table | undefined>(undefined);

/** ink-select-input's indicator ("❯ ") before each row. */
const selectIndicatorWidth = 2;
const markWidth = 2;
const gap = 2;

function widthOf(values: readonly string[], min: number, max: number): number {
	return Math.min(max, Math.max(min, ...values.map(value => value.length)));
}

function ServerItem({isSelected = false, label}: {readonly isSelected?: boolean; readonly label: string}) {
	const table = useContext(TableContext);
	const row = table?.rows.get(label);
	if (!table || !row) return <Text color={isSelected ? 'blue' : undefined}>{label}</Text>;
	return (
		<Box flexDirection="column">
			<Box>
				<Box width={markWidth} flexShrink={0}>
					<Text color={row.color}>{row.mark}</Text>
				</Box>
				<Box width={table.nameWidth} marginRight={gap} flexShrink={0}>
					<Text bold color={isSelected ? 'blue' : undefined} wrap="truncate-end">
						{row.name}
					</Text>
				</Box>
				<Box width={table.statusWidth} marginRight={gap} flexShrink={0}>
					<Text wrap="truncate-end">{row.status}</Text>
				</Box>
				<Box width={table.urlWidth} flexShrink={0}>
					<Text wrap="truncate-middle">{row.url}</Text>
				</Box>
			</Box>
			<Box paddingLeft={markWidth} width={table.lineWidth} flexShrink={0}>
				<Text dimColor wrap="truncate-end">
					issuer {row.issuer.padEnd(table.issuerWidth)}
					{'  '}scopes {row.scopes}
				</Text>
			</Box>
		</Box>
	);
}

function Header({table}: {readonly table: Table}) {
	// Two columns for ink-select-input's indicator ("❯ "), then the mark.
	return (
		<Box paddingLeft={2 + markWidth}>
			<Box width={table.nameWidth} marginRight={gap} flexShrink={0}>
				<Text dimColor>name</Text>
			</Box>
			<Box width={table.statusWidth} marginRight={gap} flexShrink={0}>
				<Text dimColor>status</Text>
			</Box>
			<Text dimColor>MCP URL</Text>
		</Box>
	);
}

/** The saved servers, each with its live status, and a row to log in to a new one. */
export function ServersScreen({servers, notices, initialSelection, height, now, onOpen, onAdd}: ServersScreenProps) {
	// The one clock of the screen: every status ticks with it, once a second.
	const current = useClock(now);
	const columns = useColumns();
	const shared = useSharedKeys();
	const keymap: readonly Binding[] = [{key: '', shown: '↑↓', label: 'choose'}, {key: 'return', shown: 'Enter', label: 'open'}, {key: 'n', label: 'new server', action: onAdd}, ...shared];
	useKeymap(keymap);

	const items = useMemo(() => [...servers.map(server => ({key: server.name, label: server.name, value: server.name})), {key: 'add-server', label: addServerLabel, value: ''}], [servers]);
	const handleSelect = useCallback(
		(item: {readonly value: string}) => {
			if (item.value === '') onAdd();
			else onOpen(item.value);
		},
		[onAdd, onOpen],
	);

	const rows = new Map<string, Row>();
	for (const server of servers) {
		const status = serverStatus(server, current);
		rows.set(server.name, {
			...statusMark(status),
			name: printableLine(server.name),
			status: statusLabel(status),
			url: printableLine(server.mcpUrl),
			issuer: printableLine(server.issuer),
			scopes: server.scopes.length === 0 ? '(none)' : printableLine(server.scopes.join(' ')),
		});
	}

	const values = [...rows.values()];
	const nameWidth = widthOf(values.map(row => row.name), 4, Math.min(24, Math.floor(columns / 6)));
	const statusWidth = widthOf(values.map(row => row.status), 6, Math.min(40, Math.floor(columns / 3)));
	// The widths are set, not left to the layout: a row that does not shrink would overflow the terminal.
	const lineWidth = columns - selectIndicatorWidth;
	const table: Table = {
		rows,
		nameWidth,
		statusWidth,
		issuerWidth: widthOf(values.map(row => row.issuer), 0, 40),
		urlWidth: Math.max(1, lineWidth - markWidth - nameWidth - gap - statusWidth - gap),
		lineWidth,
	};
	const initialIndex = Math.max(0, servers.findIndex(server => server.name === initialSelection));
	// Two rows a server; the title, the column names, the margins and a key line of up to two rows around them.
	const limit = height === undefined ? undefined : Math.max(1, Math.floor((height - notices.length - 7) / 2));

	return (
		<Box flexDirection="column">
			<Text bold>Saved servers{servers.length > 0 ? ` (${servers.length})` : ''}</Text>
			{notices.length > 0 ? (
				<Box flexDirection="column" marginTop={1}>
					{notices.map(notice => (
						<Text key={notice} color="yellow">
							{notice}
						</Text>
					))}
				</Box>
			) : undefined}
			<Box flexDirection="column" marginTop={1}>
				{servers.length === 0 ? <Text>No saved servers yet.</Text> : <Header table={table}/>}
				<TableContext.Provider value={table}>
					<SelectInput items={items} initialIndex={initialIndex} itemComponent={ServerItem} limit={limit} onSelect={handleSelect}/>
				</TableContext.Provider>
			</Box>
			<KeyLine bindings={keymap}/>
		</Box>
	);
}
