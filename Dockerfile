# Millwright: one process with broker, engine, store and web app.
# Untested here (no Docker engine on the development machines); kept plain.
FROM denoland/deno:debian-2.9.6

WORKDIR /app
COPY deno.json deno.lock ./
COPY . .
# Resolve npm packages into ./node_modules at build time, so start-up needs no network
# (the worker threads and the mosquitto-auth command are entry points of their own).
RUN deno install --entrypoint main.ts engine/store/store_write_worker.ts \
      engine/identity/_argon2_worker_main.ts engine/learning/training_worker.ts \
      cli/mosquitto_auth.ts \
 && deno cache main.ts

RUN mkdir -p /data && chown -R deno:deno /data /app
USER deno

ENV HOST=0.0.0.0 \
    PORT=8000 \
    MQTT_PORT=1883 \
    DATA_DIR=/data \
    SIMULATOR=off
VOLUME ["/data"]
EXPOSE 8000 1883

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["deno", "eval", "const r = await fetch('http://127.0.0.1:' + (Deno.env.get('PORT') ?? '8000') + '/api/v1/health'); Deno.exit(r.ok ? 0 : 1)"]

CMD ["deno", "run", "--allow-all", "main.ts"]
