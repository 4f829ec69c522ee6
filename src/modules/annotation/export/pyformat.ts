// Python's ways of printing values, where Label Studio's converter output depends on them: float repr
// ("1.0", "1e-05"), the csv module's QUOTE_NONNUMERIC cells, ujson's escaped slashes, os.path helpers,
// round-half-even, str(datetime) and minidom's text escaping.

/** repr() of a Python float: the shortest round-trip digits, fixed notation for exponents -4..15. */
export function pyFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  // toExponential() without an argument gives the shortest digits that round-trip, like Python's repr.
  const [mantissa = '', exp = '0'] = Math.abs(x).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const e = Number(exp);
  if (e < -4 || e >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const ePart = `${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
    return `${sign}${m}e${ePart}`;
  }
  if (e < 0) return `${sign}0.${'0'.repeat(-e - 1)}${digits}`;
  const intPart = digits.slice(0, e + 1).padEnd(e + 1, '0');
  const frac = digits.slice(e + 1);
  return `${sign}${intPart}.${frac || '0'}`;
}

/**
 * A JSON number as Python prints it after json.load. JavaScript cannot tell 1 from 1.0, so an integral value
 * prints as an int; fields that are always floats in Label Studio (lead_time, agreement) use pyFloat instead.
 */
export function pyNumber(x: number): string {
  if (Number.isInteger(x)) return Number.isSafeInteger(x) ? String(x) : BigInt(x).toString();
  return pyFloat(x);
}

/** ujson.dumps(v, ensure_ascii=False): compact, and "/" escaped as "\/" (ujson's default). */
export function ujsonDumps(v: unknown): string {
  return (JSON.stringify(v) ?? 'null').replaceAll('/', '\\/');
}

/** A cell as Python's csv writer with QUOTE_NONNUMERIC writes it (None and missing values become ""). */
export function csvCell(v: unknown, float = false): string {
  if (v === null || v === undefined) return '""';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return float ? pyFloat(v) : pyNumber(v);
  const s = typeof v === 'string' ? v : String(v);
  return `"${s.replaceAll('"', '""')}"`;
}

/** os.path.basename on POSIX: everything after the last "/". */
export function basename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/** os.path.splitext: the extension starts at the last dot, unless only dots come before it. */
export function splitext(name: string): [string, string] {
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return [name, ''];
  for (let i = 0; i < dot; i++) if (name[i] !== '.') return [name.slice(0, dot), name.slice(dot)];
  return [name, ''];
}

/** Python 3's round(): halves go to the even neighbour. */
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** str(datetime.now()): local time, "YYYY-MM-DD HH:MM:SS.ffffff" (microseconds left out when zero). */
export function pyDatetime(d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const base = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
  return d.getMilliseconds() === 0 ? base : `${base}.${p(d.getMilliseconds(), 3)}000`;
}

/** Text node escaping of xml.dom.minidom (Python 3.11). */
export function xmlText(s: string): string {
  return s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('"', '&quot;').replaceAll('>', '&gt;');
}
