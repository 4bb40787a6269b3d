import type * as ServerModule from '@modelcontextprotocol/sdk/server/index.js';
import type * as StdioModule from '@modelcontextprotocol/sdk/server/stdio.js';
import type * as TypesModule from '@modelcontextprotocol/sdk/types.js';

/** The parts of the MCP SDK that `fairpack mcp` uses. */
export interface McpSdk {
  readonly Server: typeof ServerModule.Server;
  readonly StdioServerTransport: typeof StdioModule.StdioServerTransport;
  readonly types: typeof TypesModule;
}

const importSdk = async (): Promise<unknown> => {
  const [server, stdio, types] = await Promise.all([
    import('@modelcontextprotocol/sdk/server/index.js'),
    import('@modelcontextprotocol/sdk/server/stdio.js'),
    import('@modelcontextprotocol/sdk/types.js'),
  ]);
  return { Server: server.Server, StdioServerTransport: stdio.StdioServerTransport, types };
};

/**
 * Loads the MCP SDK, an optional peer dependency used by `fairpack mcp` only (the library keeps
 * its two runtime dependencies). `importer` is a parameter so the missing-module message can be tested.
 */
export async function loadMcpSdk(importer: () => Promise<unknown> = importSdk): Promise<McpSdk> {
  let loaded: unknown;
  try {
    loaded = await importer();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `fairpack mcp needs @modelcontextprotocol/sdk, an optional peer dependency of fairpack, and it could not be loaded (${reason}). Install it next to fairpack: npm install @modelcontextprotocol/sdk`,
    );
  }
  return loaded as McpSdk;
}
