// Preloaded into a govgraph process (`node --import THIS`, through NODE_OPTIONS) to run it with its clock
// moved by CLOCK_SHIFT_MS milliseconds (negative: behind), as after an NTP step back or an operator setting
// the date: Date.now() and `new Date()` read the shifted time; timers are not affected.
const shift = Number(process.env.CLOCK_SHIFT_MS ?? '0');
const RealDate = Date;
class ShiftedDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(RealDate.now() + shift);
    else super(...args);
  }
  static now() {
    return RealDate.now() + shift;
  }
}
globalThis.Date = ShiftedDate;
