// On the host: tells the committee about each desk that pairs (name and address) and about
// wrong pairing codes, whatever screen is open. Polls `desk_pairing_log` every few seconds.
import { call, onHost } from './api.js';
import { toast } from './dom.js';

const EVERY_MS = 4000;

/** The code as the host reads it out: `4829 1375`. */
export function formatCode(code) {
  return code ? `${code.slice(0, 4)} ${code.slice(4)}` : '';
}

/** Where a desk paired from, in words: «من العنوان 192.168.1.20» or «من الجهاز الرئيس نفسه». */
export function pairedFrom(d) {
  return /^[0-9a-f.:]+$/i.test(d.paired_from || '') ? `من العنوان ${d.paired_from}` : 'من الجهاز الرئيس نفسه';
}

export function watchPairings() {
  if (!onHost) return;
  let since = null;
  let wrongSeen = 0;
  const seen = new Set();
  const tick = async () => {
    try {
      const log = await call('desk_pairing_log', since ? { since } : {});
      if (since !== null) {
        for (const d of log.paired.slice().reverse()) {
          const key = `${d.id}@${d.paired_at}`;
          if (seen.has(key)) continue;
          seen.add(key);
          toast(`اقترنت «${d.name}» بالجهاز الرئيس ${pairedFrom(d)}`);
        }
        const wrong = log.attempts.wrong_attempts;
        if (wrong > wrongSeen && wrong >= 3) {
          const from = log.attempts.addresses.slice(0, 3).map((a) => a.address).join('، ');
          toast(`محاولات اقتران برمز خاطئ: ${wrong}${from ? ` (من ${from})` : ''}`, 'error');
        }
        wrongSeen = wrong;
      } else {
        for (const d of log.paired) seen.add(`${d.id}@${d.paired_at}`);
        wrongSeen = log.attempts.wrong_attempts;
      }
      since = log.now;
    } catch {
      // The next tick tries again.
    }
  };
  tick();
  setInterval(tick, EVERY_MS);
}
