import { epochNow } from "../run/write_journal.ts";

/** Longest the measurement polls for the Date header's second to change. */
const POLL_WINDOW_MS = 1300;
const POLL_GAP_MS = 10;

/**
 * The target's clock minus ours (ms), read from the HTTP Date header of GET `url`. The header
 * has one-second resolution, so the target's clock is read where its second changes: polled
 * every ~10 ms for up to 1.3 s, the change lies between the send of the last response with the
 * old second and the receipt of the first with the new one, and the offset is taken at the
 * middle of that interval (± half of it, `uncertaintyMs`). Null when the target sends no Date.
 */
export async function measureClockOffset(
  url: string,
): Promise<{ offsetMs: number; uncertaintyMs: number } | null> {
  let previous: { sent: number; second: number } | null = null;
  const end = epochNow() + POLL_WINDOW_MS;
  while (epochNow() < end) {
    const sent = epochNow();
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    await res.body?.cancel();
    const received = epochNow();
    const date = res.headers.get("date");
    if (date === null) return null;
    const second = Date.parse(date);
    if (!Number.isFinite(second)) return null;
    if (previous && second > previous.second) {
      const middle = (previous.sent + received) / 2;
      return { offsetMs: second - middle, uncertaintyMs: (received - previous.sent) / 2 };
    }
    previous = { sent, second };
    await new Promise((r) => setTimeout(r, POLL_GAP_MS));
  }
  // No change seen (a very slow target): one reading, good to half a second.
  return previous && { offsetMs: previous.second + 500 - previous.sent, uncertaintyMs: 500 };
}
