import type { Readable, Writable } from 'node:stream';
import { type AllocationTools, type McpToolDefinition } from '../../mcp/index.js';
import { isFairpackError } from '../../errors.js';
import type { AbortSignalLike } from '../../platform.js';
import type { JsonObject, JsonValue } from '../../pool/index.js';
import { RESOURCES, findResource } from './resources.js';
import type { McpSdk } from './sdk.js';

/** MCP's code for a resource URI it does not serve. */
const RESOURCE_NOT_FOUND = -32002;

const INSTRUCTIONS = [
  'fairpack allocates MCP servers and workers (cpu, memory) to jobs from a finite cluster.',
  'request_resources answers at once: "active" with endpoints, or "failed" with the reason; submit_job waits in a fair queue instead ("pending"), then wait_for_allocation.',
  'Always release_resources when a job is done; allocations also end when their ttl_seconds pass.',
  'get_capacity before large requests; explain says why a request does not fit.',
].join(' ');

export interface McpServerSetup {
  readonly sdk: McpSdk;
  readonly tools: AllocationTools;
  readonly version: string;
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream;
  readonly log: (line: string) => void;
  /**
   * Runs an allocation tool (a resource is read as its tool, without arguments). @default
   * `tools.call`; `fairpack mcp --data` logs the call and answers once it is durable.
   */
  readonly call?: (name: string, args: unknown, options: { readonly signal?: AbortSignalLike }) => Promise<JsonValue>;
  /** More tools answered here before the allocation tools (the test clock's). */
  readonly extraTools?: readonly { readonly definition: McpToolDefinition; run(args: unknown): JsonObject }[];
}

export interface RunningMcpServer {
  /** Resolves when the client has gone (end of input) or `close()` was called. */
  readonly closed: Promise<void>;
  close(): Promise<void>;
}

/**
 * Serves the allocation tools over MCP's stdio transport: tools (list and call), and the capacity
 * and the allocation list as resources a client can read and subscribe to. The tools answer with
 * their JSON as text; bad arguments are tool errors (`isError`) whose text says what was expected,
 * so a model can correct itself; an unknown tool or resource is a protocol error.
 */
export async function startMcpServer(setup: McpServerSetup): Promise<RunningMcpServer> {
  const { sdk, tools, log } = setup;
  const call = setup.call ?? ((name, args, options) => tools.call(name, args, options));
  const { types } = sdk;
  const extra = new Map((setup.extraTools ?? []).map((tool) => [tool.definition.name as string, tool]));
  const server = new sdk.Server(
    { name: 'fairpack', title: 'fairpack resource allocation', version: setup.version },
    { capabilities: { tools: { listChanged: false }, resources: { subscribe: true, listChanged: false } }, instructions: INSTRUCTIONS },
  );

  server.setRequestHandler(types.ListToolsRequestSchema, () => ({
    tools: [...tools.definitions, ...[...extra.values()].map((tool) => tool.definition)].map((tool) => ({ ...tool, inputSchema: tool.inputSchema as { type: 'object' } })),
  }));

  server.setRequestHandler(types.CallToolRequestSchema, async (request, context) => {
    const { name, arguments: args } = request.params;
    const extraTool = extra.get(name);
    const known = extraTool !== undefined || tools.definitions.some((tool) => tool.name === name);
    try {
      const answer = extraTool !== undefined ? extraTool.run(args) : await call(name, args, { signal: context.signal });
      return { content: [{ type: 'text' as const, text: JSON.stringify(answer, null, 2) }] };
    } catch (error) {
      if (isFairpackError(error)) {
        if (!known) throw protocolError(types.ErrorCode.InvalidParams, error.message);
        return { content: [{ type: 'text' as const, text: error.message }], isError: true };
      }
      // a bug: the client hears of it as a tool error, the log gets the stack
      log(`fairpack mcp: ${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return { content: [{ type: 'text' as const, text: `Internal error in ${name}: ${error instanceof Error ? error.message : String(error)}` }], isError: true };
    }
  });

  server.setRequestHandler(types.ListResourcesRequestSchema, () => ({
    resources: RESOURCES.map(({ uri, name, title, description }) => ({ uri, name, title, description, mimeType: 'application/json' })),
  }));

  const resource = (uri: string) => {
    const found = findResource(uri);
    if (found === undefined) throw protocolError(RESOURCE_NOT_FOUND, `Unknown resource ${JSON.stringify(uri)}. Resources: ${RESOURCES.map((r) => r.uri).join(', ')}.`);
    return found;
  };
  server.setRequestHandler(types.ReadResourceRequestSchema, async (request) => {
    const { uri } = request.params;
    return { contents: [{ uri, mimeType: 'application/json', text: JSON.stringify(await call(resource(uri).tool, {}, {}), null, 2) }] };
  });

  // subscriptions: one notification per subscribed resource after a burst of changes
  const subscribed = new Set<string>();
  server.setRequestHandler(types.SubscribeRequestSchema, (request) => {
    subscribed.add(resource(request.params.uri).uri);
    return {};
  });
  server.setRequestHandler(types.UnsubscribeRequestSchema, (request) => {
    subscribed.delete(request.params.uri);
    return {};
  });
  let notifying = false;
  const stopWatching = tools.onChange(() => {
    if (notifying || subscribed.size === 0) return;
    notifying = true;
    setImmediate(() => {
      notifying = false;
      for (const uri of subscribed) server.sendResourceUpdated({ uri }).catch((error: unknown) => log(`fairpack mcp: could not notify ${uri}: ${String(error)}`));
    });
  });

  let done = (): void => {};
  const closed = new Promise<void>((resolve) => (done = resolve));
  const close = async (): Promise<void> => {
    stopWatching();
    await server.close();
    done();
  };
  server.onclose = () => done();
  server.onerror = (error) => log(`fairpack mcp: ${error.message}`);
  setup.input.once('end', () => void close());
  // the client went away while we wrote (EPIPE): nobody is left to answer
  setup.output.on('error', (error: Error) => {
    log(`fairpack mcp: output failed (${error.message}); stopping`);
    void close();
  });
  await server.connect(new sdk.StdioServerTransport(setup.input as Readable, setup.output as Writable));
  return { closed, close };
}

/**
 * A JSON-RPC error the SDK sends as it is: `{ code, message }`. (Its McpError would prefix the
 * message with "MCP error <code>:", which the client's McpError prefixes once more.)
 */
function protocolError(code: number, message: string): Error {
  return Object.assign(new Error(message), { code });
}
