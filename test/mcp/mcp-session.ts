import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport, getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import { expect } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** A client's session with the built `fairpack mcp`, spawned over stdio by the SDK's own client. */
export interface McpSession {
  readonly client: Client;
  /** Calls a tool that must succeed; its JSON answer. */
  call(name: string, args?: Record<string, unknown>): Promise<any>;
  /** Calls a tool that must answer a tool error (`isError`); its text. */
  callError(name: string, args?: unknown): Promise<string>;
  /** Closes the session; resolves with what the server wrote on stderr. */
  close(): Promise<string>;
  /** What the server has written on stderr so far. */
  stderr(): string;
  /** Kills the server with SIGKILL and waits until it is gone; resolves with its stderr. */
  kill(): Promise<string>;
}

/** `env`: variables for the server besides the SDK's default (safe) environment. */
export async function connect(cli: string, args: readonly string[] = [], env: Record<string, string> = {}): Promise<McpSession> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [cli, 'mcp', ...args], cwd: root, stderr: 'pipe', env: { ...getDefaultEnvironment(), ...env } });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const client = new Client({ name: 'fairpack-test', version: '1.0.0' });
  await client.connect(transport);
  const text = (result: Awaited<ReturnType<Client['callTool']>>): string => {
    const [first] = result.content as { type: string; text: string }[];
    expect(first?.type).toBe('text');
    return first?.text ?? '';
  };
  return {
    client,
    async call(name, args = {}) {
      const result = await client.callTool({ name, arguments: args });
      if (result.isError === true) throw new Error(`${name} answered a tool error: ${text(result)}`);
      return JSON.parse(text(result));
    },
    async callError(name, args = {}) {
      const result = await client.callTool({ name, arguments: args as Record<string, unknown> });
      expect(result.isError).toBe(true);
      return text(result);
    },
    async close() {
      await client.close();
      return stderr;
    },
    stderr: () => stderr,
    async kill() {
      const pid = transport.pid;
      if (pid !== null) {
        process.kill(pid, 'SIGKILL');
        // gone once signal 0 finds no such process
        for (let tries = 0; tries < 500; tries++) {
          try {
            process.kill(pid, 0);
          } catch {
            break;
          }
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      }
      await client.close().catch(() => undefined);
      return stderr;
    },
  };
}
