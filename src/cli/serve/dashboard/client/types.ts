/** The shapes of the server's answers the page reads (see docs/http.md). */
export type Resources = Readonly<Record<string, number>>;

export interface Job {
  readonly id: string;
  readonly tenant: string;
  readonly priority: string;
  readonly category?: string;
  readonly resources: Resources;
  readonly replicas: number;
  readonly status: string;
  readonly allocationId?: string;
  readonly submittedAt: number;
  readonly startedAt?: number;
  readonly endedAt?: number;
  readonly reason?: string;
  readonly preemptedBy?: string;
  readonly nominatedNode?: string;
}

export interface Allocation {
  readonly id: string;
  readonly jobId: string;
  readonly tenant: string;
  readonly priority: string;
  readonly resources: Resources;
  readonly placements: readonly { readonly nodeId: string; readonly resources: Resources }[];
}

export interface NodeView {
  readonly id: string;
  readonly capacity: Resources;
  readonly allocated: Resources;
  readonly reserved: Resources;
  readonly available: Resources;
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly { readonly key: string; readonly value?: string; readonly effect: string }[];
  readonly status: string;
  readonly spot?: true;
  readonly costPerHour?: number;
  readonly allocationCount: number;
}

export interface Reservation {
  readonly jobId: string;
  readonly nodeId: string;
  readonly resources: Resources;
  readonly reason: string;
}

export interface Tenant {
  readonly tenant: string;
  readonly weight: number;
  readonly running: number;
  readonly queued: number;
  readonly usage: Resources;
  readonly quota?: Resources;
  readonly dominantShare: number;
  readonly fairShare: number;
  readonly quotaRejections: number;
  readonly rejections: number;
}

export interface Capacity {
  readonly total: Resources;
  readonly allocated: Resources;
  readonly reserved: Resources;
}

export interface JobRef {
  readonly id: string;
  readonly tenant: string;
  readonly priority: string;
}

export interface Activity {
  readonly preemptions: readonly { readonly at: number; readonly victim: JobRef; readonly preemptor: JobRef; readonly nodeId: string }[];
  readonly rejections: readonly { readonly at: number; readonly job: JobRef; readonly reason: string }[];
}

export interface TimelineEntry {
  readonly seq: number;
  readonly at: number;
  readonly type: string;
  readonly status: string;
  readonly reason?: string;
  readonly nodes?: readonly string[];
  readonly by?: string;
  readonly victim?: string;
  readonly nodeId?: string;
  readonly until?: number;
}

export interface Health {
  readonly status: string;
  readonly role?: 'leader' | 'follower';
  readonly term?: number;
  readonly leader?: string | null;
  readonly journal?: { readonly seq?: number | null; readonly lagMs?: number; readonly directory?: string; readonly store?: string };
}
