/**
 * The state named `name` anywhere in the machine: its top-level States first, then inside
 * Parallel branches and Map item processors, at any depth, as AWS finds it (LocalStack's AWS
 * recording test_base_state_name[BASE_MAP_STATE_MACHINE] tests `HandleItem`, a state of a
 * Distributed Map's ItemProcessor). ASL state names are unique in a machine.
 */
export function findState(machine: Record<string, any>, name: string): Record<string, any> | undefined {
  const states = machine.States;
  if (typeof states !== 'object' || states === null || Array.isArray(states)) return undefined;
  const own = Object.hasOwn(states, name) ? (states as Record<string, unknown>)[name] : undefined;
  if (typeof own === 'object' && own !== null && !Array.isArray(own)) return own as Record<string, any>;
  for (const state of Object.values(states as Record<string, Record<string, any> | null>)) {
    if (typeof state !== 'object' || state === null) continue;
    const inner = [...(Array.isArray(state.Branches) ? state.Branches : []), state.ItemProcessor ?? state.Iterator];
    for (const machineInside of inner) {
      if (typeof machineInside !== 'object' || machineInside === null) continue;
      const found = findState(machineInside as Record<string, any>, name);
      if (found) return found;
    }
  }
  return undefined;
}

/** Every state name inside a Parallel's branches or a Map's processor, at any depth. */
export function innerStateNames(state: Record<string, any>): Set<string> {
  const names = new Set<string>();
  const visit = (machine: unknown) => {
    const states = (machine as { States?: Record<string, Record<string, any>> } | undefined)?.States;
    if (typeof states !== 'object' || states === null) return;
    for (const [name, inner] of Object.entries(states)) {
      names.add(name);
      for (const branch of Array.isArray(inner?.Branches) ? inner.Branches : []) visit(branch);
      visit(inner?.ItemProcessor ?? inner?.Iterator);
    }
  };
  for (const branch of Array.isArray(state.Branches) ? state.Branches : []) visit(branch);
  visit(state.ItemProcessor ?? state.Iterator);
  return names;
}
