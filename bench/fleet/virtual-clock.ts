// The bench and the tests share one fake clock; it lives with the test support code.
export { drainMicrotasks, seededRandom, VirtualClock } from "../../test/support/virtual-clock.js";
