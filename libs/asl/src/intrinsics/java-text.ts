/**
 * States.Format prints its arguments the way the Java runtime behind Step Functions calls
 * `toString()` on them: objects as `{k=v, k2=v2}`, arrays as `[a, b]`, strings unquoted
 * (corpus: test_format_2 prints `{"Arg1":1,"Arg2":[]}` as `{Arg1=1, Arg2=[]}`).
 */
export function toJavaText(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return javaNumberText(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) return `[${value.map(toJavaText).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => `${k}=${toJavaText(v)}`);
    return `{${entries.join(', ')}}`;
  }
  return String(value);
}

/**
 * Integers print as digits (Jackson reads them as int/long/BigInteger); other numbers as
 * Java's Double.toString, which switches to `1.0E7`-style notation outside [1e-3, 1e7).
 */
export function javaNumberText(value: number): string {
  if (Object.is(value, -0)) return '0';
  if (Number.isInteger(value)) {
    return Math.abs(value) < 1e21 ? String(value) : BigInt(value).toString();
  }
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 1e-3 && abs < 1e7) return String(value);
  const [mantissa, exponent] = value.toExponential().split('e');
  const withFraction = mantissa.includes('.') ? mantissa : `${mantissa}.0`;
  return `${withFraction}E${Number(exponent)}`;
}
