import type { CaseOutcome } from './run-case';

export interface AreaSummary {
  readonly area: string;
  readonly results: { passed: number; total: number };
  readonly history: { passed: number; total: number };
}

export function summarise(outcomes: readonly CaseOutcome[]): AreaSummary[] {
  const byArea = new Map<string, AreaSummary>();
  for (const outcome of outcomes) {
    let summary = byArea.get(outcome.area);
    if (!summary) byArea.set(outcome.area, (summary = { area: outcome.area, results: { passed: 0, total: 0 }, history: { passed: 0, total: 0 } }));
    summary.results.total++;
    if (outcome.results) summary.results.passed++;
    if (outcome.history !== undefined) {
      summary.history.total++;
      if (outcome.history) summary.history.passed++;
    }
  }
  return [...byArea.values()].sort((a, b) => a.area.localeCompare(b.area));
}

export function formatTable(summaries: readonly AreaSummary[]): string {
  const lines: string[] = [];
  const total = { rp: 0, rt: 0, hp: 0, ht: 0 };
  const pad = Math.max(...summaries.map((s) => s.area.length), 5) + 2;
  for (const s of summaries) {
    lines.push(`${s.area.padEnd(pad)}results ${ratio(s.results.passed, s.results.total)}  history ${ratio(s.history.passed, s.history.total)}`);
    total.rp += s.results.passed;
    total.rt += s.results.total;
    total.hp += s.history.passed;
    total.ht += s.history.total;
  }
  lines.push(`${'total'.padEnd(pad)}results ${ratio(total.rp, total.rt)}  history ${ratio(total.hp, total.ht)}`);
  return lines.join('\n');
}

function ratio(passed: number, total: number): string {
  const percent = total === 0 ? '—' : `${((passed / total) * 100).toFixed(1)}%`;
  return `${passed}/${total} (${percent})`.padEnd(20);
}
