/** The manager's queued reasons in words (docs/manager.md), for when its own explanation is not known. */
const REASONS: Readonly<Record<string, string>> = {
  'insufficient-resources': 'not enough free room on any node',
  'no-eligible-node': 'no node matches its selector, taints or spot setting',
  'declined-by-strategy': 'the placement strategy chose no node',
  'concurrency-limit': 'its category is at its concurrency cap',
  fairness: 'another tenant is served first (fair share)',
  quota: "its tenant's quota is used up",
  preempting: 'it evicted jobs and waits for their grace period',
  backoff: 'it was preempted and waits out its back-off',
};

export function reasonText(reason: string | undefined): string {
  if (reason === undefined) return '—';
  const words = Object.hasOwn(REASONS, reason) ? REASONS[reason] : undefined;
  return words === undefined ? reason : `${reason}: ${words}`;
}
