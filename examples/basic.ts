import { ResourcePool } from 'fairpack';

const pool = new ResourcePool({
  nodes: [
    { id: 'small', capacity: { cpu: 8, memory: 32 } },
    { id: 'big', capacity: { cpu: 32, memory: 128, gpu: 4 } },
  ],
  placement: 'best-fit',
});

const web = pool.allocate({ resources: { cpu: 2.5, memory: 4 } });
console.log(web.ok ? web.allocation.placements : web.message); // [{ nodeId: 'small', … }]

const training = pool.allocate({ resources: { gpu: 8 } });
if (!training.ok) console.log(training.reason, training.required, training.available); // insufficient-resources { gpu: 8 } { gpu: 4 }

if (web.ok) pool.release(web.allocation.id);
console.log(pool.capacity().available); // { cpu: 40, memory: 160, gpu: 4 }
