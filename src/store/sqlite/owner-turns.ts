// Work of the embedded store waiting in one queue per owner (the requesting department: the port's
// ReadOptions.owner; '' for the store's own work), served one owner after another: a department with many
// operations waiting makes its own wait, not another's, whose next one goes after at most one of each
// other owner's. Both waits of the store take turns so: operations waiting for a turn of the event loop
// (locks.ts) and reads waiting for a reader thread (../sqlite-readers.ts).

export class OwnerTurns<T> {
  /** What each owner has waiting, in the order it came. */
  private readonly queues = new Map<string, T[]>();
  /** The owners with something waiting, whose goes next first. */
  private owners: string[] = [];

  /** How many are waiting, of every owner. */
  get size(): number {
    let size = 0;
    for (const queue of this.queues.values()) size += queue.length;
    return size;
  }

  get empty(): boolean {
    return this.owners.length === 0;
  }

  /** Queues `item` behind its owner's others; a new owner goes after every owner already waiting. */
  add(owner: string, item: T): void {
    const queue = this.queues.get(owner);
    if (queue) queue.push(item);
    else {
      this.queues.set(owner, [item]);
      this.owners.push(owner);
    }
  }

  /** The next owner's first item, taken out; undefined when none waits. */
  next(): T | undefined {
    const owner = this.owners.shift();
    if (owner === undefined) return undefined;
    const queue = this.queues.get(owner)!;
    const item = queue.shift()!;
    if (queue.length > 0) this.owners.push(owner); // the owner's next after every other owner's
    else this.queues.delete(owner);
    return item;
  }

  /** Takes `item` out of its owner's queue (dropped: its request was cancelled); false when not waiting. */
  remove(owner: string, item: T): boolean {
    const queue = this.queues.get(owner);
    const at = queue ? queue.indexOf(item) : -1;
    if (at < 0) return false;
    queue!.splice(at, 1);
    if (queue!.length === 0) {
      this.queues.delete(owner);
      this.owners = this.owners.filter((o) => o !== owner);
    }
    return true;
  }

  /** Takes out everything waiting (the store closes). */
  clear(): T[] {
    const all = [...this.queues.values()].flat();
    this.queues.clear();
    this.owners = [];
    return all;
  }
}
