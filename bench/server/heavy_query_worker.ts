/**
 * Worker for bench/heavy_query_isolation.ts: repeats heavy queries (bodies given) against `url`
 * until told to stop, reading each answer as bytes, and posts back the latencies. A worker, so
 * the heavy answers' bytes never delay the timed small clients on the main thread.
 */
interface Start {
  url: string;
  bodies: string[];
}

const worker = self as unknown as Worker;
let stop = false;
worker.onmessage = async (event: MessageEvent<Start | "stop">) => {
  if (event.data === "stop") {
    stop = true;
    return;
  }
  const { url, bodies } = event.data;
  const latenciesMs: number[] = [];
  for (let i = 0; !stop; i++) {
    const t = performance.now();
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: bodies[i % bodies.length],
    });
    await res.arrayBuffer();
    latenciesMs.push(performance.now() - t);
  }
  worker.postMessage(latenciesMs);
};
