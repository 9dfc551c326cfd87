/**
 * `java.util.Random(seed).nextDouble()`: the first double of Java's 48-bit linear congruential
 * generator. AWS's engine runs on the JVM, so a seeded `$random(seed)` is reproduced with the
 * JVM's algorithm; all that AWS documents is that one seed always gives the same number.
 */

const MULTIPLIER = 0x5deece66dn;
const ADDEND = 0xbn;
const MASK = (1n << 48n) - 1n;

export function seededRandom(seed: number): number {
  let state = (BigInt.asIntN(64, BigInt(Math.trunc(seed))) ^ MULTIPLIER) & MASK;
  const next = (bits: number): number => {
    state = (state * MULTIPLIER + ADDEND) & MASK;
    return Number(state >> BigInt(48 - bits));
  };
  const high = next(26);
  const low = next(27);
  return (high * 2 ** 27 + low) / 2 ** 53;
}
