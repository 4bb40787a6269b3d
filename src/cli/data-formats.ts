/** The snapshot format of each command's data directory (`fairpack serve` keeps the manager's own). */
export const SERVE_SNAPSHOT_FORMAT = 'fairpack.snapshot';
export const NODE_SNAPSHOT_FORMAT = 'fairpack.node';
export const MCP_SNAPSHOT_FORMAT = 'fairpack.mcp';

const OWNERS: ReadonlyMap<unknown, string> = new Map([
  [SERVE_SNAPSHOT_FORMAT, 'fairpack serve'],
  [NODE_SNAPSHOT_FORMAT, 'fairpack node'],
  [MCP_SNAPSHOT_FORMAT, 'fairpack mcp'],
]);

/**
 * Why `command` refuses a data directory whose snapshot has `format`: whose it is, when it is
 * another command's. Each process keeps its own kind of state; one directory never holds two.
 */
export function notOurs(directory: string, command: string, format: unknown): string {
  const owner = OWNERS.get(format);
  const whose = owner === undefined ? '' : `: it holds the state of \`${owner}\``;
  return `the data directory ${directory} was not written by ${command}${whose} (its snapshot is ${JSON.stringify(format)}); give each process a directory of its own`;
}

/** The command whose directory this is, if another command wrote it (serve's check: its own snapshot has no format of these). */
export function ownerOf(format: unknown): string | undefined {
  return OWNERS.get(format);
}
