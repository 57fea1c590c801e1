/**
 * A `Date` constructor whose notion of "now" comes from a virtual clock. Everything that is not about
 * the current time (`new Date(x)`, `Date.UTC`, `Date.parse`, the prototype) is the real `Date`, and
 * instances are real Dates, so `instanceof`, `structuredClone` and `postMessage` keep working.
 */
export function createVirtualDate(now: () => number, RealDate: DateConstructor = Date): DateConstructor {
  const virtualNow = () => now();
  // A Proxy rather than a subclass: `Date()` called without `new` must still work (it returns a string).
  return new Proxy(RealDate, {
    construct(target, args: unknown[], newTarget) {
      return Reflect.construct(target, args.length === 0 ? [now()] : args, newTarget);
    },
    apply() {
      return new RealDate(now()).toString();
    },
    get(target, property, receiver) {
      if (property === 'now') return virtualNow;
      return Reflect.get(target, property, receiver);
    },
  });
}
