import assert from "node:assert/strict";
import { renderHtml } from "../src/report/html.ts";
import { startLiveReport } from "../src/report/live.ts";
import { loadFixture } from "./fixtures/load_fixture.ts";

async function nextEvent(reader: ReadableStreamDefaultReader<string>, buffer: { text: string }) {
  while (!buffer.text.includes("\n\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("event stream ended");
    buffer.text += value;
  }
  const end = buffer.text.indexOf("\n\n");
  const event = buffer.text.slice(0, end);
  buffer.text = buffer.text.slice(end + 2);
  return event;
}

Deno.test("live report pushes each update to open pages over server-sent events", async () => {
  const live = await startLiveReport({ port: 0 });
  try {
    assert.match(live.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const waiting = await (await fetch(live.url)).text();
    assert.match(waiting, /Waiting for the first second/);

    const events = await fetch(new URL("/events", live.url));
    assert.equal(events.headers.get("content-type"), "text/event-stream");
    const reader = events.body!.pipeThrough(new TextDecoderStream()).getReader();
    const buffer = { text: "" };
    const final = loadFixture("run_result.json");
    const partial = structuredClone(final);
    partial.status = "interrupted";
    partial.series.per_second = partial.series.per_second.slice(0, 10);
    live.update(partial);
    const first = await nextEvent(reader, buffer);
    assert.match(first, /^event: update\ndata: /);
    const payload = JSON.parse(first.slice(first.indexOf("data: ") + 6));
    assert.equal(payload.chartData.latency.p95.length, 10);
    assert.match(payload.main, /<table id="criteria">/);

    live.update(final);
    const second = JSON.parse((await nextEvent(reader, buffer)).split("data: ")[1]);
    assert.equal(second.chartData.latency.p95.length, 60);

    const page = await (await fetch(live.url)).text();
    assert.match(page, /new EventSource\("\/events"\)/);
    assert.match(page, /connect-src 'self'/);
    const offline = page.replace("; connect-src 'self'", "")
      .replace(
        /<script>\(function \(\) \{\n {2}var source = new EventSource[\s\S]*?<\/script>\n/,
        "",
      );
    assert.equal(offline, renderHtml(final), "the live page is the offline page plus its script");
    assert.equal((await (await fetch(new URL("/run.json", live.url))).json()).status, "passed");
    await reader.cancel();
  } finally {
    await live.close();
  }
});
