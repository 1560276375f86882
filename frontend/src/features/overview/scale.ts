/** A round maximum for the y axis (1, 2, 5, 10, 20, …) at or above `n`. */
export function axisMax(n: number): number {
  if (n <= 1) return 1
  const step = 10 ** Math.floor(Math.log10(n))
  return [1, 2, 5, 10].map((k) => k * step).find((m) => m >= n)!
}
