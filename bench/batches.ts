/**
 * How the bench's clients that do not size their own calls (wechat4u, the limit) ask for the rooms'
 * members: webwxbatchgetcontact with at most 50 rooms a call (the server refuses more), 4 calls in
 * flight.
 */
export const ROOMS_PER_BATCH = 50;
export const BATCHES_IN_FLIGHT = 4;

/** Calls `fetch` on `items` in slices of ROOMS_PER_BATCH, BATCHES_IN_FLIGHT slices at a time. */
export async function inBatches<T>(items: readonly T[], fetch: (batch: T[]) => Promise<void>): Promise<void> {
  const batches: T[][] = [];
  for (let i = 0; i < items.length; i += ROOMS_PER_BATCH) batches.push(items.slice(i, i + ROOMS_PER_BATCH));
  const worker = async () => {
    for (let b = batches.shift(); b; b = batches.shift()) await fetch(b);
  };
  await Promise.all(Array.from({ length: BATCHES_IN_FLIGHT }, worker));
}
