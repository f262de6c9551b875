import { basename } from 'node:path';

/**
 * Crash points for the journal tests: wrappers of file-system calls that let a test "kill" the process just before
 * its n-th write. From that instant no call reaches the disk again (an async call never settles, a sync call
 * throws), which is what a SIGKILL leaves: the disk as it was after the last completed write.
 */
export type CrashState = {
  armed: boolean;
  calls: number;
  at: number;
  dead: boolean;
  log: string[];
  /** files opened while armed: a dead process's are closed by the kernel, here by the test */
  handles: Array<{ close(): Promise<void> }>;
};

type Kind = 'write' | 'sync' | 'read';

const never = (): Promise<never> => new Promise<never>(() => undefined);

export function guard<F extends (...args: never[]) => unknown>(state: CrashState, name: string, fn: F, kind: Kind): F {
  return ((...args: never[]) => {
    if (!state.armed) return fn(...args);
    if (!state.dead && kind !== 'read') {
      if (state.calls === state.at) state.dead = true;
      else
        state.log[state.calls++] = `${name} ${args
          .filter((a) => typeof a === 'string')
          .map((a) => basename(a as string))
          .join(' ')}`;
    }
    if (!state.dead) return fn(...args);
    if (kind === 'sync') throw Object.assign(new Error('killed'), { code: 'EKILLED' });
    return never();
  }) as F;
}

const HANDLE_WRITES = new Set(['writeFile', 'write', 'chmod', 'datasync', 'sync', 'truncate']);

/** A FileHandle whose writes are crash points too (closing it is not a write: it always goes through). */
export function guardHandle<H extends { close(): Promise<void> }>(state: CrashState, handle: H): H {
  if (state.armed) state.handles.push(handle);
  return new Proxy(handle, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      const bound = (value as (...args: never[]) => unknown).bind(target);
      return HANDLE_WRITES.has(String(property)) ? guard(state, `handle.${String(property)}`, bound, 'write') : bound;
    },
  });
}
