/** Freezes a value and everything it holds (plain JSON, Dates): for objects every reader shares. */
export function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const member of Object.values(value as Record<string, unknown>)) deepFreeze(member);
  return value;
}
