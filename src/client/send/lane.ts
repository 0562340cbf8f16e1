/**
 * A lane: the sends of one chat, in the order they were made. The outbox issues from its head; a
 * failed send goes back in its original place (before everything queued after it).
 */

/** What a lane holds: anything with a queue position. */
export interface Queued {
  /** Queue order (all lanes). */
  readonly seq: number;
}

export class Lane<J extends Queued> {
  readonly key: string;
  /** Jobs not in flight, in queue order, from `#head` on. */
  #jobs: J[] = [];
  #head = 0;
  inFlight = 0;
  /** The in-flight send is one that nothing may overtake or join (media, forward, revoke). */
  exclusive = false;
  /** This lane's in-flight texts went out with `ordered: true` (decided when it had none in flight). */
  ordered = false;
  /** A failed send of this lane is waiting out its back-off (the token of that wait). */
  heldBy = 0;
  /** In the outbox's list of lanes that can issue. */
  offered = false;

  constructor(key: string) {
    this.key = key;
  }

  get waiting(): number {
    return this.#jobs.length - this.#head;
  }

  peek(): J | undefined {
    return this.#jobs[this.#head];
  }

  take(): J | undefined {
    const job = this.#jobs[this.#head];
    if (job === undefined) return undefined;
    this.#jobs[this.#head++] = undefined as unknown as J;
    if (this.#head === this.#jobs.length) {
      this.#jobs = [];
      this.#head = 0;
    } else if (this.#head >= 1024 && this.#head * 2 >= this.#jobs.length) {
      this.#jobs = this.#jobs.slice(this.#head);
      this.#head = 0;
    }
    return job;
  }

  push(job: J): void {
    this.#jobs.push(job);
  }

  /** A failed job goes back in its original place (before every job queued after it). */
  putBack(job: J): void {
    let at = this.#head;
    while (at < this.#jobs.length && (this.#jobs[at] as J).seq < job.seq) at++;
    if (at === this.#head && this.#head > 0) this.#jobs[--this.#head] = job;
    else this.#jobs.splice(at, 0, job);
  }

  /** Takes a waiting job out (aborted by its signal); true when it was waiting here. */
  remove(job: J): boolean {
    const at = this.#jobs.indexOf(job, this.#head);
    if (at < 0) return false;
    this.#jobs.splice(at, 1);
    return true;
  }

  /** Empties the lane, returning what was waiting. */
  drain(): J[] {
    const jobs = this.#jobs.slice(this.#head);
    this.#jobs = [];
    this.#head = 0;
    return jobs;
  }
}
