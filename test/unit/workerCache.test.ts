import { CACHED_WORKFLOW_KIB, WORKER_BASE_MIB, cacheRule, cacheSizeFor, workerMemoryMiB } from '../../workers/worker';
import { preloadModules } from '../../workers/preload';

describe('the lean worker: cache sized from the memory the worker is given', () => {
  it('follows the stated rule, within its bounds', () => {
    expect(cacheSizeFor(WORKER_BASE_MIB + 1024)).toBe(Math.floor((1024 * 1024) / CACHED_WORKFLOW_KIB));
    expect(cacheSizeFor(64)).toBe(100);
    expect(cacheSizeFor(10_000_000)).toBe(50_000);
    expect(cacheRule(4096)).toContain(`maxCachedWorkflows ${cacheSizeFor(4096)} = (4096 MiB given`);
  });

  it('reads KEYFLOW_WORKER_MEMORY_MIB, else the V8 heap limit, and names a bad value', () => {
    expect(workerMemoryMiB({ KEYFLOW_WORKER_MEMORY_MIB: '3000' })).toBe(3000);
    expect(workerMemoryMiB({})).toBeGreaterThan(0);
    expect(() => workerMemoryMiB({ KEYFLOW_WORKER_MEMORY_MIB: 'lots' })).toThrow(/KEYFLOW_WORKER_MEMORY_MIB/);
    expect(() => workerMemoryMiB({ KEYFLOW_WORKER_MEMORY_MIB: '-5' })).toThrow(/more than 0 MiB/);
  });

  it('preloads zod, the schemas (made ready for the freeze) and the rules, never workflow code', () => {
    const modules = preloadModules();
    expect(modules[0]).toBe('zod');
    expect(modules[1]).toMatch(/preloadWarm/);
    expect(modules.filter((m) => /[/\\]workflows[/\\]/.test(m))).toEqual([]);
  });
});
