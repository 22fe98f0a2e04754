// A publication lock whose holder's process id is not running here is taken over at once only with proof
// that the id means a process of this machine: the same host name, boot and process id namespace. Where
// /proc cannot be read (another OS, a container without it), the process space was the host name alone,
// and two containers bearing the same host name took each other's live holder for dead: a process id that
// does not run in this container may be a live publication in the other. Without proof, the lock now waits
// for its expiry. /proc is simulated missing through processSpace's readers, never touched.
import { expect, it } from 'vitest';
import { holderDied, processSpace, type SpaceReaders } from '../src/catalogue/publication-lock.ts';

const missing = (): string => {
  throw Object.assign(new Error("ENOENT: no such file or directory, open '/proc/sys/kernel/random/boot_id'"), { code: 'ENOENT' });
};
const NO_PROC: SpaceReaders = { bootId: missing, pidNamespace: missing };
const PROC: SpaceReaders = { bootId: () => '6f1c2d7e-0b8a-4b8e-9d1e-2c3b4a5d6e7f\n', pidNamespace: () => 'pid:[4026532841]' };
/** No process of that id runs here. */
const gone = () => {
  throw Object.assign(new Error('kill ESRCH'), { code: 'ESRCH' });
};

it('without /proc the process space is unknown, not the host name alone', () => {
  expect(processSpace('ci-runner', NO_PROC)).toBeNull();
  expect(processSpace('ci-runner', { ...PROC, pidNamespace: missing })).toBeNull();
  expect(processSpace('ci-runner', { ...PROC, bootId: missing })).toBeNull();
  expect(processSpace('ci-runner', PROC)).toBe('ci-runner 6f1c2d7e-0b8a-4b8e-9d1e-2c3b4a5d6e7f pid:[4026532841]');
});

it('a holder whose process id runs nowhere here is not taken for dead when neither side can prove the id is of one machine', () => {
  // Two containers named alike without /proc: each writes what processSpace gives it.
  const here = { pid: 4242, host: 'ci-runner', space: processSpace('ci-runner', NO_PROC) };
  const other = { key: 'publication', token: 't', what: 'catalogue import of sc-health.yaml', since: new Date().toISOString(), pid: 7, host: 'ci-runner', space: processSpace('ci-runner', NO_PROC) };
  expect(holderDied(other, here, gone)).toBe(false);
  // A row written by a build that recorded the host name alone, read by one without /proc: no proof either.
  expect(holderDied({ ...other, space: 'ci-runner' }, here, gone)).toBe(false);
  // With /proc on both sides and the same space, a process id that runs nowhere here is a dead holder.
  const proven = processSpace('ci-runner', PROC);
  expect(holderDied({ ...other, space: proven }, { ...here, space: proven }, gone)).toBe(true);
  // Still alive, or another space: not dead.
  expect(holderDied({ ...other, space: proven }, { ...here, space: proven }, () => undefined)).toBe(false);
  expect(holderDied({ ...other, space: 'ci-runner other-boot pid:[1]' }, { ...here, space: proven }, gone)).toBe(false);
});
