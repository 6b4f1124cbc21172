# akibench on the official Deno image, for sharded runs on Kubernetes (deploy/kubernetes/) or
# anywhere a container runs:  docker build -t akibench:0.1.0 .
FROM denoland/deno:2.9.6
WORKDIR /app
COPY deno.json deno.lock mod.ts ./
COPY src/ src/
COPY scenarios/ scenarios/
# npm packages into node_modules (usearch's install script stays denied, as in deno.json), then
# the CLI's module graph, so a pod starts without fetching anything.
RUN deno install && deno cache src/cli/main.ts && mkdir -p /data && chown deno:deno /data
USER deno
ENTRYPOINT ["deno", "run", "-A", "/app/src/cli/main.ts"]
