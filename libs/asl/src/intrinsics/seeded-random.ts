/**
 * States.MathRandom with a seed must give the same number for the same seed on every run. We
 * use the linear congruential generator the Java platform specifies for java.util.Random
 * (multiplier 0x5DEECE66D, addend 0xB, 48-bit state, documented in its Javadoc), since Step
 * Functions runs on the JVM. Pure: no global state.
 */
const MULTIPLIER = 0x5deece66dn;
const ADDEND = 0xbn;
const MASK = (1n << 48n) - 1n;

export function seededRandomInt(seed: number, bound: number): number {
  let state = (BigInt(Math.trunc(seed)) ^ MULTIPLIER) & MASK;
  const next = (bits: number): number => {
    state = (state * MULTIPLIER + ADDEND) & MASK;
    return Number(BigInt.asIntN(32, state >> BigInt(48 - bits)));
  };
  if ((bound & -bound) === bound) {
    return Number((BigInt(bound) * BigInt(next(31))) >> 31n);
  }
  while (true) {
    const bits = next(31);
    const value = bits % bound;
    // Java rejects draws from the incomplete last interval (int overflow check).
    if (bits - value + (bound - 1) <= 0x7fffffff) return value;
  }
}
