// pool: run async jobs with bounded concurrency, results in input order; the first failure stops new starts.
export async function mapPool<T, R>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length)
  let next = 0
  let failed: unknown
  const worker = async () => {
    while (failed === undefined && next < items.length) {
      const i = next++
      try { out[i] = await fn(items[i], i) } catch (e) { failed ??= e }
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  if (failed !== undefined) throw failed
  return out
}

/** Like mapPool, but every item runs; returns settled results so a batch can report ✓/✗ per item. */
export async function settlePool<T, R>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<PromiseSettledResult<R>[]> {
  return mapPool(items, limit, (item, i) => fn(item, i).then(
    (value) => ({ status: 'fulfilled', value }) as const,
    (reason) => ({ status: 'rejected', reason }) as const,
  ))
}
