import { describe, expect, it } from 'vitest';
import * as api from 'fairpack';
import * as testing from 'fairpack/testing';
import * as mcp from 'fairpack/mcp';
import * as client from 'fairpack/client';

/*
 * The public surface, listed: every exported name of `fairpack` and `fairpack/testing`, and every
 * public member of every exported class. A new name (or one that leaks, like the internal methods
 * `allocateParsed`, `parseRequest`, `explain`, `readClock` and the manager's `start` before issue
 * 11 §4) fails here: adding to the surface is a decision, made by editing this list.
 */
const SURFACE = {
  "fairpack/client": ["FairpackClient", "FairpackError", "SseParser", "isFairpackError"],
  "fairpack/client.FairpackClient": {
    "prototype": ["cancel", "health", "job", "jobs", "nodes", "queues", "quota", "release", "setQuota", "submit", "watch"],
    "static": []
  },
  "fairpack/client.FairpackError": {
    "prototype": [],
    "static": []
  },
  "fairpack/client.SseParser": {
    "prototype": ["push"],
    "static": []
  },
  "fairpack/mcp": ["AllocationTools", "SEED_PRIORITIES", "SEED_PRIORITY_CLASSES", "SEED_STATES"],
  "fairpack/mcp.AllocationTools": {
    "prototype": ["call", "cleanupExpired", "close", "explain", "getAllocation", "getCapacity", "listAllocations", "onChange", "queues", "releaseResources", "requestResources", "snapshot", "submitJob", "waitForAllocation"],
    "static": ["restore"]
  },
  "fairpack": [
    "AllocationManager",
    "DEFAULT_MAX_LINE_LENGTH",
    "DEFAULT_PRECISION",
    "DEFAULT_PRIORITY_CLASSES",
    "FairpackError",
    "PROTOCOL_REQUEST_TYPES",
    "ProtocolHandler",
    "ResourcePool",
    "bestFit",
    "dotProduct",
    "drf",
    "fairnessPolicies",
    "fairnessPolicyNames",
    "fifo",
    "firstFit",
    "isFairpackError",
    "placementStrategies",
    "placementStrategyNames",
    "priority",
    "roundRobin",
    "worstFit"
  ],
  "fairpack/testing": [
    "InvariantViolation",
    "applyPoolOperation",
    "badResourcesArbitrary",
    "checkInvariants",
    "checkPreemptionSettled",
    "checkReleaseAllRestoresCapacity",
    "fairnessPolicyContract",
    "nodeSpecArbitrary",
    "nodesArbitrary",
    "placementStrategyContract",
    "poolOperationsArbitrary",
    "poolSnapshot",
    "referencePlacement",
    "requestArbitrary",
    "resourcesArbitrary"
  ],
  "fairpack.AllocationManager": {
    "prototype": [
      "acquire",
      "addNode",
      "allocations",
      "cancel",
      "capacity",
      "cleanupExpired",
      "close",
      "concurrency",
      "costs",
      "drain",
      "heartbeat",
      "interruptNode",
      "job",
      "jobs",
      "journalSeq",
      "metrics",
      "nodes",
      "off",
      "on",
      "once",
      "queues",
      "quota",
      "release",
      "removeNode",
      "replay",
      "reservations",
      "resumeHeartbeats",
      "setConcurrency",
      "setNodeStatus",
      "setQuota",
      "setTenant",
      "snapshot",
      "submit",
      "submitMany",
      "tick",
      "updateNode"
    ],
    "static": [
      "restore"
    ]
  },
  "fairpack.FairpackError": {
    "prototype": [],
    "static": []
  },
  "fairpack.ProtocolHandler": {
    "prototype": [
      "close",
      "handle",
      "handleLine",
      "snapshot"
    ],
    "static": [
      "restore"
    ]
  },
  "fairpack.ResourcePool": {
    "prototype": [
      "addNode",
      "allocate",
      "allocation",
      "allocations",
      "capacity",
      "node",
      "nodes",
      "placement",
      "planBatch",
      "precision",
      "release",
      "removeNode",
      "setNodeStatus",
      "snapshot",
      "updateNode"
    ],
    "static": [
      "restore"
    ]
  },
  "fairpack/testing.InvariantViolation": {
    "prototype": [],
    "static": []
  }
};

function surface(): Record<string, unknown> {
  const out: Record<string, unknown> = { fairpack: Object.keys(api).sort(), 'fairpack/testing': Object.keys(testing).sort(), 'fairpack/mcp': Object.keys(mcp).sort(), 'fairpack/client': Object.keys(client).sort() };
  for (const [module, namespace] of [['fairpack', api], ['fairpack/testing', testing], ['fairpack/mcp', mcp], ['fairpack/client', client]] as const) {
    for (const [name, value] of Object.entries(namespace)) {
      if (typeof value !== 'function' || !/^class /.test(Function.prototype.toString.call(value))) continue;
      const members = Object.getOwnPropertyNames(value.prototype).filter((member) => member !== 'constructor');
      const statics = Object.getOwnPropertyNames(value).filter((member) => !['length', 'name', 'prototype'].includes(member));
      out[`${module}.${name}`] = { prototype: members.sort(), static: statics.sort() };
    }
  }
  return out;
}

describe('the public API surface', () => {
  it('is exactly the listed names and members', () => {
    expect(surface()).toEqual(SURFACE);
  });

  it('instances carry no public fields; internals are not reachable by name', () => {
    const pool = new api.ResourcePool({ capacity: { cpu: 1 } });
    const manager = new api.AllocationManager({ capacity: { cpu: 1 }, now: () => 0, timers: false });
    const handler = new api.ProtocolHandler(manager);
    for (const instance of [pool, manager, handler]) expect(Object.keys(instance)).toEqual([]);
    // before: a TypeError from a private method reachable at run time
    expect((manager as unknown as Record<string, unknown>)['start']).toBeUndefined();
    expect((pool as unknown as Record<string, unknown>)['allocateParsed']).toBeUndefined();
  });
});
