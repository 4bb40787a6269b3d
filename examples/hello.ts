import { ResourcePool } from 'fairpack';

const pool = new ResourcePool({ capacity: { cpu: 8, memory: 16 } });
const r = pool.allocate({ resources: { cpu: 2, memory: 4 } });
console.log(r.ok ? r.allocation.placements : r.message);
